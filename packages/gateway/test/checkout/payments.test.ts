import { beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect, completeChallenge, DEVICE_A, mintSession, postForm, sdk } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { insertProcessingPayment } from '../support/payments.js';

const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };
const CHALLENGE = { number: '5123450000000008', expiry: '01/39' };
const PLAIN_DECLINED = { number: '5111111111111118', expiry: '05/39' };
const PLAIN_APPROVED = { number: '5111111111111118', expiry: '01/39' };
const REJECTED = { number: '5506900140100503', expiry: '01/39' };
const ERROR_ON_INITIATE = { number: '5210760000000004', expiry: '01/39' };

describe.each(testDatabases())('card payments end to end ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true },
    merchant: { name: 'Card Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'enforce' },
  });
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    ({ gw, secret } = fixture);
    // These stories are about the network flow, told many times over from one device and address: that
    // traffic is what the risk engine blocks (card-defence.test.ts), so this merchant allows every payment.
    await gw.services.risk.addRule(fixture.merchantId, { action: 'allow', predicate: ':amount: >= 0' });
  });

  const order = async (orderId: string) => {
    const res = await fetch(`${gw.simulator!.url}/api/rest/version/100/merchant/TESTPDIRECT/order/${orderId}`, {
      headers: { authorization: `Basic ${Buffer.from('merchant.TESTPDIRECT:sandbox').toString('base64')}` },
    });
    return res.status === 404
      ? null
      : ((await res.json()) as { totalCapturedAmount?: number; totalRefundedAmount?: number; transaction: Array<{ transaction: { type: string } }> });
  };
  const payments = (o: Awaited<ReturnType<typeof order>>) => (o?.transaction ?? []).filter((t) => t.transaction.type === 'PAYMENT');

  it('frictionless 3-D Secure: collect pays, the status API agrees, the token is spent', async () => {
    const { sessionId, token, response } = await mintSession(gw, secret);
    const hosted = await cardSession(gw, token, FRICTIONLESS);
    const res = await collect(gw, token, {
      hosted_session_id: hosted,
      browser: { language: 'en-GB', screenWidth: 1280, screenHeight: 800, colorDepth: 24, timeZone: 0 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'payment',
      status: 'succeeded',
      amount: '12.50',
      currency: 'usd',
      session_id: sessionId,
      card: { brand: 'MASTERCARD', masked_number: '512345xxxxxx2346', expiry: '01/39' },
      three_d_secure: { authentication_status: 'AUTHENTICATION_SUCCESSFUL' },
      gateway_code: 'APPROVED',
    });
    const paymentId = res.body.id as string;

    const status = await http(`${gw.url}/v1/payments/${paymentId}`, { headers: bearer(secret) });
    expect(status.body).toMatchObject({ id: paymentId, status: 'succeeded', order_id: response.body.order_id, amount_refunded: '0.00' });
    // The card's issuer has a 3-D Secure method: the browser ran it (requires_action), then authenticated.
    expect(status.body.history.map((h: { to: string }) => h.to)).toEqual(['processing', 'requires_action', 'processing', 'succeeded']);
    const list = await http(`${gw.url}/v1/payments?order_id=${encodeURIComponent(response.body.order_id)}`, { headers: bearer(secret) });
    expect(list.body).toMatchObject({ object: 'list', has_more: false, data: [{ id: paymentId, status: 'succeeded' }] });
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body).toMatchObject({ status: 'paid', payment_id: paymentId });

    // Single use: every further use of the token is refused.
    for (const again of [await http(`${gw.url}/v1/checkout`, { headers: sdk(token) }), await collect(gw, token, { hosted_session_id: hosted })]) {
      expect(again.status).toBe(409);
      expect(again.body.error.error_code).toBe('1005');
    }
    const o = await order(paymentId);
    expect(o?.totalCapturedAmount).toBe(12.5);
    expect(payments(o)).toHaveLength(1);
  });

  it('a declined card: 402 code 1601 naming the gateway code, the session stays open for another card', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const declined = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, PLAIN_DECLINED) });
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({ error_code: '1601', message: expect.stringContaining('DECLINED') });
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('open');

    const paid = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, PLAIN_APPROVED) });
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('succeeded');
    expect(paid.body.three_d_secure).toMatchObject({ authentication_status: 'AUTHENTICATION_UNAVAILABLE' });
  });

  it.each([
    ['rejected 3-D Secure', REJECTED],
    ['an error on INITIATE_AUTHENTICATION', ERROR_ON_INITIATE],
  ])('%s never reaches PAY', async (_label, card) => {
    const { token, sessionId } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, card) });
    expect(res.status).toBe(402);
    expect(res.body.error.error_code).toBe('1601');
    const session = await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) });
    const failed = await http(`${gw.url}/v1/payments/${session.body.payment_id}`, { headers: bearer(secret) });
    expect(failed.body.status).toBe('failed');
    expect(payments(await order(session.body.payment_id))).toHaveLength(0);
  });

  it('3-D Secure challenge: requires_action, the ACS says yes, the gateway re-reads, PAYs and redirects to success', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'requires_action',
      next_action: { type: 'three_d_secure_challenge', html: expect.stringContaining('challengeFrame') },
    });
    const back = await completeChallenge(gw, res.body.next_action.html, 'Y');
    expect(back.status).toBe(303);
    const location = new URL(back.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe('http://localhost:3000/thanks');
    expect(location.searchParams.get('payment_id')).toBe(res.body.id);
    expect(location.searchParams.get('session_id')).toBe(sessionId);

    const status = await http(`${gw.url}/v1/payments/${res.body.id}`, { headers: bearer(secret) });
    expect(status.body).toMatchObject({ status: 'succeeded', three_d_secure: { authentication_status: 'AUTHENTICATION_SUCCESSFUL' } });
    // Method step, then challenge.
    expect(status.body.history.map((h: { to: string }) => h.to)).toEqual([
      'processing',
      'requires_action',
      'processing',
      'requires_action',
      'processing',
      'succeeded',
    ]);
    // The browser posting again changes nothing and still lands on success.
    const replay = await postForm(`${gw.url}/v1/3ds/return/${res.body.id}`, { result: 'SUCCESS' });
    expect(replay.status).toBe(303);
    expect(payments(await order(res.body.id))).toHaveLength(1);
  });

  it.each(['N', 'CANCELLED', 'U', 'R'] as const)(
    '3-D Secure challenge answered %s: no PAY, back to the checkout form (the session is open again)',
    async (outcome) => {
      const { token, sessionId } = await mintSession(gw, secret);
      const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
      const back = await completeChallenge(gw, res.body.next_action.html, outcome);
      expect(back.status).toBe(303);
      expect(back.headers.location).toBe(`${gw.url}/checkout/${sessionId}?return=failed&reason=authentication`);
      expect((await http(`${gw.url}/v1/payments/${res.body.id}`, { headers: bearer(secret) })).body.status).toBe('failed');
      expect(payments(await order(res.body.id))).toHaveLength(0);
    },
  );

  it('a challenge passed but a PAY declined lands on the fail URL', async () => {
    const { token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, { number: CHALLENGE.number, expiry: '05/39' }) });
    const back = await completeChallenge(gw, res.body.next_action.html, 'Y');
    expect(back.status).toBe(303);
    expect(back.headers.location).toMatch(/\/checkout\/cs_[a-z2-7]{20}\?return=failed&reason=declined$/);
    expect((await http(`${gw.url}/v1/payments/${res.body.id}`, { headers: bearer(secret) })).body).toMatchObject({
      status: 'failed',
      gateway_code: 'DECLINED',
    });
  });

  it('the charge happened but its answer was lost: reconciled as one successful charge', async () => {
    const { token } = await mintSession(gw, secret);
    const hosted = await cardSession(gw, token, PLAIN_APPROVED);
    gw.simulator!.faults.add({ kind: 'lost_answer', apiOperation: 'PAY' });
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('succeeded');
    const o = await order(res.body.id);
    expect(payments(o)).toHaveLength(1);
    expect(o?.totalCapturedAmount).toBe(12.5);
  });

  it('an unknown outcome is left pending (202) for reconciliation, never charged twice', async () => {
    const { token, sessionId } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, { number: PLAIN_APPROVED.number, expiry: '05/37' }) });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('pending');
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('processing');
    const again = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, PLAIN_APPROVED) });
    expect(again.body.error.error_code).toBe('1005');
    gw.clock.advance(31_000);
    await gw.services.payments.reconcileDue();
    // The network still says UNKNOWN: the payment stays pending, nothing new is sent.
    expect((await http(`${gw.url}/v1/payments/${res.body.id}`, { headers: bearer(secret) })).body.status).toBe('pending');
    expect(payments(await order(res.body.id)).length).toBeLessThanOrEqual(1);
  });

  it('the card network unreachable during authentication: 1900, nothing charged, the session reopens', async () => {
    const { token, sessionId } = await mintSession(gw, secret);
    const hosted = await cardSession(gw, token, PLAIN_APPROVED);
    gw.simulator!.faults.add({ kind: 'reset', apiOperation: 'INITIATE_AUTHENTICATION', times: 10 });
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.status).toBe(500);
    gw.simulator!.faults.clear();
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('open');
  });

  it('crash recovery: a recorded attempt is settled from the network by its ids — charged once, or failed if never sent', async () => {
    // Two attempts as a crash would leave them: ids recorded, outcome never stored.
    const charged = await mintSession(gw, secret);
    const neverSent = await mintSession(gw, secret);
    const hostedCharged = await cardSession(gw, charged.token, PLAIN_APPROVED);
    const hostedNeverSent = await cardSession(gw, neverSent.token, PLAIN_APPROVED);
    const now = gw.clock.now();
    for (const [s, hosted, id] of [
      [charged, hostedCharged, `pay_${'c'.repeat(20)}`],
      [neverSent, hostedNeverSent, `pay_${'d'.repeat(20)}`],
    ] as const) {
      await insertProcessingPayment(gw, { id, sessionId: s.sessionId, hostedSessionId: hosted, at: now });
    }
    // The first one's PAY reached the network before the crash.
    await gw.services.network!.pay({
      orderId: `pay_${'c'.repeat(20)}`,
      payTransactionId: 'pay-1',
      hostedSessionId: hostedCharged,
      amount: '12.50',
      currency: 'USD',
    });

    gw.clock.advance(121_000);
    expect(await gw.services.payments.reconcileDue()).toBe(2);
    const a = await http(`${gw.url}/v1/payments/pay_${'c'.repeat(20)}`, { headers: bearer(secret) });
    expect(a.body).toMatchObject({ status: 'succeeded', card: { masked_number: '511111xxxxxx1118' } });
    expect((await http(`${gw.url}/v1/sessions/${charged.sessionId}`, { headers: bearer(secret) })).body.status).toBe('paid');
    expect(payments(await order(`pay_${'c'.repeat(20)}`))).toHaveLength(1);
    const b = await http(`${gw.url}/v1/payments/pay_${'d'.repeat(20)}`, { headers: bearer(secret) });
    expect(b.body).toMatchObject({ status: 'failed', gateway_code: 'NOT_RECEIVED' });
    expect((await http(`${gw.url}/v1/sessions/${neverSent.sessionId}`, { headers: bearer(secret) })).body.status).toBe('open');
  });

  it('a forged POST to the 3-D Secure return URL changes nothing', async () => {
    const { token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
    const paymentId = res.body.id as string;
    // The attacker claims success before (or instead of) completing the challenge.
    const forged = await postForm(`${gw.url}/v1/3ds/return/${paymentId}`, {
      'order.id': paymentId,
      'transaction.id': 'auth-1',
      result: 'SUCCESS',
      'response.gatewayRecommendation': 'PROCEED',
    });
    expect(forged.status).toBe(400);
    expect((await http(`${gw.url}/v1/payments/${paymentId}`, { headers: bearer(secret) })).body.status).toBe('requires_action');
    expect(payments(await order(paymentId))).toHaveLength(0);

    // The real ACS answer (failed) wins; forging success afterwards is still ignored.
    await completeChallenge(gw, res.body.next_action.html, 'N');
    const after = await postForm(`${gw.url}/v1/3ds/return/${paymentId}`, { result: 'SUCCESS', 'response.gatewayRecommendation': 'PROCEED' });
    expect(after.headers.location).toMatch(/\/checkout\/cs_[a-z2-7]{20}\?return=failed&reason=authentication$/);
    expect(payments(await order(paymentId))).toHaveLength(0);
    expect((await postForm(`${gw.url}/v1/3ds/return/pay_${'a'.repeat(20)}`, { result: 'SUCCESS' })).status).toBe(404);
  });

  it('body binding: amount, currency and customer_reference drift → 1101, 1102, 1103 in that order', async () => {
    const { token } = await mintSession(gw, secret);
    const hosted = await cardSession(gw, token, FRICTIONLESS);
    const expectCode = async (body: Record<string, unknown>, code: string) => {
      const res = await collect(gw, token, { hosted_session_id: hosted, ...body });
      expect(res.status).toBe(400);
      expect(res.body.error.error_code).toBe(code);
    };
    await expectCode({ amount: '12.51' }, '1101');
    await expectCode({ amount: '12.5' }, '1101'); // same value, different bytes: drift
    await expectCode({ amount: '12.51', currency: 'eur', customer_reference: 'x' }, '1101');
    await expectCode({ currency: 'USD' }, '1102');
    await expectCode({ currency: 'eur', customer_reference: 'x' }, '1102');
    await expectCode({ customer_reference: 'cust_abc124' }, '1103');
    // Exactly what the session holds is accepted.
    const ok = await collect(gw, token, { hosted_session_id: hosted, amount: '12.50', currency: 'usd', customer_reference: 'cust_abc123' });
    expect(ok.body.status).toBe('succeeded');
  });

  it('collect validates its body (1010) and needs OTP when the session requires it (1403)', async () => {
    const { token } = await mintSession(gw, secret);
    for (const body of [{ hosted_session_id: 'nope' }, { hosted_session_id: 'SESSION0002816562472I0271878F98', payment_method: 'bank' }, {}]) {
      const res = await http(`${gw.url}/v1/payments/collect`, { method: 'POST', headers: sdk(token), body: { payment_method: 'card', ...body } });
      expect(res.body.error.error_code).toBe('1010');
    }
    const unknown = await collect(gw, token, { hosted_session_id: 'SESSION0000000000000000000000000' });
    expect(unknown.body.error.error_code).toBe('1010');
    expect(unknown.body.error.message).toContain('hosted_session_id');

    const otp = await mintSession(gw, secret, { require_otp: true, customer: { phone: '+447700900123' } });
    const res = await collect(gw, otp.token, { hosted_session_id: await cardSession(gw, otp.token, FRICTIONLESS) });
    expect(res.status).toBe(403);
    expect(res.body.error.error_code).toBe('1403');
  });

  it('two concurrent collects on one session produce exactly one charge', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const [a, b] = await Promise.all([cardSession(gw, token, FRICTIONLESS), cardSession(gw, token, FRICTIONLESS)]);
    const answers = await Promise.all([collect(gw, token, { hosted_session_id: a }), collect(gw, token, { hosted_session_id: b })]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect(answers.find((r) => r.status === 409)!.body.error.error_code).toBe('1005');
    const rows = await gw.services.storage.db.selectFrom('payments').selectAll().where('session_id', '=', sessionId).execute();
    expect(rows).toHaveLength(1);
    expect(payments(await order(rows[0]!.id))).toHaveLength(1);
  });

  it('collect honours Idempotency-Key: the replay is the same payment, not a second charge', async () => {
    const { token } = await mintSession(gw, secret);
    const hosted = await cardSession(gw, token, PLAIN_APPROVED);
    const first = await collect(gw, token, { hosted_session_id: hosted }, { 'idempotency-key': 'collect-1' });
    expect(first.body.status).toBe('succeeded');
    const again = await collect(gw, token, { hosted_session_id: hosted }, { 'idempotency-key': 'collect-1' });
    // The session is spent, so the token is refused before the replay can be served.
    expect([200, 409]).toContain(again.status);
    if (again.status === 200) {
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
    }
    expect(payments(await order(first.body.id))).toHaveLength(1);
  });

  it('refunds: partial, the rest, never above what was captured; idempotent', async () => {
    const { token } = await mintSession(gw, secret, { amount: '20.00' });
    const paid = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, PLAIN_APPROVED) });
    const id = paid.body.id as string;
    const refund = (body: Record<string, unknown>, key?: string) =>
      http(`${gw.url}/v1/payments/${id}/refunds`, { method: 'POST', headers: { ...bearer(secret), ...(key ? { 'idempotency-key': key } : {}) }, body });

    const partial = await refund({ amount: '5.00' }, 'refund-1');
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ object: 'refund', amount: '5.00', currency: 'usd', status: 'succeeded', payment_id: id });
    const replay = await refund({ amount: '5.00' }, 'refund-1');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(partial.body.id);
    const conflict = await refund({ amount: '6.00' }, 'refund-1');
    expect(conflict.status).toBe(422);
    expect(conflict.body.error.error_code).toBe('1301');

    const tooMuch = await refund({ amount: '15.01' });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toMatchObject({ error_code: '1010', message: expect.stringContaining('15.00') });
    for (const bad of ['0', '-1', '1.001', 'abc']) expect((await refund({ amount: bad })).body.error.error_code).toBe('1010');

    const rest = await refund({});
    expect(rest.body).toMatchObject({ amount: '15.00', status: 'succeeded' });
    expect((await refund({ amount: '0.01' })).status).toBe(400);

    const status = await http(`${gw.url}/v1/payments/${id}`, { headers: bearer(secret) });
    expect(status.body).toMatchObject({ amount_refunded: '20.00' });
    expect(status.body.refunds).toHaveLength(2);
    expect((await order(id))?.totalRefundedAmount).toBe(20);
  });

  it('concurrent refunds never exceed the captured amount', async () => {
    const { token } = await mintSession(gw, secret, { amount: '10.00' });
    const paid = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, PLAIN_APPROVED) });
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        http(`${gw.url}/v1/payments/${paid.body.id}/refunds`, { method: 'POST', headers: bearer(secret), body: { amount: '4.00' } }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(2);
    expect((await order(paid.body.id))?.totalRefundedAmount).toBe(8);
  });

  it("refunding a payment that did not succeed, or another merchant's, is refused", async () => {
    const { token, sessionId } = await mintSession(gw, secret);
    await collect(gw, token, { hosted_session_id: await cardSession(gw, token, PLAIN_DECLINED) });
    const paymentId = (await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.payment_id;
    const res = await http(`${gw.url}/v1/payments/${paymentId}/refunds`, { method: 'POST', headers: bearer(secret), body: {} });
    expect(res.body.error.error_code).toBe('1010');
    const other = (await gw.services.merchants.create({ name: 'Thief', redirectHosts: ['localhost'] })).merchantSecret.reveal();
    expect((await http(`${gw.url}/v1/payments/${paymentId}`, { headers: bearer(other) })).status).toBe(404);
  });

  it('stores only the masked card: no full card number anywhere', async () => {
    const { token } = await mintSession(gw, secret);
    await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS) });
    const rows = await gw.services.storage.db.selectFrom('payments').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('5123456789012346');
    expect(gw.logs()).not.toContain('5123456789012346');
    void DEVICE_A;
  });
});
