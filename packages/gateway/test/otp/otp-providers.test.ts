import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/crypto/secret.js';
import { HttpsSmsSender } from '../../src/modules/otp/providers/https-sms.js';
import { OtpDeliveryError, type OtpDelivery } from '../../src/modules/otp/providers/sender.js';
import { SmtpSender } from '../../src/modules/otp/providers/smtp.js';
import { mintSession } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { freshContact, otpResend, otpSend, otpVerify, outbox } from '../support/otp.js';
import { mailText, startSmtpServerProcess, type SmtpServerProcess } from '../support/smtp-server.js';

const DELIVERY: OtpDelivery = { channel: 'sms', sessionId: 'cs_test', merchantId: 'mch_test', merchantName: 'Provider Shop', expiresAt: 0, ttlMinutes: 5 };
const codeIn = (text: string) => /\b([0-9]{6}) is your verification code for /.exec(text)?.[1];

/** A local SMS provider: records each request and answers from a script (a status, or 'hang' to never answer). */
interface SmsReceiver {
  url: string;
  requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; body: string }>;
  script: Array<number | 'hang'>;
  close(): Promise<void>;
}

async function startSmsReceiver(): Promise<SmsReceiver> {
  const receiver = { requests: [], script: [] } as unknown as SmsReceiver;
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const next = receiver.script.shift() ?? 200;
      if (next === 'hang') return void hanging.push(res);
      res.writeHead(next, { 'content-type': 'application/json' }).end(JSON.stringify({ status: next }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sms`;
  receiver.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

let smtp: SmtpServerProcess;
let sms: SmsReceiver;

beforeAll(async () => {
  [smtp, sms] = await Promise.all([startSmtpServerProcess(), startSmsReceiver()]);
}, 60_000);
afterAll(async () => {
  await smtp?.stop();
  await sms?.close();
});
beforeEach(() => {
  sms.requests.length = 0;
  sms.script.length = 0;
});

describe('HTTPS SMS provider', () => {
  const sender = (overrides: Partial<ConstructorParameters<typeof HttpsSmsSender>[0]> = {}) =>
    new HttpsSmsSender({
      url: sms.url,
      authHeader: new Secret('Bearer sms-api-token'),
      bodyTemplate: '{"to":"{{to}}","message":"{{message}}"}',
      timeoutMs: 2000,
      retries: 2,
      retryDelayMs: 5,
      ...overrides,
    });

  it('renders the template (values escaped as JSON), sends the auth header, and succeeds on 2xx', async () => {
    const s = sender({
      authHeader: new Secret('X-Api-Key: key-123'),
      bodyTemplate: '{"messages":[{"destination":"{{to}}","text":"[{{message}}]","tag":"otp"}],"sender":"Shop"}',
    });
    await s.send('+447700900123', new Secret('042917'), { ...DELIVERY, merchantName: 'Shop "Quotes" \\ and more' });
    await s.close();
    expect(sms.requests).toHaveLength(1);
    const [req] = sms.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1/sms' });
    expect(req!.headers['x-api-key']).toBe('key-123');
    expect(req!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req!.body);
    expect(body).toEqual({
      messages: [
        {
          destination: '+447700900123',
          text: expect.stringMatching(/^\[042917 is your verification code for Shop "Quotes" \\ and more\.\nIt expires in 5 minutes\. Never share it\.\]$/),
          tag: 'otp',
        },
      ],
      sender: 'Shop',
    });
  });

  it('a bare auth value goes in Authorization', async () => {
    const s = sender();
    await s.send('+447700900123', new Secret('111111'), DELIVERY);
    await s.close();
    expect(sms.requests[0]!.headers.authorization).toBe('Bearer sms-api-token');
  });

  it('retries a 5xx with the same message, then succeeds', async () => {
    sms.script.push(500, 503);
    const s = sender();
    await s.send('+447700900123', new Secret('222222'), DELIVERY);
    await s.close();
    expect(sms.requests).toHaveLength(3);
    expect(new Set(sms.requests.map((r) => r.body)).size).toBe(1);
  });

  it('gives up after the bounded retries, with a reason that holds no code', async () => {
    sms.script.push(500, 500, 500, 500);
    const s = sender({ retries: 1 });
    const failure = await s.send('+447700900123', new Secret('333333'), DELIVERY).catch((e: unknown) => e);
    await s.close();
    expect(failure).toBeInstanceOf(OtpDeliveryError);
    expect((failure as OtpDeliveryError).reason).toBe('sms provider: HTTP 500 (after 2 attempts)');
    expect(String((failure as Error).message)).not.toContain('333333');
    expect(sms.requests).toHaveLength(2);
  });

  it('does not retry a 4xx (the request itself is wrong)', async () => {
    sms.script.push(401);
    const s = sender();
    await expect(s.send('+447700900123', new Secret('444444'), DELIVERY)).rejects.toMatchObject({ reason: 'sms provider: HTTP 401' });
    await s.close();
    expect(sms.requests).toHaveLength(1);
  });

  it('times out a provider that does not answer, and retries that too', async () => {
    sms.script.push('hang', 'hang');
    const s = sender({ timeoutMs: 150, retries: 1 });
    const started = Date.now();
    await expect(s.send('+447700900123', new Secret('555555'), DELIVERY)).rejects.toMatchObject({ reason: 'sms provider: timeout (after 2 attempts)' });
    await s.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(sms.requests).toHaveLength(2);
  });

  it('a refused connection is a network failure, retried', async () => {
    const s = sender({ url: 'http://127.0.0.1:9/sms', retries: 1 });
    await expect(s.send('+447700900123', new Secret('666666'), DELIVERY)).rejects.toMatchObject({
      reason: 'sms provider: connection refused (after 2 attempts)',
    });
    await s.close();
  });
});

describe('SMTP provider (against a local SMTP server process)', () => {
  it('authenticates, sends the code to the address, and reports refusals without the address or code', async () => {
    const url = new Secret(`smtp://${smtp.user}:${smtp.pass}@127.0.0.1:${smtp.port}`);
    const s = new SmtpSender({ url, from: 'Pdirect <otp@pdirect.test>', requireTls: false, timeoutMs: 5000 });
    const before = smtp.messages.length;
    await s.send('direct@example.com', new Secret('071203'), { ...DELIVERY, channel: 'email' });
    const mail = await smtp.nthMessage(before + 1);
    expect(mail).toMatchObject({ user: 'pdirect', from: 'otp@pdirect.test', to: ['direct@example.com'] });
    expect(mail.raw).toMatch(/^Subject: Your payment verification code\r?$/m);
    expect(codeIn(mailText(mail.raw))).toBe('071203');

    const refused = await s.send('reject-me@example.com', new Secret('071204'), { ...DELIVERY, channel: 'email' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OtpDeliveryError);
    expect((refused as OtpDeliveryError).reason).toBe('smtp: EENVELOPE reply 550');
    await s.close();

    const badLogin = new SmtpSender({
      url: new Secret(`smtp://${smtp.user}:not-the-password@127.0.0.1:${smtp.port}`),
      from: 'otp@pdirect.test',
      requireTls: false,
      timeoutMs: 5000,
    });
    const denied = await badLogin.send('direct@example.com', new Secret('071205'), { ...DELIVERY, channel: 'email' }).catch((e: unknown) => e);
    expect((denied as OtpDeliveryError).reason).toBe('smtp: EAUTH reply 535');
    expect(String((denied as Error).message)).not.toContain('not-the-password');
    await badLogin.close();
  });

  it('refuses an address that would smuggle in further recipients', async () => {
    const s = new SmtpSender({
      url: new Secret(`smtp://${smtp.user}:${smtp.pass}@127.0.0.1:${smtp.port}`),
      from: 'otp@pdirect.test',
      requireTls: false,
      timeoutMs: 5000,
    });
    await expect(s.send('a@example.com,evil@example.net', new Secret('000000'), { ...DELIVERY, channel: 'email' })).rejects.toBeInstanceOf(OtpDeliveryError);
    await s.close();
  });
});

describe.each(testDatabases())('OTP through real providers, end to end ($name)', (factory) => {
  // The providers' servers start in the file's beforeAll: the gateway's options are read after it.
  const fixture = useGatewayWithMerchant(factory, {
    gateway: () => ({
      env: {
        PDIRECT_OTP_EMAIL: 'smtp',
        PDIRECT_SMTP_URL: `smtp://${smtp.user}:${smtp.pass}@127.0.0.1:${smtp.port}`,
        PDIRECT_OTP_EMAIL_FROM: 'Pdirect Sandbox <otp@pdirect.test>',
        PDIRECT_OTP_SMS: 'https',
        PDIRECT_SMS_URL: sms.url,
        PDIRECT_SMS_AUTH_HEADER: 'Bearer sms-api-token',
        PDIRECT_SMS_BODY_TEMPLATE: '{"to":"{{to}}","body":"{{message}}"}',
        PDIRECT_SMS_TIMEOUT_MS: '1000',
        PDIRECT_SMS_RETRIES: '1',
      },
    }),
    merchant: { name: 'Provider Shop' },
  });
  let gw: TestGateway;
  let secret: string;
  beforeAll(() => void ({ gw, secret } = fixture));

  const otpSession = (customer: Record<string, string>) => mintSession(gw, secret, { require_otp: true, customer });

  it('e-mail: the message arrives at the local SMTP server with the code, which verifies', async () => {
    const { email } = freshContact();
    const { sessionId, token } = await otpSession({ email });
    const before = smtp.messages.length;
    const sent = await otpSend(gw, token);
    expect(sent.body).toMatchObject({ channel: 'email', sent_to: `${email[0]}•••@example.com` });
    const mail = await smtp.nthMessage(before + 1);
    expect(mail.to).toEqual([email]);
    expect(mail.from).toBe('otp@pdirect.test');
    const code = codeIn(mailText(mail.raw));
    expect(code).toMatch(/^[0-9]{6}$/);
    expect(mailText(mail.raw)).toContain('Provider Shop');
    // Nothing went to the sandbox outbox.
    expect(await outbox(gw, secret, sessionId)).toEqual([]);
    expect((await otpVerify(gw, token, code!)).status).toBe(200);
  });

  it('SMS: the templated POST reaches the provider with the code, which verifies', async () => {
    const { phone } = freshContact();
    const { token } = await otpSession({ phone });
    expect((await otpSend(gw, token)).body).toMatchObject({ channel: 'sms' });
    expect(sms.requests).toHaveLength(1);
    const body = JSON.parse(sms.requests[0]!.body) as { to: string; body: string };
    expect(body.to).toBe(phone);
    expect(sms.requests[0]!.headers.authorization).toBe('Bearer sms-api-token');
    expect((await otpVerify(gw, token, codeIn(body.body)!)).status).toBe(200);
  });

  it('a failed delivery is 500 (1900) with a helpful message, leaks no code, and does not use up the resend budget', async () => {
    const { phone } = freshContact();
    const { sessionId, token } = await otpSession({ phone });
    for (let i = 0; i < 6; i++) {
      sms.script.push(503, 503);
      const res = await (i === 0 ? otpSend(gw, token) : otpResend(gw, token));
      expect(res.status).toBe(500);
      expect(res.body.error).toMatchObject({ error_code: '1900', message: 'could not deliver the code; try again' });
    }
    // Every attempt reached the provider (two tries each) and every code was withdrawn.
    expect(sms.requests).toHaveLength(12);
    const attemptedCodes = new Set(sms.requests.map((r) => codeIn((JSON.parse(r.body) as { body: string }).body)));
    expect(attemptedCodes.size).toBe(6);
    expect(await gw.services.storage.db.selectFrom('otp_challenges').selectAll().where('session_id', '=', sessionId).execute()).toEqual([]);
    const logs = gw.logs();
    expect(logs).toContain('OTP delivery failed');
    expect(logs).toContain('sms provider: HTTP 503 (after 2 attempts)');
    for (const code of attemptedCodes) expect(logs).not.toMatch(new RegExp(`(?<![0-9a-f])${code}(?![0-9a-f])`));
    expect(logs).not.toContain(phone);

    // Six failures did not use up the five-per-five-minutes budget: the provider recovers, the customer gets a code.
    const ok = await otpResend(gw, token);
    expect(ok.status).toBe(200);
    const delivered = codeIn((JSON.parse(sms.requests.at(-1)!.body) as { body: string }).body)!;
    expect((await otpVerify(gw, token, delivered)).status).toBe(200);
  });

  it('an undeliverable e-mail address: 1900, and the mail server never saw a code', async () => {
    const { sessionId, token } = await otpSession({ email: 'reject-this@example.com' });
    const res = await otpSend(gw, token);
    expect(res.status).toBe(500);
    expect(res.body.error.message).toBe('could not deliver the code; try again');
    expect(gw.logs()).toContain('smtp: EENVELOPE reply 550');
    expect(gw.logs()).not.toContain('reject-this@example.com');
    expect(await gw.services.storage.db.selectFrom('otp_challenges').selectAll().where('session_id', '=', sessionId).execute()).toEqual([]);
  });
});
