import { beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { captureUseCases } from '../../src/http/dashboard/capture-seam.js';
import { userWithRole } from './support.js';

const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };
const errorCode = (res: { body: any }) => res.body?.error?.error_code as string | undefined;
const withoutRequestId = (body: any) => ({ ...body, error: { ...body.error, request_id: undefined } });

/**
 * The console's risk pages through the dashboard API: the rules editor
 * (same grammar and errors as /v1/risk/rules, through modules/risk), reorder,
 * the dry run over recent payments, fraud feedback, and the review queue with
 * its capture seam.
 */
describe.each(testDatabases())('dashboard API: risk rules, dry run, fraud reports, reviews ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, { gateway: { simulator: true }, merchant: { name: 'Risk Console Shop', fingerprintMode: 'off' } });
  let gw: TestGateway;
  let merchantId: string;
  let merchantSecret: string;
  beforeAll(() => {
    ({ gw, merchantId, secret: merchantSecret } = fixture);
  });

  async function pay(amount: string, customer = `c-${Math.random().toString(36).slice(2, 8)}`) {
    const { token } = await mintSession(gw, merchantSecret, { amount, customer_reference: customer });
    const paid = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS) });
    expect(paid.body.status).toBe('succeeded');
    return paid.body as { id: string; risk: { score: number; level: string; action: string; reasons: unknown[] } };
  }

  it('rules: add, list, reorder and remove in the console are the API’s rules; a bad predicate gets the API’s error', async () => {
    const { client } = await userWithRole(gw, merchantId, 'developer');
    // No rules yet: the empty order is the current one.
    expect((await client.put('/risk/rules/order', { rule_ids: [] })).body).toEqual({ data: [] });
    const a = await client.post('/risk/rules', { action: 'block', predicate: ':amount: > 900' });
    expect(a.status).toBe(201);
    const b = await client.post('/risk/rules', { action: 'review', predicate: ":card_country: in ('NG')" });
    const c = await client.post('/risk/rules', { action: 'allow', predicate: ":customer_reference: = 'vip'" });
    const ids = [a.body.id, b.body.id, c.body.id];
    const onApi = async () => (await http(`${gw.url}/v1/risk/rules`, { headers: bearer(merchantSecret) })).body.data.map((r: { id: string }) => r.id);
    expect(await onApi()).toEqual(ids);

    const reordered = await client.put('/risk/rules/order', { rule_ids: [c.body.id, a.body.id, b.body.id] });
    expect(reordered.status).toBe(200);
    expect(reordered.body.data.map((r: { id: string }) => r.id)).toEqual([c.body.id, a.body.id, b.body.id]);
    // The evaluation order is the new one: the allow rule now decides first, on the API too.
    expect(await onApi()).toEqual([c.body.id, a.body.id, b.body.id]);
    expect(reordered.body.data[1]).toEqual(a.body);
    // A stale or partial list changes nothing.
    for (const stale of [
      [a.body.id, b.body.id],
      [a.body.id, a.body.id, b.body.id],
      [...ids, 'rule_aaaaaaaaaaaaaaaaaaaa'],
    ]) {
      const refused = await client.put('/risk/rules/order', { rule_ids: stale });
      expect([refused.status, errorCode(refused)]).toEqual([400, '1010']);
    }
    expect(await onApi()).toEqual([c.body.id, a.body.id, b.body.id]);

    // The same predicate errors, word for word, as /v1/risk/rules.
    for (const predicate of [':amount: >', ':nope: = 1', "':amount: = 1", 'x'.repeat(3000)]) {
      const console = await client.post('/risk/rules', { action: 'block', predicate });
      const api = await http(`${gw.url}/v1/risk/rules`, { method: 'POST', headers: bearer(merchantSecret), body: { action: 'block', predicate } });
      expect(console.status).toBe(400);
      expect(withoutRequestId(console.body)).toEqual(withoutRequestId(api.body));
      const dry = await client.post('/risk/rules/dry-run', { predicate });
      expect(withoutRequestId(dry.body)).toEqual(withoutRequestId(api.body));
    }
    expect(errorCode(await client.post('/risk/rules', { action: 'explode', predicate: ':amount: > 1' }))).toBe('1010');

    expect((await client.call('DELETE', `/risk/rules/${b.body.id}`)).body).toEqual({ object: 'risk_rule', id: b.body.id, deleted: true });
    expect(errorCode(await client.call('DELETE', `/risk/rules/${b.body.id}`))).toBe('1011');
    expect(await onApi()).toEqual([c.body.id, a.body.id]);

    // Another merchant's console neither sees nor touches these rules.
    const elsewhere = await gw.services.merchants.create({ name: 'Other Shop' });
    const stranger = await userWithRole(gw, elsewhere.merchant.id, 'owner');
    expect((await stranger.client.get('/risk/rules')).body.data).toEqual([]);
    expect(errorCode(await stranger.client.call('DELETE', `/risk/rules/${a.body.id}`))).toBe('1011');
    expect(errorCode(await stranger.client.put('/risk/rules/order', { rule_ids: [a.body.id, c.body.id] }))).toBe('1010');
    for (const id of [a.body.id, c.body.id]) await client.call('DELETE', `/risk/rules/${id}`);
  });

  it('dry run: evaluates a predicate on the attributes each recent payment was assessed on; nothing is stored', async () => {
    let { client } = await userWithRole(gw, merchantId, 'viewer');
    const small = await pay('3.00', 'dry-small');
    const big = await pay('250.00', 'dry-big');
    const before = await gw.services.risk.listRules(merchantId);

    const run = await client.post('/risk/rules/dry-run', { predicate: ':amount: >= 200' });
    expect(run.status).toBe(200);
    expect(run.body.object).toBe('risk_rule_dry_run');
    const matchedIds = run.body.matches.map((m: { payment_id: string }) => m.payment_id);
    expect(matchedIds).toContain(big.id);
    expect(matchedIds).not.toContain(small.id);
    expect(run.body.matches.find((m: { payment_id: string }) => m.payment_id === big.id)).toMatchObject({
      amount: 250,
      currency: 'usd',
      outcome: 'succeeded',
      score: big.risk.score,
      level: big.risk.level,
    });
    expect(run.body.matched_by_outcome.succeeded).toBeGreaterThanOrEqual(1);
    expect(run.body.evaluated).toBeGreaterThanOrEqual(2);

    // The attribute names are the rules' own: a customer reference, the model's score.
    const byCustomer = await client.post('/risk/rules/dry-run', { predicate: ":customer_reference: = 'dry-small'" });
    expect(byCustomer.body.matches.map((m: { payment_id: string }) => m.payment_id)).toEqual([small.id]);
    const byScore = await client.post('/risk/rules/dry-run', { predicate: `:risk_score: = ${small.risk.score} and :amount: < 4` });
    expect(byScore.body.matches.map((m: { payment_id: string }) => m.payment_id)).toEqual([small.id]);

    // Outside the window: nothing (the injected clock moves on 2 days; a 1-day window then sees neither).
    gw.clock.advance(2 * 86_400_000);
    ({ client } = await userWithRole(gw, merchantId, 'viewer'));
    expect((await client.post('/risk/rules/dry-run', { predicate: ':amount: > 0', days: 1 })).body).toMatchObject({ payments: 0, matched: 0, matches: [] });
    expect((await client.post('/risk/rules/dry-run', { predicate: ':amount: > 0', days: 30 })).body.matched).toBeGreaterThanOrEqual(2);
    expect(await gw.services.risk.listRules(merchantId)).toEqual(before);

    // Another merchant's dry run sees none of these payments.
    const elsewhere = await gw.services.merchants.create({ name: 'Dry Other' });
    const stranger = await userWithRole(gw, elsewhere.merchant.id, 'owner');
    expect((await stranger.client.post('/risk/rules/dry-run', { predicate: ':amount: > 0' })).body).toMatchObject({ payments: 0, matched: 0 });
  });

  it('payment detail shows the risk decision and the fraud report made from the console (owner only); reports feed the engine', async () => {
    const owner = await userWithRole(gw, merchantId, 'owner');
    const paid = await pay('12.50');
    const detail = await owner.client.get(`/payments/${paid.id}`);
    expect(detail.body.payment.risk).toEqual(paid.risk);
    expect(detail.body.payment.risk).toMatchObject({ score: expect.any(Number), level: expect.any(String), action: expect.any(String) });
    expect(detail.body.fraud_report).toBeNull();

    const marked = await owner.client.post(`/payments/${paid.id}/fraud-report`, { fraudulent: true });
    expect(marked.body).toMatchObject({ object: 'fraud_report', payment_id: paid.id, fraudulent: true });
    expect((await owner.client.get(`/payments/${paid.id}`)).body.fraud_report).toMatchObject({ fraudulent: true });
    await owner.client.post(`/payments/${paid.id}/fraud-report`, { fraudulent: false });
    expect((await owner.client.get(`/payments/${paid.id}`)).body.fraud_report).toMatchObject({ fraudulent: false });
    // The report is what retraining reads: the payment's assessment, labelled.
    const labelled = await gw.services.storage.db
      .withTables<{ risk_fraud_reports: { payment_id: string; fraudulent: number } }>()
      .selectFrom('risk_fraud_reports')
      .select(['fraudulent'])
      .where('payment_id', '=', paid.id)
      .executeTakeFirstOrThrow();
    expect(labelled.fraudulent).toBe(0);

    const elsewhere = await gw.services.merchants.create({ name: 'Fraud Other' });
    const stranger = await userWithRole(gw, elsewhere.merchant.id, 'owner');
    expect(errorCode(await stranger.client.post(`/payments/${paid.id}/fraud-report`, { fraudulent: true }))).toBe('1011');
  });

  it('payments can be searched by risk level and by amount', async () => {
    const { client } = await userWithRole(gw, merchantId, 'viewer');
    const paid = await pay('7.00');
    const level = paid.risk.level;
    const found = await client.get(`/payments?risk_level=${level}`);
    expect(found.body.data.map((p: { id: string }) => p.id)).toContain(paid.id);
    expect(found.body.data.every((p: { risk: { level: string } | null }) => p.risk?.level === level)).toBe(true);
    const other = (['normal', 'elevated', 'highest'] as const).find((l) => l !== level)!;
    expect((await client.get(`/payments?risk_level=${other}`)).body.data.map((p: { id: string }) => p.id)).not.toContain(paid.id);
    expect(errorCode(await client.get('/payments?risk_level=%25'))).toBe('1010');
    // By amount, however the decimals are written.
    for (const amount of ['7', '7.0', '7.00', '7.000'])
      expect((await client.get(`/payments?amount=${amount}`)).body.data.map((p: { id: string }) => p.id)).toContain(paid.id);
    expect((await client.get('/payments?amount=7.001')).body.data.map((p: { id: string }) => p.id)).not.toContain(paid.id);
    expect((await client.get('/payments?amount=70')).body.data.map((p: { id: string }) => p.id)).not.toContain(paid.id);
    expect(errorCode(await client.get('/payments?amount=7%25'))).toBe('1010');
  });

  it('reviews end to end: a review rule authorizes only; the queue shows it; Approve captures it, Reject on another voids it', async () => {
    const owner = await userWithRole(gw, merchantId, 'owner');
    const rule = await http(`${gw.url}/v1/risk/rules`, {
      method: 'POST',
      headers: bearer(merchantSecret),
      body: { action: 'review', predicate: ":customer_reference: in ('review-a', 'review-b')" },
    });
    expect(rule.status).toBe(201);
    try {
      const authorize = async (customer: string) => {
        const { token } = await mintSession(gw, merchantSecret, { amount: '8.00', customer_reference: customer });
        const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS) });
        expect(res.body.status, res.text).toBe('requires_capture');
        return res.body.id as string;
      };
      const approved = await authorize('review-a');
      const rejected = await authorize('review-b');
      const queue = await owner.client.get('/reviews');
      expect(queue.body.data.map((p: { id: string }) => p.id).sort()).toEqual([approved, rejected].sort());

      const approve = await owner.client.post(`/payments/${approved}/capture`, { reason: 'customer confirmed by phone' });
      expect(approve.status, approve.text).toBeLessThan(300);
      const reject = await owner.client.post(`/payments/${rejected}/cancel`, { reason: 'address mismatch' });
      expect(reject.status, reject.text).toBeLessThan(300);
      const status = async (id: string) => (await http(`${gw.url}/v1/payments/${id}`, { headers: bearer(merchantSecret) })).body.status;
      expect(await status(approved)).toBe('succeeded');
      expect(await status(rejected)).toBe('canceled');
      expect((await owner.client.get('/reviews')).body).toMatchObject({ data: [], total: 0 });
    } finally {
      await http(`${gw.url}/v1/risk/rules/${rule.body.id}`, { method: 'DELETE', headers: bearer(merchantSecret) });
    }
  });

  it('reviews: the queue is read by every role; Approve / Reject go through the capture seam, owner only, and audit the reason', async () => {
    const owner = await userWithRole(gw, merchantId, 'owner');
    const developer = await userWithRole(gw, merchantId, 'developer');
    const queue = await developer.client.get('/reviews');
    expect(queue.status).toBe(200);
    // Nothing waits for review at this point.
    expect(queue.body).toMatchObject({ data: [], total: 0 });

    // An automatic-capture payment: already captured, nothing to capture or cancel.
    const paid = await pay('5.00');
    const wired = captureUseCases() !== undefined;
    let captureStatus = 0;
    for (const action of ['capture', 'cancel']) {
      expect(errorCode(await developer.client.post(`/payments/${paid.id}/${action}`, { reason: 'looks fine' }))).toBe('1703');
      const res = await owner.client.post(`/payments/${paid.id}/${action}`, { reason: 'checked \u0007with the customer' });
      if (action === 'capture') captureStatus = res.status;
      if (!wired) {
        // The seam not wired (this branch): refused plainly, nothing moved.
        expect([res.status, errorCode(res)]).toEqual([501, '1501']);
        expect(res.body.error.message).toMatch(/not available in this build/);
      } else {
        // Wired: the use case refuses a payment that is not waiting for capture.
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect([403, 501]).not.toContain(res.status);
      }
    }
    expect((await owner.client.get(`/payments/${paid.id}`)).body.payment).toMatchObject({ status: 'succeeded', amount_refunded: '0.00' });
    await gw.services.audit.flush();
    const audit = await owner.client.get(`/audit?path=${encodeURIComponent(`/dashboard/api/payments/${paid.id}/capture`)}`);
    const ownerRecord = audit.body.data.find((r: { credential_id: string; status: number }) => r.credential_id === owner.userId);
    expect(ownerRecord).toMatchObject({ credential_type: 'dashboard_user', status: captureStatus, warnings: ['capture reason: checked with the customer'] });
  });

  it('Home counts the risk decisions of the period; Settings shows the risk policy in force', async () => {
    const { client } = await userWithRole(gw, merchantId, 'viewer');
    await pay('4.00');
    const overview = await client.get('/overview?range=24h');
    const stored = await gw.services.storage.db
      .withTables<{ risk_assessments: { merchant_id: string; action: string; created_at: number } }>()
      .selectFrom('risk_assessments')
      .select(['action'])
      .where('merchant_id', '=', merchantId)
      .where('created_at', '>=', gw.clock.now() - 86_400_000)
      .execute();
    const expected = { allow: 0, request_3ds: 0, review: 0, block: 0 } as Record<string, number>;
    for (const r of stored) expected[r.action]!++;
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect(overview.body.risk_decisions.totals).toEqual(expected);
    expect(overview.body.risk_decisions.series).toHaveLength(24);
    const summed = { allow: 0, request_3ds: 0, review: 0, block: 0 } as Record<string, number>;
    for (const b of overview.body.risk_decisions.series) for (const k of Object.keys(summed)) summed[k]! += b[k];
    expect(summed).toEqual(expected);

    const settings = await client.get('/settings');
    expect(settings.body.risk).toEqual({
      thresholds: { elevated: 65, highest: 75 },
      default_actions: { normal: 'allow', elevated: 'request_3ds', highest: 'block' },
      model: 'shipped',
      rules: 0,
    });
  });

  it('audit export: the search as NDJSON, every field, only this merchant', async () => {
    const { client } = await userWithRole(gw, merchantId, 'viewer');
    const call = await http(`${gw.url}/v1/merchant`, { headers: bearer(merchantSecret) });
    await gw.services.audit.flush();
    const res = await client.get(`/audit/export?request_id=${call.headers['x-request-id']}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="pdirect-audit-.*\.ndjson"$/);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ request_id: call.headers['x-request-id'], path: '/v1/merchant', status: 200, credential_type: 'merchant_key' });
    const elsewhere = await gw.services.merchants.create({ name: 'Export Other' });
    const stranger = await userWithRole(gw, elsewhere.merchant.id, 'owner');
    expect((await stranger.client.get(`/audit/export?request_id=${call.headers['x-request-id']}`)).text).toBe('');
  });
});
