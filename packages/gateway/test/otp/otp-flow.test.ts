import { beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect, mintSession, sdk } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { http } from '../support/http.js';
import { freshContact, latestCode, otpResend, otpSend, otpVerify, outbox, withoutRequestId, wrongCodeFor } from '../support/otp.js';

const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };
const FIVE_MINUTES = 5 * 60_000;

describe.each(testDatabases())('customer OTP: send, resend, verify ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true },
    merchant: { name: 'OTP Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'enforce' },
  });
  let gw: TestGateway;
  let secret: string;

  beforeAll(() => ({ gw, secret } = fixture));

  const otpSession = (customer: Record<string, string> = freshContact()) => mintSession(gw, secret, { require_otp: true, customer });
  const checkout = (token: string) => http(`${gw.url}/v1/checkout`, { headers: sdk(token) });

  it('send → verify → collect: the 1403 gate opens only after the code is verified', async () => {
    const { sessionId, token } = await otpSession({ phone: '+447700900123' });
    const hosted = await cardSession(gw, token, FRICTIONLESS);
    const early = await collect(gw, token, { hosted_session_id: hosted });
    expect(early.status).toBe(403);
    expect(early.body.error.error_code).toBe('1403');

    const sent = await otpSend(gw, token);
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({
      object: 'otp_challenge',
      channel: 'sms',
      sent_to: '+44•••••0123',
      expires_at: new Date(gw.clock.now() + FIVE_MINUTES).toISOString(),
    });
    expect(sent.text).not.toContain('900123');

    const [message] = await outbox(gw, secret, sessionId);
    expect(message).toMatchObject({ session_id: sessionId, channel: 'sms', to: '+447700900123' });
    expect(message!.code).toMatch(/^[0-9]{6}$/);
    expect(message!.message).toContain(message!.code);
    expect(message!.message).toContain('OTP Shop');

    const verified = await otpVerify(gw, token, message!.code);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ object: 'otp_verification', session_id: sessionId, verified: true, verified_at: new Date(gw.clock.now()).toISOString() });
    expect((await checkout(token)).body).toMatchObject({ require_otp: true, otp_verified: true });

    const paid = await collect(gw, token, { hosted_session_id: hosted });
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('succeeded');
  });

  it('picks the phone when there is one, else the e-mail; the caller may choose; answers are masked', async () => {
    const both = await otpSession({ phone: '+447700900124', email: 'alice@example.com' });
    expect((await otpSend(gw, both.token, { channel: 'email' })).body).toMatchObject({ channel: 'email', sent_to: 'a•••@example.com' });
    expect((await outbox(gw, secret, both.sessionId))[0]).toMatchObject({ channel: 'email', to: 'alice@example.com' });
    // resend keeps the channel of the previous code unless told otherwise.
    expect((await otpResend(gw, both.token)).body).toMatchObject({ channel: 'email' });
    expect((await otpResend(gw, both.token, { channel: 'sms' })).body).toMatchObject({ channel: 'sms', sent_to: '+44•••••0124' });

    const emailOnly = await otpSession({ email: 'Bob.Smith@shop.example' });
    expect((await otpSend(gw, emailOnly.token)).body).toMatchObject({ channel: 'email', sent_to: 'B•••@shop.example' });
    const noPhone = await otpSend(gw, emailOnly.token, { channel: 'sms' });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error).toMatchObject({ error_code: '1010', message: expect.stringContaining('no phone number') });

    const badChannel = await otpSend(gw, emailOnly.token, { channel: 'pigeon' });
    expect(badChannel.body.error.error_code).toBe('1010');
  });

  it('a session that does not require OTP cannot send one (1010, saying why)', async () => {
    const { token } = await mintSession(gw, secret, { customer: freshContact() });
    const res = await otpSend(gw, token);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ error_code: '1010', message: expect.stringContaining('does not require a one-time code') });
  });

  it('a verified session needs no further code', async () => {
    const { sessionId, token } = await otpSession();
    await otpSend(gw, token);
    expect((await otpVerify(gw, token, await latestCode(gw, secret, sessionId))).status).toBe(200);
    const again = await otpSend(gw, token);
    expect(again.body.error).toMatchObject({ error_code: '1010', message: expect.stringContaining('already verified') });
  });

  it('wrong, expired, reused and superseded codes are refused with 1401', async () => {
    const wrong = await otpSession();
    await otpSend(gw, wrong.token);
    const code = await latestCode(gw, secret, wrong.sessionId);
    const refused = await otpVerify(gw, wrong.token, wrongCodeFor(code));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ error_code: '1401', message: 'the code is wrong or has expired; check it, or request a new code' });

    const expired = await otpSession();
    await otpSend(gw, expired.token);
    const expiredCode = await latestCode(gw, secret, expired.sessionId);
    gw.clock.advance(FIVE_MINUTES);
    expect((await otpVerify(gw, expired.token, expiredCode)).body.error.error_code).toBe('1401');

    const reused = await otpSession();
    await otpSend(gw, reused.token);
    const once = await latestCode(gw, secret, reused.sessionId);
    expect((await otpVerify(gw, reused.token, once)).status).toBe(200);
    expect((await otpVerify(gw, reused.token, once)).body.error.error_code).toBe('1401');

    const superseded = await otpSession();
    await otpSend(gw, superseded.token);
    const first = await latestCode(gw, secret, superseded.sessionId);
    let second = first;
    while (second === first) {
      // A fresh code equal to the old one (one chance in a million) would be the live code, rightly.
      await otpResend(gw, superseded.token);
      second = await latestCode(gw, secret, superseded.sessionId);
    }
    expect((await otpVerify(gw, superseded.token, first)).body.error.error_code).toBe('1401');
    expect((await otpVerify(gw, superseded.token, second)).status).toBe(200);
  });

  it('the code is just under five minutes valid', async () => {
    const { sessionId, token } = await otpSession();
    await otpSend(gw, token);
    const code = await latestCode(gw, secret, sessionId);
    gw.clock.advance(FIVE_MINUTES - 1);
    expect((await otpVerify(gw, token, code)).status).toBe(200);
  });

  it('after 3 wrong codes the code is locked — even the right one is refused — until a fresh send', async () => {
    const { sessionId, token } = await otpSession();
    await otpSend(gw, token);
    const code = await latestCode(gw, secret, sessionId);
    for (let i = 0; i < 3; i++) expect((await otpVerify(gw, token, wrongCodeFor(code))).body.error.error_code).toBe('1401');
    const locked = await otpVerify(gw, token, code);
    expect(locked.status).toBe(400);
    expect(locked.body.error.error_code).toBe('1401');

    expect((await otpResend(gw, token)).status).toBe(200);
    expect((await otpVerify(gw, token, await latestCode(gw, secret, sessionId))).status).toBe(200);
  });

  it('a wrong code gets the same answer whatever the session, its destination or its state', async () => {
    const answers = [];
    const sms = await otpSession({ phone: freshContact().phone });
    await otpSend(gw, sms.token);
    const smsCode = await latestCode(gw, secret, sms.sessionId);
    answers.push(await otpVerify(gw, sms.token, wrongCodeFor(smsCode)));

    const email = await otpSession({ email: freshContact().email });
    await otpSend(gw, email.token);
    answers.push(await otpVerify(gw, email.token, wrongCodeFor(await latestCode(gw, secret, email.sessionId))));

    const neverSent = await otpSession(freshContact());
    answers.push(await otpVerify(gw, neverSent.token, '123456'));

    const notRequired = await mintSession(gw, secret);
    answers.push(await otpVerify(gw, notRequired.token, '123456'));

    // Locked (two more wrong codes on the first session), then the right code.
    answers.push(await otpVerify(gw, sms.token, wrongCodeFor(smsCode)));
    answers.push(await otpVerify(gw, sms.token, wrongCodeFor(smsCode)));
    answers.push(await otpVerify(gw, sms.token, smsCode));

    const [first, ...rest] = answers.map(withoutRequestId);
    expect(first).toEqual({
      status: 400,
      error: { status: 400, error_code: '1401', message: 'the code is wrong or has expired; check it, or request a new code', request_id: undefined },
    });
    for (const other of rest) expect(other).toEqual(first);
    for (const res of answers) expect(res.headers['retry-after']).toBeUndefined();
  });

  it('a malformed code is a body error (1010) and names the field, not the value', async () => {
    const { token } = await otpSession();
    for (const code of ['12345', '1234567', 'abcdef', 123456]) {
      const res = await http(`${gw.url}/v1/otp/verify`, { method: 'POST', headers: sdk(token), body: { code } });
      expect(res.body.error.error_code).toBe('1010');
      expect(res.body.error.message).toMatch(/^code /);
      expect(res.text).not.toContain(String(code));
    }
  });

  it('send works without a body too', async () => {
    const { token } = await otpSession();
    const res = await http(`${gw.url}/v1/otp/send`, { method: 'POST', headers: sdk(token) });
    expect(res.status).toBe(200);
  });

  it('the sandbox outbox shows a merchant only its own sessions, and needs the merchant secret', async () => {
    const { sessionId, token } = await otpSession();
    await otpSend(gw, token);
    const other = (await gw.services.merchants.create({ name: 'Other Shop', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
    const foreign = await http(`${gw.url}/v1/_sandbox/otp-outbox?session_id=${sessionId}`, { headers: { authorization: `Bearer ${other}` } });
    expect(foreign.status).toBe(404);
    const withToken = await http(`${gw.url}/v1/_sandbox/otp-outbox?session_id=${sessionId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(401);
    // Messages disappear with their code.
    expect(await outbox(gw, secret, sessionId)).toHaveLength(1);
    gw.clock.advance(FIVE_MINUTES);
    expect(await outbox(gw, secret, sessionId)).toHaveLength(0);
  });

  it('every OTP request is audited against its session', async () => {
    const { sessionId, token } = await otpSession();
    const sent = await otpSend(gw, token);
    const wrong = await otpVerify(gw, token, '000000');
    await gw.services.audit.flush();
    for (const res of [sent, wrong]) {
      const [record] = await gw.services.auditRepository.findByRequestId(res.headers['x-request-id']!);
      expect(record).toMatchObject({ credentialType: 'session_token', credentialId: sessionId, status: res.status });
      expect(record!.bodyFingerprint === null || /^[0-9a-f]{64}$/.test(record!.bodyFingerprint)).toBe(true);
    }
  });
});
