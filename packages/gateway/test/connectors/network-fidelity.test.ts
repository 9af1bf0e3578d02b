import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate, cardSession, collect, completeChallenge, mintSession, postForm, runMethod } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { metrics } from '../../src/observability/metrics.js';

/**
 * Card-network fidelity (issue: the connector and the simulator must behave like the
 * real Mastercard Gateway, not like each other). Each story runs through real HTTP on
 * every test database, against a simulator that refuses what the gateway refuses.
 */
const FRICTIONLESS_WITH_METHOD = { number: '5123456789012346', expiry: '01/39' };
const FRICTIONLESS_NO_METHOD = { number: '5555555555000018', expiry: '01/39' };
const CHALLENGE = { number: '5123450000000008', expiry: '01/39' };
const UNAVAILABLE = { number: '5123459999998221', expiry: '01/39' };
const UNKNOWN_OUTCOME = { number: '5111111111111118', expiry: '05/37' };
const SIM_AUTH = { authorization: `Basic ${Buffer.from('merchant.TESTPDIRECT:sandbox').toString('base64')}` };

describe.each(testDatabases())('card-network fidelity ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true },
    merchant: { name: 'Fidelity Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'enforce' },
  });
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    ({ gw, secret } = fixture);
    await gw.services.risk.addRule(fixture.merchantId, { action: 'allow', predicate: ':amount: >= 0' });
  });

  const simTransaction = async (orderRef: string, txn: string) => {
    const res = await fetch(`${gw.simulator!.url}/api/rest/version/100/merchant/TESTPDIRECT/order/${orderRef}/transaction/${txn}`, { headers: SIM_AUTH });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const start = async (card: { number: string; expiry: string }, overrides: Record<string, unknown> = {}) => {
    const { token, sessionId } = await mintSession(gw, secret, overrides);
    const hosted = await cardSession(gw, token, card);
    return { token, sessionId, hosted };
  };

  it('a 255-character merchant order id pays, frictionless: the network sees only our own ids (at most 40 characters)', async () => {
    const orderId = `o-${'x'.repeat(253)}`;
    const { token, hosted } = await start(FRICTIONLESS_WITH_METHOD, { order_id: orderId });
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', order_id: orderId });
    const payment = await gw.services.payments.get(fixture.merchantId, res.body.id);
    const pay = await simTransaction(payment.network_order_ref, payment.pay_txn_id);
    expect(pay.body.order.reference).toBe(payment.id);
    expect(pay.body.transaction.reference).toBe(payment.id);
    expect(payment.id.length).toBeLessThanOrEqual(40);
    // The payment.succeeded event is filed under the whole order id.
    const events = await http(`${gw.url}/v1/events?order_id=${encodeURIComponent(orderId)}`, { headers: bearer(secret) });
    expect(events.status, events.text).toBe(200);
    expect(events.body.data.map((e: { type: string }) => e.type)).toContain('payment.succeeded');
  });

  it('a 255-character merchant order id pays after a 3-D Secure challenge', async () => {
    const orderId = `c-${'y'.repeat(253)}`;
    const { token, hosted } = await start(CHALLENGE, { order_id: orderId });
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.body).toMatchObject({ status: 'requires_action', next_action: { type: 'three_d_secure_challenge' } });
    const back = await completeChallenge(gw, res.body.next_action.html, 'Y');
    expect(back.status).toBe(303);
    expect(back.headers.location).toContain('/thanks');
    const status = await http(`${gw.url}/v1/payments/${res.body.id}`, { headers: bearer(secret) });
    expect(status.body).toMatchObject({ status: 'succeeded', order_id: orderId });
  });

  it('3-D Secure method: collect asks the browser to run it; skipped, the issuer challenges; run, the payment is frictionless', async () => {
    // Skipped: the same frictionless card is challenged.
    const skipped = await start(FRICTIONLESS_WITH_METHOD);
    const first = await collect(gw, skipped.token, { hosted_session_id: skipped.hosted }, {}, undefined, { method: false });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({
      status: 'requires_action',
      next_action: { type: 'three_d_secure_method', authenticate_url: `${gw.url}/v1/payments/${first.body.id}/authenticate` },
    });
    expect(first.body.next_action.html).toContain('threeDSMethodData');
    const unrun = await authenticate(gw, skipped.token, first.body.id);
    expect(unrun.body).toMatchObject({ status: 'requires_action', next_action: { type: 'three_d_secure_challenge' } });
    const auth = await simTransaction(first.body.id, 'auth-1');
    expect(auth.body.authentication['3ds2']).toMatchObject({ methodCompleted: false, methodSupported: 'SUPPORTED' });

    // Run: frictionless, and the network recorded the method.
    const ran = await start(FRICTIONLESS_WITH_METHOD);
    const second = await collect(gw, ran.token, { hosted_session_id: ran.hosted }, {}, undefined, { method: false });
    const method = await runMethod(second.body.next_action.html);
    expect(method.status).toBe(200);
    const done = await authenticate(gw, ran.token, second.body.id);
    expect(done.status, done.text).toBe(200);
    expect(done.body).toMatchObject({ status: 'succeeded', redirect_url: expect.stringContaining('/thanks') });
    expect((await simTransaction(second.body.id, 'auth-1')).body.authentication['3ds2'].methodCompleted).toBe(true);

    // A card whose issuer has no method needs no browser round trip.
    const plain = await start(FRICTIONLESS_NO_METHOD);
    const direct = await collect(gw, plain.token, { hosted_session_id: plain.hosted }, {}, undefined, { method: false });
    expect(direct.body).toMatchObject({ status: 'succeeded' });
  });

  it('authenticate: once per payment, only by its own checkout session, never through the challenge return', async () => {
    const a = await start(FRICTIONLESS_WITH_METHOD);
    const first = await collect(gw, a.token, { hosted_session_id: a.hosted }, {}, undefined, { method: false });
    // A forged return while the method runs changes nothing.
    const forged = await postForm(`${gw.url}/v1/3ds/return/${first.body.id}`, { result: 'SUCCESS' });
    expect(forged.status).toBe(400);
    expect((await gw.services.payments.get(fixture.merchantId, first.body.id)).status).toBe('requires_action');
    // Another checkout session cannot drive it.
    const other = await mintSession(gw, secret);
    const stranger = await authenticate(gw, other.token, first.body.id);
    expect(stranger.status).toBe(404);
    expect(stranger.body.error.error_code).toBe('1011');
    // The body is checked like collect's: nothing but the browser's details.
    const bad = await authenticate(gw, a.token, first.body.id, { amount: '0.01' });
    expect(bad.status).toBe(400);
    await runMethod(first.body.next_action.html);
    const ok = await authenticate(gw, a.token, first.body.id);
    expect(ok.body.status).toBe('succeeded');
    const again = await authenticate(gw, a.token, first.body.id);
    expect(again.status).toBe(409);
    expect(again.body.error.error_code).toBe('1005');
  });

  it('acceptHeaders: the request Accept header is sent when the browser details lack it, and the page value is kept', async () => {
    const viaHeader = await start(FRICTIONLESS_NO_METHOD);
    const res = await collect(gw, viaHeader.token, { hosted_session_id: viaHeader.hosted }, { accept: 'application/json, text/plain' });
    expect(res.body.status).toBe('succeeded');
    const given = await start(FRICTIONLESS_NO_METHOD);
    const res2 = await collect(gw, given.token, { hosted_session_id: given.hosted, browser: { acceptHeaders: 'text/html' } });
    expect(res2.body.status).toBe('succeeded');
    // The simulator refuses AUTHENTICATE_PAYER without it, as the gateway does.
    const auth = await fetch(`${gw.simulator!.url}/api/rest/version/100/merchant/TESTPDIRECT/order/${res2.body.id}/transaction/probe-1`, {
      method: 'PUT',
      headers: { ...SIM_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ apiOperation: 'AUTHENTICATE_PAYER' }),
    });
    expect(auth.status).toBe(400);
  });

  it('3-D Secure unavailable: PAY names the authentication transaction and the payment succeeds', async () => {
    const { token, hosted } = await start(UNAVAILABLE);
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', three_d_secure: { authentication_status: 'AUTHENTICATION_UNAVAILABLE' } });
    const pay = await simTransaction(res.body.id, 'pay-1');
    expect(pay.body.authentication.transactionId).toBe('auth-1');
  });

  it('the network failing during authentication is "try again" (1900), never "card declined"', async () => {
    const { token, hosted } = await start(FRICTIONLESS_NO_METHOD);
    gw.simulator!.faults.add({ kind: 'http_500', apiOperation: 'INITIATE_AUTHENTICATION', times: 1 });
    const res = await collect(gw, token, { hosted_session_id: hosted });
    gw.simulator!.faults.clear();
    expect(res.status).toBe(500);
    expect(res.body.error.error_code).toBe('1900');
  });

  it('an outcome the network never decides stays pending: bounded fast rounds, one alert, never failed', async () => {
    const { token, hosted } = await start(UNKNOWN_OUTCOME);
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    const exhausted = async () => (await metrics.reconcileExhausted_.get()).values.reduce((sum, v) => sum + v.value, 0);
    const before = await exhausted();
    for (let round = 0; round < 45; round++) {
      gw.clock.advance(31_000);
      await gw.services.payments.reconcileDue();
    }
    const payment = await gw.services.payments.get(fixture.merchantId, id);
    expect(payment.status).toBe('pending');
    // 40 fast rounds, then hourly: the last few 31 s steps did not ask again.
    expect(payment.reconcile_attempts).toBe(40);
    expect(payment.reconcile_after! - gw.clock.now()).toBeGreaterThan(30 * 60_000);
    // The alert: once, when the fast rounds ran out (also logged as alert=reconcile_exhausted).
    expect((await exhausted()) - before).toBe(1);
  });

  it("not found is read only from the gateway's answer: a lookup that cannot decide leaves the payment pending, never failed", async () => {
    const { token, hosted } = await start(UNKNOWN_OUTCOME);
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.status).toBe(202);
    // The network fails every lookup: the payment stays pending and is asked again.
    gw.simulator!.faults.add({ kind: 'http_500', apiOperation: 'RETRIEVE_TRANSACTION', times: 50 });
    try {
      gw.clock.advance(31_000);
      await gw.services.payments.reconcileDue();
    } finally {
      gw.simulator!.faults.clear();
    }
    const payment = await gw.services.payments.get(fixture.merchantId, res.body.id);
    expect(payment).toMatchObject({ status: 'pending', reconcile_attempts: 1 });
    // The simulator answers a missing order as the gateway does: 400 with an explanation, no 404.
    const missing = await simTransaction(`never-${payment.id}`, 'pay-1');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ cause: 'INVALID_REQUEST', explanation: expect.stringContaining('not found') });
  });

  it('a challenge return that lands inside the challenge frame breaks out to the whole window', async () => {
    const { token, hosted } = await start(CHALLENGE);
    const res = await collect(gw, token, { hosted_session_id: hosted });
    const html = res.body.next_action.html as string;
    const acsUrl = /action="([^"]+\/acs\/challenge)"/.exec(html)![1]!;
    const creq = /name="creq" value="([^"]+)"/.exec(html)![1]!;
    const page = await postForm(acsUrl, { creq });
    const acsTransID = /name="acsTransID" value="([^"]+)"/.exec(page.text)![1]!;
    const back = await postForm(`${new URL(acsUrl).origin}/acs/challenge/result`, { acsTransID, outcome: 'Y' });
    const fields = Object.fromEntries([...back.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const framed = await http(`${gw.url}/v1/3ds/return/${res.body.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-dest': 'iframe' },
      body: new URLSearchParams(fields).toString(),
    });
    expect(framed.status).toBe(200);
    expect(framed.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(framed.headers['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
    expect(framed.text).toContain('pdirect.3ds.return');
    expect(framed.text).toContain('target="_top"');
    // In the checkout's language, naming the merchant.
    expect(framed.text).toMatch(/<html lang="en">.*>Back to [^<]+<\/a>/s);
    expect(framed.text).toContain('/thanks');
    // The top-level return is still a plain redirect.
    const top = await postForm(`${gw.url}/v1/3ds/return/${res.body.id}`, fields);
    expect(top.status).toBe(303);
  });
});
