import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import type { WebhookEventType } from '../../src/storage/schema.js';
import { bearer, http } from '../support/http.js';

// The security-code policy, the order bound into the network session, and
// manual capture (docs/card-defence.md), through the real HTTP API against the simulator.
const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };
const CHALLENGE = { number: '5123450000000008', expiry: '01/39' };
const SIM_AUTH = { authorization: `Basic ${Buffer.from('merchant.TESTPDIRECT:sandbox').toString('base64')}` };
const WEEK = 7 * 86_400_000;

interface NetworkOrder {
  totalAuthorizedAmount?: number;
  totalCapturedAmount?: number;
  transaction?: Array<{ result: string; transaction: { type: string; amount: number } }>;
}

/** What the network itself recorded for an order (undefined: it never heard of it). */
async function networkOrder(simulatorUrl: string, orderId: string): Promise<NetworkOrder | undefined> {
  const res = await fetch(`${simulatorUrl}/api/rest/version/100/merchant/TESTPDIRECT/order/${orderId}`, { headers: SIM_AUTH });
  return res.status === 200 ? ((await res.json()) as NetworkOrder) : undefined;
}

/** The money-moving transactions the network performed on an order, by type. */
async function moneyMoves(simulatorUrl: string, orderId: string): Promise<string[]> {
  const order = await networkOrder(simulatorUrl, orderId);
  return (order?.transaction ?? [])
    .filter((t) => t.result === 'SUCCESS' && t.transaction.type !== 'AUTHENTICATION')
    .map((t) => `${t.transaction.type} ${t.transaction.amount}`);
}

describe.each(testDatabases())('capture and the security code ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true },
    merchant: { name: 'Capture Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' },
  });
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    ({ gw, secret } = fixture);
    // A review for large baskets, then allow everything else (these stories are not about the score).
    await gw.services.risk.addRule(fixture.merchantId, { action: 'review', predicate: ':amount: >= 500' });
    await gw.services.risk.addRule(fixture.merchantId, { action: 'allow', predicate: ':amount: < 500' });
  });
  beforeEach(() => gw.clock.advance(61_000));

  const merchant = (path: string, body?: object, headers: Record<string, string> = {}) =>
    http(`${gw.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...bearer(secret), ...headers },
      ...(body === undefined ? {} : { body }),
    });
  const events = async (type: WebhookEventType, paymentId: string) =>
    (await gw.services.storage.db.selectFrom('webhook_events').select(['payload']).where('type', '=', type).execute())
      .map((e) => JSON.parse(e.payload) as { data: { object: Record<string, unknown> } })
      .filter((e) => e.data.object.id === paymentId);

  /** A manual-capture checkout paid by a frictionless card: the payment waits in requires_capture. */
  async function authorized(overrides: Record<string, unknown> = {}) {
    const session = await mintSession(gw, secret, { capture_method: 'manual', ...overrides });
    const res = await collect(gw, session.token, { hosted_session_id: await cardSession(gw, session.token, FRICTIONLESS) });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('requires_capture');
    return { ...session, paymentId: res.body.id as string, collected: res };
  }

  describe('the security code (CSC)', () => {
    it('CSC 102 (no match): declined before any money moves, with the reason on the payment and its webhook', async () => {
      const { token, sessionId } = await mintSession(gw, secret);
      const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, { ...FRICTIONLESS, csc: '102' }) });
      expect(res.status).toBe(402);
      expect(res.body.error).toMatchObject({ error_code: '1601', message: 'card declined (security code no_match)' });
      const [row] = await gw.services.storage.db.selectFrom('payments').select('id').where('session_id', '=', sessionId).execute();
      const payment = (await merchant(`/v1/payments/${row!.id}`)).body;
      expect(payment).toMatchObject({
        status: 'failed',
        gateway_code: 'DECLINED_CSC',
        failure_reason: 'security_code_no_match',
        card: { checks: { security_code: 'no_match' } },
        amount_captured: '0.00',
      });
      // Nothing was paid, authorized or captured at the network.
      expect(await moneyMoves(gw.simulator!.url, payment.id)).toEqual([]);
      expect((await events('payment_attempt.failed', payment.id))[0]?.data.object).toMatchObject({ card: { checks: { security_code: 'no_match' } } });
    });

    it('no CSC entered (not provided): declined, nothing captured; the session stays open for another card', async () => {
      const { token, sessionId } = await mintSession(gw, secret);
      const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, { ...FRICTIONLESS, csc: '' }) });
      expect(res.status).toBe(402);
      expect(res.body.error.message).toBe('card declined (security code not_provided)');
      const [row] = await gw.services.storage.db.selectFrom('payments').select(['id', 'status', 'security_code']).where('session_id', '=', sessionId).execute();
      expect(row).toMatchObject({ status: 'failed', security_code: 'not_provided' });
      expect(await moneyMoves(gw.simulator!.url, row!.id)).toEqual([]);
      // Another card, with its code, pays.
      const again = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS) });
      expect(again.body).toMatchObject({ status: 'succeeded', card: { checks: { security_code: 'match' } } });
    });

    it('CSC 100 (match) pays; 101 (not processed) pays under the default policy; the result is on the API and the webhook', async () => {
      for (const [csc, result] of [
        ['100', 'match'],
        ['101', 'not_processed'],
      ] as const) {
        const { token } = await mintSession(gw, secret);
        const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, { ...FRICTIONLESS, csc }) });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ status: 'succeeded', amount_captured: '12.50', card: { checks: { security_code: result } } });
        expect((await merchant(`/v1/payments/${res.body.id}`)).body.card.checks.security_code).toBe(result);
        expect((await events('payment.succeeded', res.body.id))[0]?.data.object).toMatchObject({ card: { checks: { security_code: result } } });
        expect(await moneyMoves(gw.simulator!.url, res.body.id)).toEqual(['PAYMENT 12.5']);
      }
    });

    it('the merchant may change the policy: with no_match allowed, CSC 102 pays (and the answer says what it saw)', async () => {
      expect((await merchant('/v1/merchant')).body.security_code_decline).toEqual(['no_match', 'not_provided']);
      const bad = await merchant('/v1/merchant', { security_code_decline: ['maybe'] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.error_code).toBe('1010');
      const changed = await merchant('/v1/merchant', { security_code_decline: ['not_provided'] });
      expect(changed.status).toBe(200);
      expect(changed.body.security_code_decline).toEqual(['not_provided']);
      try {
        const { token } = await mintSession(gw, secret);
        const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, { ...FRICTIONLESS, csc: '102' }) });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ status: 'succeeded', card: { checks: { security_code: 'no_match' } } });
      } finally {
        await merchant('/v1/merchant', { security_code_decline: ['no_match', 'not_provided'] });
      }
    });

    it('a 3-D Secure challenge does not lose the check: CSC 102 is refused before the challenge, 100 pays after it', async () => {
      const refused = await mintSession(gw, secret);
      const res = await collect(gw, refused.token, { hosted_session_id: await cardSession(gw, refused.token, { ...CHALLENGE, csc: '102' }) });
      expect(res.status).toBe(402);
      const ok = await mintSession(gw, secret);
      const challenged = await collect(gw, ok.token, { hosted_session_id: await cardSession(gw, ok.token, CHALLENGE) });
      expect(challenged.body.status).toBe('requires_action');
    });
  });

  describe('the order is bound into the network session', () => {
    it('a tampered amount is refused by the network itself: nothing is charged', async () => {
      const { token, sessionId } = await mintSession(gw, secret);
      const hosted = await cardSession(gw, token, FRICTIONLESS);
      // The network session was opened for 12.50 USD; the network must refuse any other amount for it.
      const session = await fetch(`${gw.simulator!.url}/api/rest/version/100/merchant/TESTPDIRECT/session/${hosted}`, { headers: SIM_AUTH });
      expect(((await session.json()) as { order: unknown }).order).toEqual({ amount: '12.50', currency: 'USD' });
      // Tampering below the API (a bug, a compromised database): the checkout now says 1.00.
      await gw.services.storage.db.updateTable('checkout_sessions').set({ amount: '1.00', amount_minor: 100 }).where('id', '=', sessionId).execute();
      const res = await collect(gw, token, { hosted_session_id: hosted });
      expect(res.status).toBe(402);
      expect(res.body.error.message).toContain('INVALID_REQUEST');
      const [row] = await gw.services.storage.db.selectFrom('payments').select(['id', 'status']).where('session_id', '=', sessionId).execute();
      expect(row!.status).toBe('failed');
      expect(await moneyMoves(gw.simulator!.url, row!.id)).toEqual([]);
    });

    it('the network refuses a PAY on the session at another amount or currency, even one sent straight to it', async () => {
      const { token } = await mintSession(gw, secret);
      const hosted = await cardSession(gw, token, FRICTIONLESS);
      const put = (orderId: string, amount: string, currency: string) =>
        fetch(`${gw.simulator!.url}/api/rest/version/100/merchant/TESTPDIRECT/order/${orderId}/transaction/pay-1`, {
          method: 'PUT',
          headers: { ...SIM_AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ apiOperation: 'PAY', order: { amount, currency }, session: { id: hosted }, sourceOfFunds: { type: 'CARD' } }),
        });
      const cheaper = await put('attack-1', '999.00', 'USD');
      expect(cheaper.status).toBe(400);
      expect(((await cheaper.json()) as { error: { field: string } }).error.field).toBe('order.amount');
      const otherCurrency = await put('attack-2', '12.50', 'EUR');
      expect(((await otherCurrency.json()) as { error: { field: string } }).error.field).toBe('order.currency');
      expect(await networkOrder(gw.simulator!.url, 'attack-1')).toBeUndefined();
    });
  });

  describe('manual capture', () => {
    it('authorizes only: requires_capture, the session is authorized and takes no new attempt, the merchant is told', async () => {
      const { sessionId, token, paymentId, collected } = await authorized();
      expect(collected.body).toMatchObject({ capture_method: 'manual', amount_captured: '0.00', amount_capturable: '12.50', review: null });
      expect(collected.body.redirect_url).toContain('/thanks');
      expect(Date.parse(collected.body.capture_before)).toBe(gw.clock.now() + WEEK);
      expect(await moneyMoves(gw.simulator!.url, paymentId)).toEqual(['AUTHORIZATION 12.5']);
      expect((await networkOrder(gw.simulator!.url, paymentId))!.totalCapturedAmount).toBe(0);
      const session = await merchant(`/v1/sessions/${sessionId}`);
      expect(session.body).toMatchObject({ status: 'authorized', capture_method: 'manual' });
      expect((await http(`${gw.url}/v1/checkout`, { headers: bearer(token) })).body.error.error_code).toBe('1005');
      expect(await events('payment.requires_capture', paymentId)).toHaveLength(1);
      expect(await events('payment.succeeded', paymentId)).toHaveLength(0);
    });

    it('partial capture: never above the authorization, once (idempotent replay, then 1604), refunds bounded by the captured amount', async () => {
      const { sessionId, paymentId } = await authorized();
      const tooMuch = await merchant(`/v1/payments/${paymentId}/capture`, { amount: '12.51' });
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body.error).toMatchObject({ error_code: '1010', param: 'amount' });

      const key = { 'idempotency-key': `cap-${paymentId}` };
      const captured = await merchant(`/v1/payments/${paymentId}/capture`, { amount: '10.00' }, key);
      expect(captured.status).toBe(200);
      expect(captured.body).toMatchObject({ status: 'succeeded', amount: '12.50', amount_captured: '10.00', amount_capturable: '0.00' });
      // One audit record for the request, naming the capture (never its body).
      const audit = await gw.services.storage.db
        .selectFrom('audit_log')
        .select(['method', 'path', 'status', 'credential_type'])
        .where('request_id', '=', captured.headers['x-request-id']!)
        .execute();
      expect(audit).toEqual([{ method: 'POST', path: `/v1/payments/${paymentId}/capture`, status: 200, credential_type: 'merchant_key' }]);
      const replay = await merchant(`/v1/payments/${paymentId}/capture`, { amount: '10.00' }, key);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(paymentId);
      const again = await merchant(`/v1/payments/${paymentId}/capture`, {});
      expect(again.status).toBe(409);
      expect(again.body.error.error_code).toBe('1604');
      const cancel = await merchant(`/v1/payments/${paymentId}/cancel`, {});
      expect(cancel.body.error.error_code).toBe('1604');
      expect(await moneyMoves(gw.simulator!.url, paymentId)).toEqual(['AUTHORIZATION 12.5', 'CAPTURE 10']);
      expect((await merchant(`/v1/sessions/${sessionId}`)).body.status).toBe('paid');
      expect(await events('payment.succeeded', paymentId)).toHaveLength(1);

      const over = await merchant(`/v1/payments/${paymentId}/refunds`, { amount: '10.01' });
      expect(over.status).toBe(400);
      expect(over.body.error.message).toContain('10.00');
      const full = await merchant(`/v1/payments/${paymentId}/refunds`, {});
      expect(full.status).toBe(201);
      expect(full.body.amount).toBe('10.00');
    });

    it('two concurrent captures: one captures, the other is 409 1604; the network captured once', async () => {
      const { paymentId } = await authorized();
      const answers = await Promise.all([merchant(`/v1/payments/${paymentId}/capture`, {}), merchant(`/v1/payments/${paymentId}/capture`, {})]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      expect(await moneyMoves(gw.simulator!.url, paymentId)).toEqual(['AUTHORIZATION 12.5', 'CAPTURE 12.5']);
    });

    it('cancel voids the authorization: canceled, the session cancelled, payment.canceled; no capture afterwards', async () => {
      const { sessionId, paymentId } = await authorized();
      const res = await merchant(`/v1/payments/${paymentId}/cancel`, {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'canceled', amount_captured: '0.00' });
      expect(res.body.history.map((h: { to: string }) => h.to)).toEqual([
        'processing',
        'requires_action',
        'processing',
        'requires_capture',
        'canceling',
        'canceled',
      ]);
      expect((await merchant(`/v1/sessions/${sessionId}`)).body.status).toBe('cancelled');
      expect(await events('payment.canceled', paymentId)).toHaveLength(1);
      expect((await merchant(`/v1/payments/${paymentId}/capture`, {})).body.error.error_code).toBe('1604');
      expect(await moneyMoves(gw.simulator!.url, paymentId)).toEqual(['AUTHORIZATION 12.5', 'VOID_AUTHORIZATION 12.5']);
      expect((await networkOrder(gw.simulator!.url, paymentId))!.totalAuthorizedAmount).toBe(0);
    });

    it("the sweeper voids an authorization left uncaptured past the window, not before; another merchant's id is 404", async () => {
      const { paymentId } = await authorized();
      const other = (await gw.services.merchants.create({ name: 'Nosy Shop', redirectHosts: ['localhost'] })).merchantSecret.reveal();
      const nosy = await http(`${gw.url}/v1/payments/${paymentId}/capture`, { method: 'POST', headers: bearer(other), body: {} });
      expect(nosy.status).toBe(404);
      gw.clock.advance(WEEK - 120_000);
      await gw.services.payments.voidExpiredAuthorizations();
      expect((await merchant(`/v1/payments/${paymentId}`)).body.status).toBe('requires_capture');
      gw.clock.advance(180_000);
      expect(await gw.services.payments.voidExpiredAuthorizations()).toBeGreaterThanOrEqual(1);
      const after = await merchant(`/v1/payments/${paymentId}`);
      expect(after.body.status).toBe('canceled');
      expect(after.body.history.at(-2).cause).toBe('not captured within the capture window');
      expect(await events('payment.canceled', paymentId)).toHaveLength(1);
    });

    it('a capture whose outcome was lost is reconciled by its recorded id: captured once, never twice', async () => {
      const { paymentId } = await authorized();
      const db = gw.services.storage.db;
      // The process recorded the capture (capturing, its id) and crashed; the CAPTURE did reach the network.
      const now = gw.clock.now();
      await db
        .updateTable('payments')
        .set({ status: 'capturing', capture_txn_id: 'capture-crashed', capture_requested_minor: 1250, reconcile_after: now })
        .where('id', '=', paymentId)
        .execute();
      await gw.services.network!.capture!({ orderId: paymentId, captureTransactionId: 'capture-crashed', amount: '12.50', currency: 'USD' });
      const inFlight = await merchant(`/v1/payments/${paymentId}/capture`, {});
      expect(inFlight.body.error).toMatchObject({ error_code: '1604' });
      expect(inFlight.body.error.message).toContain('a capture is in flight');
      gw.clock.advance(31_000);
      expect(await gw.services.payments.reconcileDue()).toBeGreaterThanOrEqual(1);
      expect((await merchant(`/v1/payments/${paymentId}`)).body).toMatchObject({ status: 'succeeded', amount_captured: '12.50' });
      expect(await moneyMoves(gw.simulator!.url, paymentId)).toEqual(['AUTHORIZATION 12.5', 'CAPTURE 12.5']);
    });

    it('a capture recorded but never sent is sent again under the same id by the reconciler', async () => {
      const { paymentId } = await authorized();
      await gw.services.storage.db
        .updateTable('payments')
        .set({ status: 'capturing', capture_txn_id: 'capture-unsent', capture_requested_minor: 500, reconcile_after: gw.clock.now() })
        .where('id', '=', paymentId)
        .execute();
      gw.clock.advance(31_000);
      await gw.services.payments.reconcileDue();
      await gw.services.payments.reconcileDue();
      expect((await merchant(`/v1/payments/${paymentId}`)).body).toMatchObject({ status: 'succeeded', amount_captured: '5.00' });
      expect(await moneyMoves(gw.simulator!.url, paymentId)).toEqual(['AUTHORIZATION 12.5', 'CAPTURE 5']);
    });
  });

  describe('a risk review', () => {
    it('a review rule authorizes only: requires_capture with the review named, payment.review_opened; capture pays', async () => {
      const { token, sessionId } = await mintSession(gw, secret, { amount: '750.00' });
      const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'requires_capture', capture_method: 'automatic', risk: { action: 'review' } });
      expect(res.body.review).toEqual({ reason: 'rule', rule_id: res.body.risk.rule_id });
      expect(res.body.review.rule_id).toMatch(/^rule_/);
      expect(await events('payment.review_opened', res.body.id)).toHaveLength(1);
      expect(await events('payment.requires_capture', res.body.id)).toHaveLength(1);
      expect(await moneyMoves(gw.simulator!.url, res.body.id)).toEqual(['AUTHORIZATION 750']);
      const captured = await merchant(`/v1/payments/${res.body.id}/capture`, {});
      expect(captured.body).toMatchObject({ status: 'succeeded', amount_captured: '750.00', review: { reason: 'rule' } });
      expect((await merchant(`/v1/sessions/${sessionId}`)).body.status).toBe('paid');
    });
  });
});
