import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/gateway.js';

const LIVE = {
  PDIRECT_MODE: 'live',
  PDIRECT_MASTER_KEY: TEST_MASTER_KEY,
  PDIRECT_TRUSTED_PROXIES: '10.0.0.1',
  PDIRECT_PUBLIC_URL: 'https://pay.example',
  PDIRECT_MPGS_BASE_URL: 'https://test-gateway.mastercard.com',
  PDIRECT_MPGS_MERCHANT_ID: 'TESTMID',
  PDIRECT_MPGS_API_PASSWORD: 'mpgs-password',
  PDIRECT_SMTP_URL: 'smtp://otp%40pay.example:smtp-password-not-to-be-echoed@smtp.example:587',
  PDIRECT_OTP_EMAIL_FROM: 'Pay Example <otp@pay.example>',
  PDIRECT_SMS_URL: 'https://sms.example/v1/messages',
  PDIRECT_SMS_AUTH_HEADER: 'Bearer sms-token-not-to-be-echoed',
  PDIRECT_OTP_EMAIL: 'smtp',
  PDIRECT_OTP_SMS: 'https',
};

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  return '';
};

describe('OTP configuration', () => {
  it('sandbox defaults: both channels to the outbox, 10 codes an hour per destination, lockout after 3 wrong codes', () => {
    expect(loadConfig({}).otp).toEqual({ email: 'outbox', sms: 'outbox', smtp: undefined, httpsSms: undefined, destinationLimitPerHour: 10, maxWrongCodes: 3 });
  });

  it('live: OTP is off until a provider is configured (no provider settings needed then)', () => {
    const { PDIRECT_OTP_EMAIL: _e, PDIRECT_OTP_SMS: _s, PDIRECT_SMTP_URL: _u, PDIRECT_OTP_EMAIL_FROM: _f, PDIRECT_SMS_URL: _m, ...bare } = LIVE;
    expect(loadConfig(bare).otp).toMatchObject({ email: 'off', sms: 'off', smtp: undefined, httpsSms: undefined });
  });

  it('live: SMTP and HTTPS SMS, fully parsed', () => {
    const otp = loadConfig(LIVE).otp;
    expect(otp).toMatchObject({ email: 'smtp', sms: 'https' });
    expect(otp.smtp).toMatchObject({ from: 'Pay Example <otp@pay.example>', requireTls: true, timeoutMs: 10_000 });
    expect(otp.smtp!.url.reveal()).toBe(LIVE.PDIRECT_SMTP_URL);
    expect(String(otp.smtp!.url)).toBe('[redacted]');
    expect(otp.httpsSms).toMatchObject({
      url: 'https://sms.example/v1/messages',
      timeoutMs: 5000,
      retries: 2,
      bodyTemplate: '{"to":"{{to}}","message":"{{message}}"}',
    });
    // A loopback relay may be plain SMTP.
    expect(loadConfig({ ...LIVE, PDIRECT_SMTP_URL: 'smtp://127.0.0.1:25' }).otp.smtp!.requireTls).toBe(false);
  });

  it('live mode refuses the outbox, at boot, saying what to set instead', () => {
    const message = problemsOf({ ...LIVE, PDIRECT_OTP_EMAIL: 'outbox', PDIRECT_OTP_SMS: 'outbox' });
    expect(message).toContain('PDIRECT_OTP_EMAIL=outbox is the sandbox outbox');
    expect(message).toContain('refused in live mode: set PDIRECT_OTP_EMAIL=smtp');
    expect(message).toContain('PDIRECT_OTP_SMS=outbox is the sandbox outbox');
  });

  it('live mode needs the provider settings, and the errors never echo a secret', () => {
    const missing = problemsOf({ ...LIVE, PDIRECT_SMTP_URL: '', PDIRECT_OTP_EMAIL_FROM: '', PDIRECT_SMS_URL: '' });
    expect(missing).toContain('PDIRECT_SMTP_URL is required');
    expect(missing).toContain('PDIRECT_OTP_EMAIL_FROM is required');
    expect(missing).toContain('PDIRECT_SMS_URL is required');

    const bad = problemsOf({
      ...LIVE,
      PDIRECT_SMTP_URL: 'http://user:smtp-password-not-to-be-echoed@smtp.example',
      PDIRECT_SMS_URL: 'http://sms.example/send',
      PDIRECT_SMS_BODY_TEMPLATE: '{"to":"{{to}}"}',
      PDIRECT_SMS_RETRIES: '9',
      PDIRECT_OTP_MAX_WRONG_CODES: '0',
    });
    expect(bad).toContain('PDIRECT_SMTP_URL');
    expect(bad).toContain("PDIRECT_SMS_URL is required for PDIRECT_OTP_SMS=https: the SMS provider's https:// endpoint");
    expect(bad).toContain('PDIRECT_SMS_BODY_TEMPLATE must be JSON with {{to}} and {{message}}');
    expect(bad).toContain('PDIRECT_SMS_RETRIES must be a whole number from 0 to 5');
    expect(bad).toContain('PDIRECT_OTP_MAX_WRONG_CODES must be a whole number from 1 to 5');
    expect(bad).not.toContain('smtp-password-not-to-be-echoed');
    expect(bad).not.toContain('sms-token-not-to-be-echoed');
  });

  it('sandbox accepts plain http for the SMS provider, and placeholders only inside string values', () => {
    const sandbox = { PDIRECT_OTP_SMS: 'https', PDIRECT_SMS_URL: 'http://127.0.0.1:9999/sms' };
    expect(loadConfig(sandbox).otp.httpsSms?.url).toBe('http://127.0.0.1:9999/sms');
    expect(problemsOf({ ...sandbox, PDIRECT_SMS_BODY_TEMPLATE: '{"{{to}}":"{{message}}"}' })).toContain('PDIRECT_SMS_BODY_TEMPLATE');
    expect(problemsOf({ ...sandbox, PDIRECT_SMS_BODY_TEMPLATE: 'to={{to}}&text={{message}}' })).toContain('PDIRECT_SMS_BODY_TEMPLATE');
    expect(problemsOf({ PDIRECT_OTP_EMAIL: 'carrier-pigeon' })).toContain('PDIRECT_OTP_EMAIL must be one of outbox, smtp');
  });
});

const [sqlite] = testDatabases();

describe('the sandbox outbox endpoint exists only in sandbox mode', () => {
  let db: TestDatabase;
  let sandbox: TestGateway;
  let live: Gateway;
  let dataDir: string;

  beforeAll(async () => {
    db = await sqlite!.create();
    sandbox = await startTestGateway({ databaseUrl: db.url });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-live-'));
    const config = loadConfig({ ...LIVE, PDIRECT_DATABASE_URL: db.url, PDIRECT_DATA_DIR: dataDir, PDIRECT_PORT: '0', PDIRECT_LOG_LEVEL: 'silent' });
    live = await createGateway(config, { logger: createLogger('silent') });
  });
  afterAll(async () => {
    await live?.close();
    await sandbox?.close();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const sessionId = 'cs_aaaaaaaaaaaaaaaaaaaa';

  it('sandbox: the route is there (a merchant credential is required)', async () => {
    const res = await fetch(`${sandbox.url}/v1/_sandbox/otp-outbox?session_id=${sessionId}`);
    expect(res.status).toBe(401);
    expect(sandbox.services.otp.outbox).toBeDefined();
  });

  it('live: no such route at all (404 for every method), and no outbox behind it', async () => {
    expect(live.services.otp.outbox).toBeUndefined();
    for (const method of ['GET', 'POST'] as const) {
      // As the trusted TLS proxy sends it: live mode answers no one else.
      const res = await live.app.inject({
        method,
        url: `/v1/_sandbox/otp-outbox?session_id=${sessionId}`,
        remoteAddress: '10.0.0.1',
        headers: { authorization: 'Bearer pd_live_sk_x', 'x-forwarded-proto': 'https' },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.error_code).toBe('1011');
    }
    // The OTP routes themselves are there.
    expect(
      (await live.app.inject({ method: 'POST', url: '/v1/otp/send', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-proto': 'https' } })).statusCode,
    ).toBe(401);
  });
});

describe.each(testDatabases().slice(0, 1))('OTP channels that are off ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_OTP_SMS: 'off' } });
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('a session needing OTP for a customer reachable only by an off channel is refused at mint; e-mail still works', async () => {
    const { sessionBody } = await import('../support/checkout.js');
    const { bearer, http } = await import('../support/http.js');
    const secret = (await gw.services.merchants.create({ name: 'No SMS', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
    const mint = (customer: object) =>
      http(`${gw.url}/v1/sessions`, { method: 'POST', headers: bearer(secret), body: sessionBody({ require_otp: true, customer }) });
    const refused = await mint({ phone: '+447700900123' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ error_code: '1010', message: expect.stringContaining('PDIRECT_OTP_SMS') });
    const both = await mint({ phone: '+447700900123', email: 'ana@example.com' });
    expect(both.status).toBe(201);
    const sent = await http(`${gw.url}/v1/otp/send`, {
      method: 'POST',
      headers: { ...bearer(both.body.session_token), 'x-device-fingerprint': 'a1'.repeat(32) },
    });
    expect(sent.status).toBe(200);
    expect(sent.body.channel).toBe('email');
  });
});
