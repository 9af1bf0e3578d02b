import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpPostgres, readSqliteFiles, testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

// docs/api.md#credentials: nothing in the database, logs or audit records can give a
// merchant_secret or webhook_secret back.
describe.each(testDatabases())('no cleartext secret at rest or in logs ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  const secrets: string[] = [];

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    for (const name of ['Alpha', 'Beta', 'Gamma']) {
      const created = await gw.services.merchants.create({ name, redirectHosts: ['shop.example'], ipAllowlist: ['127.0.0.0/8'] });
      const extra = await gw.services.keyService.issue(created.merchant.id);
      secrets.push(created.merchantSecret.reveal(), created.webhookSecret.reveal(), extra.merchantSecret.reveal());
      // Use every key, rightly and wrongly, so authentication and audit paths run with them.
      for (const s of [created.merchantSecret.reveal(), extra.merchantSecret.reveal()]) {
        await http(`${gw.url}/v1/merchant`, { headers: bearer(s) });
        await http(`${gw.url}/v1/merchant`, { headers: bearer(s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A')) });
        await http(`${gw.url}/v1/merchant`, { method: 'POST', headers: { ...bearer(s), 'content-type': 'application/json' }, body: JSON.stringify({ s }) });
        await http(`${gw.url}/v1/nope?key=${encodeURIComponent(s)}`, { headers: bearer(s) });
      }
    }
    await gw.services.audit.flush();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  // The distinctive random part of each secret, in every encoding it could plausibly be stored in.
  const needles = () =>
    secrets.flatMap((s) => {
      const random = s.startsWith('whsec_') ? s.slice(6) : s.slice(28);
      const raw = Buffer.from(random, s.startsWith('whsec_') ? 'base64' : 'base64url');
      return [s, random, raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')];
    });

  it('the database holds no secret in any encoding', async () => {
    const haystack = db.file ? readSqliteFiles(db.file) : Buffer.from(await dumpPostgres(db.url));
    expect(haystack.length).toBeGreaterThan(0);
    for (const needle of needles()) {
      expect(haystack.includes(Buffer.from(needle)), `found a secret (${needle.slice(0, 6)}…) at rest`).toBe(false);
    }
    // Only hashes and ciphertexts are stored.
    const text = haystack.toString('latin1');
    expect(text).toContain('$argon2id$');
  });

  it('the logs hold no secret', () => {
    const logs = gw.logs();
    expect(logs.length).toBeGreaterThan(1000);
    for (const needle of needles()) expect(logs.includes(needle), `found a secret (${needle.slice(0, 6)}…) in the logs`).toBe(false);
  });
});
