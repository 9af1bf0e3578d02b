import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSession } from '../support/checkout.js';
import { dumpPostgres, readSqliteFiles, testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { freshContact, latestCode, otpResend, otpSend, otpVerify, wrongCodeFor } from '../support/otp.js';

/**
 * A code standing on its own in `text`: not part of a longer run of digits
 * or hex (a timestamp, a hash), where any 6 digits turn up by chance.
 */
const standalone = (code: string) => new RegExp(`(?<![0-9a-fA-F])${code}(?![0-9a-fA-F])`);

// The issue: "no OTP appears in logs, audit records or the database in clear".
describe.each(testDatabases())('no OTP in logs, audit records or the database ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  const codes: string[] = [];

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    const secret = (await gw.services.merchants.create({ name: 'At Rest Shop', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
    // Every path a code takes: sent, re-sent, guessed wrong, verified, replayed, expired, read from the outbox.
    for (let i = 0; i < 6; i++) {
      const { sessionId, token } = await mintSession(gw, secret, { require_otp: true, customer: i % 2 ? { email: freshContact().email } : freshContact() });
      await otpSend(gw, token);
      codes.push(await latestCode(gw, secret, sessionId));
      await otpResend(gw, token);
      const code = await latestCode(gw, secret, sessionId);
      codes.push(code);
      await otpVerify(gw, token, wrongCodeFor(code));
      await otpVerify(gw, token, codes.at(-2)!);
      if (i < 4) {
        expect((await otpVerify(gw, token, code)).status).toBe(200);
        await otpVerify(gw, token, code);
      } else {
        gw.clock.advance(5 * 60_000);
        await otpVerify(gw, token, code);
      }
    }
    await gw.services.audit.flush();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('the logs hold no code', () => {
    const logs = gw.logs();
    expect(logs).toContain('OTP sent');
    expect(logs).toContain('OTP verified');
    for (const code of codes) expect(standalone(code).test(logs), `code found in the logs`).toBe(false);
  });

  it('the audit records hold no code (one record per OTP request, body as a keyed HMAC)', async () => {
    const rows = await gw.services.storage.db.selectFrom('audit_log').selectAll().where('path', 'like', '/v1/otp/%').execute();
    expect(rows).toHaveLength(4 * 6 + 2 * 5);
    const text = JSON.stringify(rows);
    for (const code of codes) expect(standalone(code).test(text), 'code found in an audit record').toBe(false);
  });

  it('the database holds no code in clear: only keyed hashes and keyring ciphertext', async () => {
    const haystack = db.file ? readSqliteFiles(db.file).toString('latin1') : await dumpPostgres(db.url);
    expect(haystack).toContain('pdk1:'); // the sealed outbox messages
    for (const code of codes) expect(standalone(code).test(haystack), 'code found at rest').toBe(false);
    const hashes = await gw.services.storage.db.selectFrom('otp_challenges').select('code_hash').execute();
    for (const { code_hash } of hashes) expect(code_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
