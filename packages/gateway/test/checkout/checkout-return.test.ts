import { beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect, completeChallenge, DEVICE_A, DEVICE_B, mintSession, sdk, sessionBody } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

const CHALLENGE = { number: '5123450000000008', expiry: '01/39', csc: '100' };
const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39', csc: '100' };

/**
 * The hosted checkout's way back and its landings, through real HTTP on each
 * database: cancel_url and locale on sessions, the customer's cancel (named
 * transition, session.cancelled), the status read a spent token still
 * allows, where the browser goes after 3-D Secure (the form again, the
 * pending screen, the merchant), and the page of a finished checkout.
 */
describe.each(testDatabases())('checkout: the way back and the landings ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true },
    merchant: { name: 'Toko Batik', redirectHosts: ['localhost', '127.0.0.1'] },
  });
  let gw: TestGateway;
  let secret: string;
  beforeAll(async () => {
    ({ gw, secret } = fixture);
    await gw.services.risk.addRule(fixture.merchantId, { action: 'allow', predicate: ':amount: >= 0' });
  });
  /** The PAY of this payment is performed but its answer is lost, and the network cannot be asked about it (yet). */
  async function payAnswerLost(paymentId: string): Promise<void> {
    const row = await gw.services.storage.db.selectFrom('payments').select('pay_txn_id').where('id', '=', paymentId).executeTakeFirstOrThrow();
    const txn = `/transaction/${row.pay_txn_id}`;
    gw.simulator!.faults.add({ kind: 'lost_answer', apiOperation: 'PAY', pathIncludes: txn, times: 1 });
    gw.simulator!.faults.add({ kind: 'http_500', apiOperation: 'PAY', pathIncludes: txn, times: 50 });
    gw.simulator!.faults.add({ kind: 'http_500', apiOperation: 'RETRIEVE_TRANSACTION', pathIncludes: txn, times: 50 });
  }
  const session = async (id: string) => (await http(`${gw.url}/v1/sessions/${id}`, { headers: bearer(secret) })).body;

  it('cancel_url and locale: allow-listed and validated with catalogue errors, shown to the merchant, locale in the checkout view', async () => {
    const refused = await http(`${gw.url}/v1/sessions`, {
      method: 'POST',
      headers: bearer(secret),
      body: sessionBody({ cancel_url: 'https://evil.example/back' }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ error_code: '1201', param: 'cancel_url' });
    const userInfo = await http(`${gw.url}/v1/sessions`, {
      method: 'POST',
      headers: bearer(secret),
      body: sessionBody({ cancel_url: 'http://localhost@evil.example/back' }),
    });
    expect(userInfo.body.error).toMatchObject({ error_code: '1201', param: 'cancel_url' });
    const badLocale = await http(`${gw.url}/v1/sessions`, { method: 'POST', headers: bearer(secret), body: sessionBody({ locale: 'fr' }) });
    expect(badLocale.status).toBe(400);
    expect(badLocale.body.error.errors.map((e: { param: string }) => e.param)).toEqual(['locale']);

    const { sessionId, token } = await mintSession(gw, secret, { cancel_url: 'http://localhost:3000/back', locale: 'id' });
    expect(await session(sessionId)).toMatchObject({ cancel_url: 'http://localhost:3000/back', locale: 'id' });
    expect((await http(`${gw.url}/v1/checkout`, { headers: sdk(token) })).body.locale).toBe('id');

    const plain = await mintSession(gw, secret);
    expect(await session(plain.sessionId)).toMatchObject({ cancel_url: null, locale: null });
    const id = await http(`${gw.url}/v1/checkout`, { headers: { ...sdk(plain.token), 'accept-language': 'fr-FR, id;q=0.8, en;q=0.5' } });
    expect(id.body.locale).toBe('id');
    const en = await http(`${gw.url}/v1/checkout`, { headers: { ...sdk(plain.token), 'accept-language': 'de' } });
    expect(en.body.locale).toBe('en');
  });

  it('the customer cancels: open → cancelled (named transition) with session.cancelled, the token then reads only its status', async () => {
    const { sessionId, token } = await mintSession(gw, secret, { cancel_url: 'http://localhost:3000/back?from=checkout' });
    const cancelled = await http(`${gw.url}/v1/checkout/cancel`, { method: 'POST', headers: sdk(token) });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({
      object: 'checkout_cancel',
      session_id: sessionId,
      status: 'cancelled',
      redirect_url: `http://localhost:3000/back?from=checkout&session_id=${sessionId}`,
    });
    expect((await session(sessionId)).status).toBe('cancelled');
    const history = await gw.services.sessions.history(sessionId);
    expect(history.at(-1)).toMatchObject({ from: 'open', to: 'cancelled', cause: 'cancelled by the customer' });
    const events = await gw.services.storage.db.selectFrom('webhook_events').selectAll().where('type', '=', 'session.cancelled').execute();
    expect(events.filter((e) => String(e.payload).includes(sessionId))).toHaveLength(1);

    // A spent token: everything that could move money is refused; the status still says where to go.
    expect((await http(`${gw.url}/v1/checkout`, { headers: sdk(token) })).body.error.error_code).toBe('1005');
    expect((await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(token) })).body.error.error_code).toBe('1005');
    const status = await http(`${gw.url}/v1/checkout/status`, { headers: sdk(token) });
    expect(status.body).toMatchObject({ status: 'cancelled', payment: null, redirect_url: `http://localhost:3000/back?from=checkout&session_id=${sessionId}` });
    // Cancelling twice is refused like any use of a spent token, and sends nothing more.
    expect((await http(`${gw.url}/v1/checkout/cancel`, { method: 'POST', headers: sdk(token) })).body.error.error_code).toBe('1005');
    // The status read is still bound to the device (a token copied elsewhere learns nothing in enforce mode; here: warn).
    expect((await http(`${gw.url}/v1/checkout/status`, { headers: bearer('pd_st_' + 'A'.repeat(43)) })).body.error.error_code).toBe('1002');
  });

  it('attack: the status read of a spent token stays bound to the device that locked it (enforce), and the finished page shows no order data', async () => {
    const enforcing = await gw.services.merchants.create({ name: 'Strict Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'enforce' });
    const { sessionId, token, response } = await mintSession(gw, enforcing.merchantSecret.reveal(), { amount: '77.70' });
    expect((await http(`${gw.url}/v1/checkout`, { headers: sdk(token, DEVICE_A) })).status).toBe(200);
    expect((await http(`${gw.url}/v1/checkout/cancel`, { method: 'POST', headers: sdk(token, DEVICE_A) })).body.status).toBe('cancelled');
    const elsewhere = await http(`${gw.url}/v1/checkout/status`, { headers: sdk(token, DEVICE_B) });
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.error.error_code).toBe('1006');
    expect(elsewhere.text).not.toContain('localhost');
    expect((await http(`${gw.url}/v1/checkout/status`, { headers: sdk(token, DEVICE_A) })).body.status).toBe('cancelled');
    const page = await http(`${gw.url}/checkout/${sessionId}`);
    expect(page.text).toContain('This checkout was cancelled');
    for (const secretish of ['77.70', response.body.order_id, token, 'cust_abc123']) expect(page.text).not.toContain(secretish);
  });

  it('3-D Secure failed with the session still open: back to the checkout form (not the fail page), a fresh attempt pays', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
    expect(res.body.status).toBe('requires_action');
    const back = await completeChallenge(gw, res.body.next_action.html, 'N');
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe(`${gw.url}/checkout/${sessionId}?return=failed&reason=authentication`);
    expect((await session(sessionId)).status).toBe('open');
    const status = await http(`${gw.url}/v1/checkout/status`, { headers: sdk(token) });
    expect(status.body).toMatchObject({ status: 'open', payment: { status: 'failed', failure_class: 'authentication' }, redirect_url: null });
    const again = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS) });
    expect(again.body.status).toBe('succeeded');
    // Paid: the status read leads to the success page; the page of the checkout says it is paid, with the way back.
    expect((await http(`${gw.url}/v1/checkout/status`, { headers: sdk(token) })).body).toMatchObject({
      status: 'paid',
      payment: { status: 'succeeded' },
      redirect_url: expect.stringMatching(/^http:\/\/localhost:3000\/thanks\?session_id=/),
    });
    const page = await http(`${gw.url}/checkout/${sessionId}`, { headers: { 'accept-language': 'id' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="id"');
    expect(page.text).toContain('Pesanan ini sudah dibayar');
    expect(page.text).toContain(`href="http://localhost:3000/thanks?session_id=${sessionId}"`);
    expect(page.text).not.toContain('<script');
    // Back from the bank to the pending screen after it settled: straight on to the merchant.
    const pending = await http(`${gw.url}/checkout/${sessionId}?return=pending`);
    expect(pending.status).toBe(303);
    expect(pending.headers.location).toBe(`http://localhost:3000/thanks?session_id=${sessionId}`);
  });

  it('3-D Secure passed but the payment is still settling: "confirming" (202, comes back by itself), never the fail page (L4)', async () => {
    const { sessionId, token } = await mintSession(gw, secret, { cancel_url: 'http://localhost:3000/back' });
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, { ...CHALLENGE, expiry: '05/37' }) });
    const started = Date.now();
    const back = await completeChallenge(gw, res.body.next_action.html, 'Y');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(back.status).toBe(202);
    expect(back.headers.location).toBeUndefined();
    expect(back.text).toContain(`<meta http-equiv="refresh" content="3;url=/v1/3ds/return/${res.body.id}">`);
    // In the checkout's language, with the way back to the merchant (its cancel_url), styled under a nonce, never framed top-level.
    expect(back.text).toContain('<html lang="en"');
    expect(back.text).toContain('We are confirming your payment');
    expect(back.text).toContain(`<a class="back" href="http://localhost:3000/back?session_id=${sessionId}" target="_top">`);
    expect(back.text).toContain('Back to Toko Batik');
    const csp = back.headers['content-security-policy'] as string;
    expect(csp).toMatch(/style-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(back.text).toContain(`<style nonce="${/'nonce-([^']+)'/.exec(csp)![1]}">`);
    expect((await http(`${gw.url}/v1/checkout/status`, { headers: sdk(token) })).body).toMatchObject({
      status: 'processing',
      payment: { status: 'pending' },
      redirect_url: null,
    });
    // A racing second return finds the payment no longer waiting for the bank: "confirming" again.
    const racing = await http(`${gw.url}/v1/3ds/return/${res.body.id}`, {
      method: 'POST',
      body: 'x=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(racing.status).toBe(202);
    expect(racing.headers.location).toBeUndefined();
  });

  it('L4: the answer of the PAY after the challenge is lost and the network cannot be asked: "confirming", then reconciled as paid', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
    await payAnswerLost(res.body.id);
    const started = Date.now();
    const back = await completeChallenge(gw, res.body.next_action.html, 'Y');
    const took = Date.now() - started;
    gw.simulator!.faults.clear();
    expect(back.status).toBe(202);
    expect(back.headers.location).toBeUndefined();
    expect(took).toBeLessThan(10_000);
    gw.clock.advance(31_000);
    await gw.services.payments.reconcileDue();
    expect((await http(`${gw.url}/v1/checkout/status`, { headers: sdk(token) })).body).toMatchObject({ status: 'paid', payment: { status: 'succeeded' } });
    // The confirming page's refresh (GET) now goes on to the merchant's success page.
    const refreshed = await http(`${gw.url}/v1/3ds/return/${res.body.id}`);
    expect(refreshed.status).toBe(303);
    expect(refreshed.headers.location).toBe(`http://localhost:3000/thanks?session_id=${sessionId}&payment_id=${res.body.id}`);
  });

  it('"confirming" speaks the checkout\'s language: locale id, Indonesian text and back link (L4, item 9)', async () => {
    const { sessionId, token } = await mintSession(gw, secret, { locale: 'id' });
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
    await payAnswerLost(res.body.id);
    const back = await completeChallenge(gw, res.body.next_action.html, 'Y');
    gw.simulator!.faults.clear();
    expect(back.status).toBe(202);
    expect(back.text).toContain('<html lang="id"');
    expect(back.text).toContain('Kami sedang mengonfirmasi pembayaran Anda');
    expect(back.text).toContain('Jangan membayar lagi');
    expect(back.text).toContain('Kembali ke Toko Batik');
    expect(back.text).toContain(`href="http://localhost:3000/sorry?session_id=${sessionId}"`);
    expect(back.text).not.toContain('Please do not pay again');
    gw.clock.advance(31_000);
    await gw.services.payments.reconcileDue();
  });

  it('a session that can no longer be paid: declined after the challenge past its time goes to the fail page', async () => {
    const { sessionId, token } = await mintSession(gw, secret, { ttl_seconds: 60 });
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, { ...CHALLENGE, expiry: '05/39' }) });
    gw.clock.advance(30_000);
    const back = await completeChallenge(gw, res.body.next_action.html, 'Y');
    // Declined by the bank with time left: the form again.
    expect(back.headers.location).toBe(`${gw.url}/checkout/${sessionId}?return=failed&reason=declined`);
    const late = await mintSession(gw, secret, { ttl_seconds: 60 });
    const second = await collect(gw, late.token, { hosted_session_id: await cardSession(gw, late.token, CHALLENGE) });
    gw.clock.advance(61_000);
    const expired = await completeChallenge(gw, second.body.next_action.html, 'N');
    expect(expired.headers.location).toMatch(/^http:\/\/localhost:3000\/sorry\?/);
    const page = await http(`${gw.url}/checkout/${late.sessionId}`);
    expect(page.text).toContain('This checkout has expired');
    expect(page.text).toContain(`href="http://localhost:3000/sorry?session_id=${late.sessionId}"`);
  });
});
