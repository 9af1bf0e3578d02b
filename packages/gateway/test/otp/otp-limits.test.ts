import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import type { HttpResponse } from '../support/http.js';
import { freshContact, latestCode, otpResend, otpSend, otpVerify, wrongCodeFor } from '../support/otp.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

function expectRateLimited(res: HttpResponse, retryAfterSeconds: number): void {
  expect(res.status).toBe(429);
  expect(res.body.error.error_code).toBe('1402');
  expect(res.headers['retry-after']).toBe(String(retryAfterSeconds));
  expect(res.body.error.message).toContain(`try again in ${retryAfterSeconds} seconds`);
}

describe.each(testDatabases())('customer OTP rate limits ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    secret = (await gw.services.merchants.create({ name: 'Limits Shop', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const otpSession = (customer: Record<string, string> = freshContact()) => mintSession(gw, secret, { require_otp: true, customer });

  it('the 6th verify within 5 minutes is 429 (1402) with Retry-After until the oldest attempt leaves the window', async () => {
    const { sessionId, token } = await otpSession();
    await otpSend(gw, token);
    const code = await latestCode(gw, secret, sessionId);
    for (let i = 0; i < 5; i++) {
      expect((await otpVerify(gw, token, wrongCodeFor(code))).status).toBe(400);
      gw.clock.advance(10 * SECOND);
    }
    // Attempts at t0, t0+10s … t0+40s; now t0+50s: the first leaves at t0+300s.
    expectRateLimited(await otpVerify(gw, token, code), 250);
    gw.clock.advance(249 * SECOND);
    expectRateLimited(await otpVerify(gw, token, code), 1);
    gw.clock.advance(1 * SECOND);
    // t0+300s: one slot is free again (the code, sent at t0, has expired by now).
    expect((await otpVerify(gw, token, code)).body.error.error_code).toBe('1401');
    // That attempt took the free slot; the next frees up when the t0+10s attempt leaves, 10 s later.
    expectRateLimited(await otpVerify(gw, token, code), 10);
  });

  it('after the window a verify goes through, and a right code verifies', async () => {
    const { sessionId, token } = await otpSession();
    await otpSend(gw, token);
    const code = await latestCode(gw, secret, sessionId);
    for (let i = 0; i < 5; i++) expect((await otpVerify(gw, token, wrongCodeFor(code))).status).toBe(400);
    expectRateLimited(await otpVerify(gw, token, code), 300);
    gw.clock.advance(5 * MINUTE);
    expect((await otpResend(gw, token)).status).toBe(200);
    expect((await otpVerify(gw, token, await latestCode(gw, secret, sessionId))).status).toBe(200);
  });

  it('the 6th resend within 5 minutes is 429 (1402) with the right Retry-After, allowed again after the window', async () => {
    const { sessionId, token } = await otpSession();
    const codes = [];
    for (let i = 0; i < 5; i++) {
      expect((await otpResend(gw, token)).status).toBe(200);
      codes.push(await latestCode(gw, secret, sessionId));
      gw.clock.advance(30 * SECOND);
    }
    // Resends at t0 … t0+120s; now t0+150s.
    expectRateLimited(await otpResend(gw, token), 150);
    // A refused resend sends nothing and leaves the live code alone.
    expect(await latestCode(gw, secret, sessionId)).toBe(codes[4]);
    gw.clock.advance(150 * SECOND);
    expect((await otpResend(gw, token)).status).toBe(200);
    // The t0+30s resend is next to leave the window.
    expectRateLimited(await otpResend(gw, token), 30);
  });

  it('send and resend share one budget: send plus four resends, then the next is refused either way', async () => {
    const { token } = await otpSession();
    expect((await otpSend(gw, token)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await otpResend(gw, token)).status).toBe(200);
    expectRateLimited(await otpResend(gw, token), 300);
    expectRateLimited(await otpSend(gw, token), 300);
  });

  it('the verify and send budgets are separate, and per session', async () => {
    const a = await otpSession();
    const b = await otpSession();
    await otpSend(gw, a.token);
    for (let i = 0; i < 5; i++) await otpVerify(gw, a.token, '000000');
    expectRateLimited(await otpVerify(gw, a.token, '000000'), 300);
    expect((await otpResend(gw, a.token)).status).toBe(200);
    expect((await otpSend(gw, b.token)).status).toBe(200);
    expect((await otpVerify(gw, b.token, await latestCode(gw, secret, b.sessionId))).status).toBe(200);
  });

  it('at most 10 codes an hour reach one phone, across sessions; other phones are unaffected', async () => {
    const { phone } = freshContact();
    for (let i = 0; i < 10; i++) {
      const { token } = await otpSession({ phone });
      expect((await otpSend(gw, token)).status).toBe(200);
      gw.clock.advance(MINUTE);
    }
    const eleventh = await otpSession({ phone });
    const refused = await otpSend(gw, eleventh.token);
    // Codes at t0 … t0+9min; now t0+10min: the first leaves the hour at t0+60min.
    expectRateLimited(refused, 50 * 60);
    expect(refused.body.error.message).toContain('phone number');
    expect(refused.text).not.toContain(phone.slice(-6));
    // Another phone number, and the same session by e-mail, still get their codes.
    expect((await otpSend(gw, (await otpSession()).token)).status).toBe(200);

    gw.clock.advance(50 * MINUTE);
    const later = await otpSession({ phone });
    expect((await otpSend(gw, later.token)).status).toBe(200);
  });

  it('the destination is limited by its normalised form (e-mail case does not matter) and never stored in clear', async () => {
    const { email } = freshContact();
    for (let i = 0; i < 10; i++) {
      const { token } = await otpSession({ email: i % 2 ? email.toUpperCase() : email });
      expect((await otpSend(gw, token)).status).toBe(200);
    }
    expect((await otpSend(gw, (await otpSession({ email })).token)).status).toBe(429);
    const buckets = await gw.services.storage.db.selectFrom('otp_rate_limits').select('bucket').execute();
    const names = buckets.map((b) => b.bucket).join('\n');
    expect(names).toMatch(/^destination:[0-9a-f]{64}$/m);
    expect(names.toLowerCase()).not.toContain(email.split('@')[0]!.toLowerCase());
  });

  it('concurrent verifies on one session: never more than 5 get through the limit', async () => {
    const { token } = await otpSession();
    await otpSend(gw, token);
    const answers = await Promise.all(Array.from({ length: 12 }, () => otpVerify(gw, token, '000000')));
    expect(answers.filter((r) => r.status === 429)).toHaveLength(7);
    expect(answers.filter((r) => r.status === 400 || r.status === 200)).toHaveLength(5);
  });

  it('the sweep removes spent windows and expired codes', async () => {
    const { token } = await otpSession();
    await otpSend(gw, token);
    gw.clock.advance(2 * 60 * MINUTE);
    expect(await gw.services.otp.sweep()).toBeGreaterThan(0);
    const left = await gw.services.storage.db.selectFrom('otp_rate_limits').select('bucket').execute();
    expect(left).toEqual([]);
    expect(await gw.services.storage.db.selectFrom('otp_challenges').select('session_id').execute()).toEqual([]);
  });
});
