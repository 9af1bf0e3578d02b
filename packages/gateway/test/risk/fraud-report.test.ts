import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { runCli } from '../support/cli.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };
const APPROVED = { number: '5111111111111118', expiry: '01/39' };

describe.each(testDatabases())('fraud reports and retraining ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let shop: { id: string; secret: string };
  let other: { id: string; secret: string };
  const paid: string[] = [];

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true });
    const a = await gw.services.merchants.create({ name: 'Reporting Shop', redirectHosts: ['localhost', '127.0.0.1'] });
    const b = await gw.services.merchants.create({ name: 'Other Shop', redirectHosts: ['localhost'] });
    shop = { id: a.merchant.id, secret: a.merchantSecret.reveal() };
    other = { id: b.merchant.id, secret: b.merchantSecret.reveal() };
    // Real payments through the real checkout; each assessed as the payment flow will (the seam in docs/risk.md).
    for (let i = 0; i < 24; i++) {
      const { token } = await mintSession(gw, shop.secret, { customer_reference: `cust_${i}` });
      // Screened by the payment flow too: 24 payments from one address are elevated, which asks for 3-D Secure, so the card authenticates.
      const device = `${i}`.padStart(64, 'a');
      const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS, device) }, {}, device);
      if (res.status !== 200) throw new Error(`collect failed: ${res.status} ${res.text}`);
      const payment = await gw.services.payments.get(shop.id, res.body.id);
      const fraud = i % 3 === 0;
      const context = {
        merchantId: shop.id,
        paymentId: payment.id,
        session: {
          amount: payment.amount,
          amountMinor: payment.amount_minor,
          currency: payment.currency,
          customerReference: payment.customer_reference,
          email: fraud ? `x${i}@mailinator.com` : `c${i}@gmail.com`,
          createdAt: payment.created_at,
        },
        clientIp: fraud ? '41.58.0.1' : '8.8.8.8',
        deviceFingerprint: `${i}`.padStart(64, 'a'),
        card: { brand: payment.card_brand, masked: payment.card_masked, expiry: payment.card_expiry, issuingCountry: 'US' },
      };
      const decision = await gw.services.risk.assess(context);
      await gw.services.risk.recordAttempt({ context, outcome: 'succeeded', decision });
      paid.push(payment.id);
    }
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const report = (secret: string, paymentId: string, body: unknown) =>
    http(`${gw.url}/v1/payments/${paymentId}/fraud_report`, { method: 'POST', headers: bearer(secret), body: body as object });

  it('a merchant reports its own payment as fraudulent, then changes its mind; the report is stored', async () => {
    const first = await report(shop.secret, paid[0]!, { fraudulent: true });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: 'fraud_report', payment_id: paid[0], fraudulent: true, created_at: expect.any(String) });
    const again = await report(shop.secret, paid[0]!, { fraudulent: false });
    expect(again.body).toMatchObject({ fraudulent: false, created_at: first.body.created_at });
    const rows = await gw.services.storage.db
      .withTables<{ risk_fraud_reports: { payment_id: string; merchant_id: string; fraudulent: number } }>()
      .selectFrom('risk_fraud_reports')
      .selectAll()
      .where('payment_id', '=', paid[0]!)
      .execute();
    expect(rows).toEqual([expect.objectContaining({ merchant_id: shop.id, fraudulent: 0 })]);
  });

  it("another merchant's payment is 404 1011, exactly like a payment that does not exist, and nothing is stored", async () => {
    const stolen = await report(other.secret, paid[1]!, { fraudulent: true });
    expect(stolen.status).toBe(404);
    expect(stolen.body.error.error_code).toBe('1011');
    const missing = await report(other.secret, 'pay_aaaaaaaaaaaaaaaaaaaa', { fraudulent: true });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(stolen.body.error.message);
    const rows = await gw.services.storage.db
      .withTables<{ risk_fraud_reports: { payment_id: string } }>()
      .selectFrom('risk_fraud_reports')
      .selectAll()
      .where('payment_id', '=', paid[1]!)
      .execute();
    expect(rows).toEqual([]);
  });

  it('bad bodies are 400 1010; no key is 401', async () => {
    for (const body of [{}, { fraudulent: 'yes' }, { fraudulent: true, note: 'x' }]) {
      const res = await report(shop.secret, paid[2]!, body);
      expect(res.status).toBe(400);
      expect(res.body.error.error_code).toBe('1010');
    }
    expect((await http(`${gw.url}/v1/payments/${paid[2]}/fraud_report`, { method: 'POST', body: { fraudulent: true } })).status).toBe(401);
  });

  it('pdirect risk retrain refuses too few reports, then refits on the reports and the gateway scores with the new weights', async () => {
    const env = { PDIRECT_DATABASE_URL: db.url };
    const early = await runCli(['risk', 'retrain', '--json'], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/error 1010: not enough fraud reports to retrain: 1 assessed payments reported/);

    for (let i = 0; i < paid.length; i++) expect((await report(shop.secret, paid[i]!, { fraudulent: i % 3 === 0 })).status).toBe(200);
    const stampOf = async () => {
      const context = {
        merchantId: shop.id,
        session: { amount: '1.00', amountMinor: 100, currency: 'usd', customerReference: 'c', createdAt: gw.clock.now() },
      };
      const decision = await gw.services.risk.assess(context);
      await gw.services.risk.recordAttempt({ context, decision, outcome: 'declined' });
      const row = await gw.services.storage.db
        .withTables<{ risk_assessments: { id: string; model: string } }>()
        .selectFrom('risk_assessments')
        .select('model')
        .where('id', '=', decision.assessmentId)
        .executeTakeFirstOrThrow();
      return row.model;
    };
    expect(await stampOf()).toBe('shipped');
    const shipped = (await gw.services.risk.currentModel()).weights;

    // The CLI is another process: it stores the refit, the running gateway picks it up within 30 s.
    const retrained = await runCli(['risk', 'retrain', '--json'], env);
    expect(retrained.code).toBe(0);
    expect(retrained.json).toMatchObject({ source: 'feedback', samples: 24, fraudulent: 8, model_id: expect.any(Number) });
    expect(retrained.json.metrics.roc_auc).toBeGreaterThanOrEqual(retrained.json.previous_metrics.roc_auc);
    expect(await stampOf()).toBe('shipped');
    gw.clock.advance(31_000);
    expect(await stampOf()).toBe(`model_${retrained.json.model_id}`);
    const after = await gw.services.risk.currentModel();
    expect(after.weights.weights).not.toEqual(shipped.weights);
    expect(after.weights.trained).toMatchObject({ source: 'feedback', samples: 24 });
  });

  it('pdirect risk rule add|list|remove, with the same parser and merchant scope as the API', async () => {
    const env = { PDIRECT_DATABASE_URL: db.url };
    const added = await runCli(
      ['risk', 'rule', 'add', '--merchant', shop.id, '--action', 'block', '--predicate', ":card_country: in ('NG') and :amount: > 500", '--json'],
      env,
    );
    expect(added.code).toBe(0);
    expect(added.json).toMatchObject({ object: 'risk_rule', action: 'block', id: expect.stringMatching(/^rule_/) });
    const bad = await runCli(['risk', 'rule', 'add', '--merchant', shop.id, '--action', 'block', '--predicate', ':amount: > 1; process.exit()'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("error 1010: predicate: unexpected character ';' at position 13");
    const listed = await runCli(['risk', 'rule', 'list', '--merchant', shop.id, '--json'], env);
    expect(listed.json.rules.map((r: { id: string }) => r.id)).toEqual([added.json.id]);
    const api = await http(`${gw.url}/v1/risk/rules`, { headers: bearer(shop.secret) });
    expect(api.body.data.map((r: { id: string }) => r.id)).toEqual([added.json.id]);
    // Another merchant's id (the API refuses it the same way: rules-api.test.ts).
    expect((await http(`${gw.url}/v1/risk/rules/${added.json.id}`, { method: 'DELETE', headers: bearer(other.secret) })).status).toBe(404);
    const removed = await runCli(['risk', 'rule', 'remove', '--merchant', shop.id, '--rule', added.json.id, '--json'], env);
    expect(removed.json).toEqual({ object: 'risk_rule', id: added.json.id, deleted: true });
  });
});
