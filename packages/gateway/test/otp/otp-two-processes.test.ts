import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSession, sdk } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { http, type HttpResponse } from '../support/http.js';
import { freshContact, latestCode, otpResend, otpSend, otpVerify, wrongCodeFor } from '../support/otp.js';
import { spawnGatewayProcess, type GatewayProcess } from '../support/spawn-gateway.js';

const postgres = testDatabases().find((f) => f.name === 'postgres');

// The OTP limits are rows in the shared database, not counters in memory:
// requests alternated between two gateway processes draw on one budget.
// (The second process runs on the real clock, the first on a frozen one a
// few seconds behind, so Retry-After is checked to within that skew.)
describe.runIf(postgres)('OTP limits across two gateway processes on PostgreSQL', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let other: GatewayProcess;
  let secret: string;

  beforeAll(async () => {
    db = await postgres!.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    other = await spawnGatewayProcess(db.url, 30_000);
    secret = (
      await gw.services.merchants.create({ name: 'Two Process OTP', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' })
    ).merchantSecret.reveal();
  }, 60_000);
  afterAll(async () => {
    await other?.stop();
    await gw?.close();
    await db?.drop();
  });

  const processes = () => [gw, { url: other.url }];
  const otpSession = (customer: Record<string, string> = freshContact()) => mintSession(gw, secret, { require_otp: true, customer });
  const expectLimited = (res: HttpResponse) => {
    expect(res.status).toBe(429);
    expect(res.body.error.error_code).toBe('1402');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(240);
    expect(retryAfter).toBeLessThanOrEqual(330);
  };

  it('verify: 5 attempts alternated between the processes, the 6th is refused by either', async () => {
    const { sessionId, token } = await otpSession();
    await otpSend(gw, token);
    const code = await latestCode(gw, secret, sessionId);
    for (let i = 0; i < 5; i++) expect((await otpVerify(processes()[i % 2]!, token, wrongCodeFor(code))).status).toBe(400);
    expectLimited(await otpVerify({ url: other.url }, token, code));
    expectLimited(await otpVerify(gw, token, code));
  });

  it('resend: send and four resends alternated between the processes, the next is refused by either', async () => {
    const { token } = await otpSession();
    expect((await otpSend({ url: other.url }, token)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await otpResend(processes()[i % 2]!, token)).status).toBe(200);
    expectLimited(await otpResend({ url: other.url }, token));
    expectLimited(await otpResend(gw, token));
  });

  it('concurrent verifies spread over both processes: exactly 5 pass the limit', async () => {
    const { token } = await otpSession();
    await otpSend(gw, token);
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => otpVerify(processes()[i % 2]!, token, '000000')));
    expect(answers.filter((r) => r.status !== 429)).toHaveLength(5);
    for (const r of answers.filter((a) => a.status === 429)) expect(r.body.error.error_code).toBe('1402');
  });

  it('the per-destination limit counts codes sent by both processes', async () => {
    const { phone } = freshContact();
    const sends = await Promise.all(Array.from({ length: 12 }, async (_, i) => otpSend(processes()[i % 2]!, (await otpSession({ phone })).token)));
    expect(sends.filter((r) => r.status === 200)).toHaveLength(10);
    expect(sends.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it('a code sent through one process verifies through the other, once', async () => {
    const { sessionId, token } = await otpSession();
    await otpSend(gw, token);
    const code = await latestCode({ url: other.url }, secret, sessionId);
    const answers = await Promise.all([otpVerify({ url: other.url }, token, code), otpVerify(gw, token, code)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect((await http(`${gw.url}/v1/checkout`, { headers: sdk(token) })).body.otp_verified).toBe(true);
  });
});
