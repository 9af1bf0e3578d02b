import { sql } from 'kysely';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cardSession, collect, completeChallenge, DEVICE_A, DEVICE_B, mintSession, sdk } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant, useTwoGatewayProcesses } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

// Card-entry defence (docs/card-defence.md), attacked through the real HTTP API.
const APPROVED = { number: '5111111111111118', expiry: '01/39' };
const DECLINED = { number: '5111111111111118', expiry: '05/39' };
const CHALLENGE = { number: '5123450000000008', expiry: '01/39' };
const SIM_AUTH = { authorization: `Basic ${Buffer.from('merchant.TESTPDIRECT:sandbox').toString('base64')}` };

/** What the network itself recorded for an order: the PAYMENT transactions that moved money. */
async function networkPayments(simulatorUrl: string, orderId: string): Promise<number> {
  const res = await fetch(`${simulatorUrl}/api/rest/version/100/merchant/TESTPDIRECT/order/${orderId}`, { headers: SIM_AUTH });
  if (res.status === 404) return 0;
  const order = (await res.json()) as { transaction?: Array<{ transaction: { type: string }; result?: string }> };
  return (order.transaction ?? []).filter((t) => t.transaction.type === 'PAYMENT' && t.result === 'SUCCESS').length;
}

describe.each(testDatabases())('card-entry defence ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true },
    merchant: { name: 'Defended Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' },
  });
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    ({ gw, secret } = fixture);
    // These stories attack the binding, the time and the lock, from one device and address: the risk
    // engine would block that traffic first, so this merchant allows every payment (the risk stories below use their own).
    await gw.services.risk.addRule(fixture.merchantId, { action: 'allow', predicate: ':amount: >= 0' });
  });
  // Each story starts a minute later, so the per-device/IP minute cap counts only its own card sessions.
  beforeEach(() => gw.clock.advance(61_000));

  const sessionPayments = (sessionId: string) =>
    gw.services.storage.db.selectFrom('payments').select(['id', 'status']).where('session_id', '=', sessionId).execute();
  const events = (type: 'session.expired' | 'session.locked' | 'payment.failed' | 'payment_attempt.failed') =>
    gw.services.storage.db.selectFrom('webhook_events').select(['type', 'payload']).where('type', '=', type).execute();
  const eventsFor = async (type: Parameters<typeof events>[0], sessionId: string) =>
    (await events(type)).filter((e) => JSON.parse(e.payload).data.object.id === sessionId || JSON.parse(e.payload).data.object.session_id === sessionId);

  describe('a hosted card session is a credential of its checkout session', () => {
    it('reuse on another checkout of the same merchant, at another amount, is 403 1104 and charges nothing', async () => {
      const a = await mintSession(gw, secret);
      const stolen = await cardSession(gw, a.token, APPROVED);
      const b = await mintSession(gw, secret, { amount: '999.00' });
      const res = await collect(gw, b.token, { hosted_session_id: stolen });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ error_code: '1104', param: 'hosted_session_id' });
      expect(await sessionPayments(b.sessionId)).toEqual([]);
      // The id still pays the checkout it was issued for, once.
      const own = await collect(gw, a.token, { hosted_session_id: stolen });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ status: 'succeeded', amount: '12.50' });
    });

    it("reuse on another merchant's checkout is 403 1104", async () => {
      const a = await mintSession(gw, secret);
      const stolen = await cardSession(gw, a.token, APPROVED);
      const other = (
        await gw.services.merchants.create({ name: 'Other Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' })
      ).merchantSecret.reveal();
      const b = await mintSession(gw, other, { amount: '999.00' });
      const res = await collect(gw, b.token, { hosted_session_id: stolen });
      expect(res.status).toBe(403);
      expect(res.body.error.error_code).toBe('1104');
      expect(await sessionPayments(b.sessionId)).toEqual([]);
    });

    it('an id the gateway never issued is 403 1104', async () => {
      const a = await mintSession(gw, secret);
      const res = await collect(gw, a.token, { hosted_session_id: 'SESSION000200000000000000000001' });
      expect(res.status).toBe(403);
      expect(res.body.error.error_code).toBe('1104');
    });

    it('after a success the id pays nothing else: not another checkout, not at another amount', async () => {
      const a = await mintSession(gw, secret);
      const used = await cardSession(gw, a.token, APPROVED);
      expect((await collect(gw, a.token, { hosted_session_id: used })).status).toBe(200);
      for (const amount of ['100.00', '101.00', '102.00']) {
        const next = await mintSession(gw, secret, { amount });
        const res = await collect(gw, next.token, { hosted_session_id: used });
        expect(res.status).toBe(403);
        expect(res.body.error.error_code).toBe('1104');
        expect(await sessionPayments(next.sessionId)).toEqual([]);
      }
    });

    it('a decline spends the id: the retry with it is 409 1105, a new card session pays', async () => {
      const a = await mintSession(gw, secret);
      const declined = await cardSession(gw, a.token, DECLINED);
      expect((await collect(gw, a.token, { hosted_session_id: declined })).status).toBe(402);
      // The attacker refills the same hosted session with another card and retries.
      const again = await collect(gw, a.token, { hosted_session_id: declined });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ error_code: '1105', param: 'hosted_session_id' });
      expect((await sessionPayments(a.sessionId)).map((p) => p.status)).toEqual(['failed']);
      const paid = await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, APPROVED) });
      expect(paid.status).toBe(200);
    });

    it('concurrent collects with one id: exactly one charge', async () => {
      const a = await mintSession(gw, secret);
      const id = await cardSession(gw, a.token, APPROVED);
      const answers = await Promise.all([0, 1, 2, 3].map(() => collect(gw, a.token, { hosted_session_id: id })));
      expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
      for (const refused of answers.filter((r) => r.status !== 200)) {
        expect(refused.status).toBe(409);
        expect(['1005', '1105']).toContain(refused.body.error.error_code);
      }
      const rows = await sessionPayments(a.sessionId);
      expect(rows).toEqual([{ id: expect.any(String), status: 'succeeded' }]);
      expect(await networkPayments(gw.simulator!.url, rows[0]!.id)).toBe(1);
    });

    it('at most 10 card sessions per checkout session: the 11th is 429 1603', async () => {
      const a = await mintSession(gw, secret);
      for (let i = 0; i < 10; i++) expect((await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(a.token) })).status).toBe(201);
      const eleventh = await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(a.token) });
      expect(eleventh.status).toBe(429);
      expect(eleventh.body.error.error_code).toBe('1603');
      const rows = await gw.services.storage.db.selectFrom('card_sessions').selectAll().where('session_id', '=', a.sessionId).execute();
      expect(rows).toHaveLength(10);
      // Kept as a hash: the id itself (a credential) is not in the table.
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id_hash))).toBe(true);
    });
  });

  describe('time is up in every state', () => {
    it('an abandoned 3-D Secure challenge past the TTL: token refused, no PAY, the sweeper fails it and sends session.expired', async () => {
      const a = await mintSession(gw, secret, { ttl_seconds: 60 });
      const spare = await cardSession(gw, a.token, APPROVED);
      const challenged = await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, CHALLENGE) });
      expect(challenged.body.status).toBe('requires_action');
      gw.clock.advance(75_000);

      // Before the sweeper: the session is still `processing`, and no new attempt is taken.
      const late = await collect(gw, a.token, { hosted_session_id: spare });
      expect(late.status).toBe(401);
      expect(late.body.error.error_code).toBe('1004');
      const lateCard = await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(a.token) });
      expect(lateCard.body.error.error_code).toBe('1004');

      expect(await gw.services.payments.expireAbandoned()).toBe(1);
      expect((await http(`${gw.url}/v1/payments/${challenged.body.id}`, { headers: bearer(secret) })).body).toMatchObject({ status: 'failed' });
      expect((await http(`${gw.url}/v1/sessions/${a.sessionId}`, { headers: bearer(secret) })).body.status).toBe('expired');
      expect(await eventsFor('session.expired', a.sessionId)).toHaveLength(1);
      // The attempt failed, and with the session's time up the payment can no longer succeed: both are announced.
      expect(await eventsFor('payment_attempt.failed', a.sessionId)).toHaveLength(1);
      expect(await eventsFor('payment.failed', a.sessionId)).toHaveLength(1);
      expect((await http(`${gw.url}/v1/checkout`, { headers: sdk(a.token) })).body.error.error_code).toBe('1004');

      // The customer finishes the challenge after all: nothing is paid.
      const back = await completeChallenge(gw, challenged.body.next_action.html, 'Y');
      expect(back.headers.location).toMatch(/\/sorry\?/);
      expect(await networkPayments(gw.simulator!.url, challenged.body.id)).toBe(0);
      expect(await gw.services.payments.expireAbandoned()).toBe(0);
    });
  });

  describe('card testing locks the checkout session', () => {
    it('5 failed attempts lock it: the 6th is 403 1602, the token is refused, session.locked is sent', async () => {
      const a = await mintSession(gw, secret);
      for (let i = 0; i < 5; i++) {
        const res = await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, DECLINED) });
        expect(res.status).toBe(402);
      }
      const sixth = await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(a.token) });
      expect(sixth.status).toBe(403);
      expect(sixth.body.error.error_code).toBe('1602');
      for (const res of [
        await http(`${gw.url}/v1/checkout`, { headers: sdk(a.token) }),
        await collect(gw, a.token, { hosted_session_id: 'SESSION000200000000000000000001' }),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.error_code).toBe('1602');
      }
      const session = await http(`${gw.url}/v1/sessions/${a.sessionId}`, { headers: bearer(secret) });
      expect(session.body.status).toBe('locked');
      expect((await gw.services.sessions.history(a.sessionId)).at(-1)).toMatchObject({ from: 'processing', to: 'locked' });
      const locked = await eventsFor('session.locked', a.sessionId);
      expect(locked).toHaveLength(1);
      expect(JSON.parse(locked[0]!.payload).data.object).toMatchObject({ id: a.sessionId, status: 'locked' });
      expect(await sessionPayments(a.sessionId)).toHaveLength(5);
      // Five attempts failed; only the lock ended the payment: one payment.failed, carrying the fifth attempt.
      expect(await eventsFor('payment_attempt.failed', a.sessionId)).toHaveLength(5);
      const failed = await eventsFor('payment.failed', a.sessionId);
      expect(failed).toHaveLength(1);
      expect(JSON.parse(failed[0]!.payload).data.object.id).toBe(JSON.parse(locked[0]!.payload).data.object.payment_id);
    });

    it('4 declines and then a good card still pays', async () => {
      const a = await mintSession(gw, secret);
      for (let i = 0; i < 4; i++) expect((await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, DECLINED) })).status).toBe(402);
      expect((await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, APPROVED) })).status).toBe(200);
      // Four attempts failed, the payment did not: a merchant acting on payment.failed keeps this order.
      expect(await eventsFor('payment_attempt.failed', a.sessionId)).toHaveLength(4);
      expect(await eventsFor('payment.failed', a.sessionId)).toHaveLength(0);
    });
  });
});

describe.each(testDatabases())('the risk engine in the payment path ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, { gateway: { simulator: true } });
  const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };

  /** A merchant of its own per story: velocity and history are per merchant. */
  async function shop(rule?: { action: 'block' | 'request_3ds' | 'allow' | 'review'; predicate: string }) {
    const created = await fixture.gw.services.merchants.create({ name: 'Risky Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' });
    const ruleId = rule ? (await fixture.gw.services.risk.addRule(created.merchant.id, rule)).id : undefined;
    return { secret: created.merchantSecret.reveal(), ruleId, merchantId: created.merchant.id };
  }
  const paymentOf = async (gw: TestGateway, secret: string, sessionId: string) => {
    const session = await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) });
    return (await http(`${gw.url}/v1/payments/${session.body.payment_id}`, { headers: bearer(secret) })).body;
  };
  const webhookFor = async (gw: TestGateway, type: 'payment_attempt.failed' | 'payment.failed' | 'payment.succeeded', paymentId: string) =>
    (await gw.services.storage.db.selectFrom('webhook_events').select('payload').where('type', '=', type).execute())
      .map((e) => JSON.parse(e.payload).data.object)
      .find((p) => p.id === paymentId);

  it('every payment carries its screening: score, level, action, reasons — on the object and in payment.succeeded', async () => {
    const { gw } = fixture;
    const { secret } = await shop();
    const a = await mintSession(gw, secret);
    const res = await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, APPROVED) });
    expect(res.status).toBe(200);
    expect(res.body.risk).toMatchObject({ score: expect.any(Number), level: 'normal', action: 'allow', reasons: expect.any(Array) });
    expect((await webhookFor(gw, 'payment.succeeded', res.body.id)).risk).toEqual(res.body.risk);
    await gw.services.audit.flush();
    const audit = await gw.services.storage.db
      .selectFrom('audit_log')
      .select('warnings')
      .where('path', '=', '/v1/payments/collect')
      .where('status', '=', 200)
      .execute();
    const screened = audit.flatMap((r) => JSON.parse(r.warnings) as string[]).filter((w) => w.startsWith('risk '));
    expect(screened.map((w) => JSON.parse(w.slice('risk '.length)))).toContainEqual(res.body.risk);
  });

  it('a block rule: 403 1602, the payment failed with risk.action = block and the rule named, nothing charged', async () => {
    const { gw } = fixture;
    const { secret, ruleId } = await shop({ action: 'block', predicate: ':amount: > 100' });
    const a = await mintSession(gw, secret, { amount: '999.00' });
    const res = await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, APPROVED) });
    expect(res.status).toBe(403);
    expect(res.body.error.error_code).toBe('1602');
    const payment = await paymentOf(gw, secret, a.sessionId);
    expect(payment).toMatchObject({ status: 'failed', gateway_code: 'RISK_BLOCKED', risk: { action: 'block', rule_id: ruleId } });
    // The attempt failed; the session stays open for another card, so the payment has not failed (yet).
    expect((await webhookFor(gw, 'payment_attempt.failed', payment.id)).risk).toMatchObject({ action: 'block', rule_id: ruleId });
    expect(await webhookFor(gw, 'payment.failed', payment.id)).toBeUndefined();
    expect(await networkPayments(gw.simulator!.url, payment.id)).toBe(0);
    // Under the rule's amount the same shop is paid.
    const b = await mintSession(gw, secret, { amount: '12.50' });
    expect((await collect(gw, b.token, { hosted_session_id: await cardSession(gw, b.token, APPROVED) })).status).toBe(200);
  });

  it('request_3ds: a card that cannot authenticate is refused (1602, no PAY); one that authenticates pays', async () => {
    const { gw } = fixture;
    const { secret } = await shop({ action: 'request_3ds', predicate: ":currency: = 'usd'" });
    const a = await mintSession(gw, secret);
    const refused = await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, APPROVED) });
    expect(refused.status).toBe(403);
    expect(refused.body.error.error_code).toBe('1602');
    const payment = await paymentOf(gw, secret, a.sessionId);
    expect(payment).toMatchObject({ status: 'failed', gateway_code: 'RISK_3DS_REQUIRED', risk: { action: 'request_3ds' } });
    expect(await networkPayments(gw.simulator!.url, payment.id)).toBe(0);
    const paid = await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, FRICTIONLESS) });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({
      status: 'succeeded',
      three_d_secure: { authentication_status: 'AUTHENTICATION_SUCCESSFUL' },
      risk: { action: 'request_3ds' },
    });
  });

  it('card testing across sessions from one device: the velocity counters make the risk engine block', async () => {
    const { gw } = fixture;
    const { secret } = await shop();
    // Each attempt on a fresh checkout session (so the per-checkout lock never fires): only the counters connect them.
    const seen: Array<{ status: number; code?: string; action: string }> = [];
    let blocked: Record<string, unknown> | undefined;
    for (let i = 0; i < 15 && !blocked; i++) {
      const s = await mintSession(gw, secret);
      const res = await collect(gw, s.token, { hosted_session_id: await cardSession(gw, s.token, DECLINED) });
      const payment = await paymentOf(gw, secret, s.sessionId);
      seen.push({ status: res.status, code: res.body.error?.error_code, action: payment.risk.action });
      if (payment.risk.action === 'block') blocked = payment;
    }
    expect(seen[0]).toEqual({ status: 402, code: '1601', action: 'allow' });
    // Elevated first (3-D Secure required; this card cannot authenticate), then blocked: both are 403 1602.
    for (const refused of seen.filter((a) => a.action !== 'allow')) expect(refused).toMatchObject({ status: 403, code: '1602' });
    expect(blocked).toMatchObject({ status: 'failed', gateway_code: 'RISK_BLOCKED', risk: { action: 'block', level: 'highest' } });
    const codes = (blocked!.risk as { reasons: Array<{ code: string }> }).reasons.map((r) => r.code);
    expect(codes.some((c) => /device|ip|card/.test(c))).toBe(true);
    expect(await networkPayments(gw.simulator!.url, blocked!.id as string)).toBe(0);
  });

  it('every outcome feeds the velocity counters: a decline at collect, and a challenge refused at the issuer', async () => {
    const { gw } = fixture;
    const { secret, merchantId } = await shop();
    // The risk module's own table (migration 0010), read as the operator would.
    const declines = async () =>
      Number(
        (
          await sql<{ n: string | number }>`select count(*) as n from risk_velocity_events where merchant_id = ${merchantId} and declined = 1`.execute(
            gw.services.storage.db,
          )
        ).rows[0]!.n,
      );
    const a = await mintSession(gw, secret);
    expect((await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, DECLINED) })).status).toBe(402);
    const afterCollect = await declines();
    expect(afterCollect).toBeGreaterThan(0);
    const challenged = await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, CHALLENGE) });
    expect(challenged.body.status).toBe('requires_action');
    expect(await declines()).toBe(afterCollect);
    await completeChallenge(gw, challenged.body.next_action.html, 'N');
    expect(await declines()).toBeGreaterThan(afterCollect);
  });

  it('concurrent collects with the risk engine in the path: one charge', async () => {
    const { gw } = fixture;
    const { secret } = await shop();
    const a = await mintSession(gw, secret);
    const ids = await Promise.all([0, 1, 2].map(() => cardSession(gw, a.token, APPROVED)));
    const answers = await Promise.all(ids.map((id) => collect(gw, a.token, { hosted_session_id: id })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const rows = await gw.services.storage.db.selectFrom('payments').select(['id', 'status']).where('session_id', '=', a.sessionId).execute();
    expect(rows).toEqual([{ id: expect.any(String), status: 'succeeded' }]);
    expect(await networkPayments(gw.simulator!.url, rows[0]!.id)).toBe(1);
  });
});

describe.each(testDatabases())('card sessions per device and IP a minute ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true, env: { PDIRECT_CARD_SESSIONS_PER_MINUTE: '3' } },
    merchant: { fingerprintMode: 'off' },
  });

  it('the 4th card session in a minute from one device/IP, on any checkout, is 429 1603; a minute later it opens', async () => {
    const { gw, secret } = fixture;
    const opened = [];
    for (let i = 0; i < 3; i++)
      opened.push(await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk((await mintSession(gw, secret)).token, DEVICE_A) }));
    expect(opened.map((r) => r.status)).toEqual([201, 201, 201]);
    const fresh = await mintSession(gw, secret);
    // Another fingerprint from the same address does not escape the IP cap.
    const fourth = await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(fresh.token, DEVICE_B) });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.error_code).toBe('1603');
    expect(fourth.headers['retry-after']).toBe('60');
    gw.clock.advance(60_001);
    expect((await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(fresh.token, DEVICE_B) })).status).toBe(201);
  });
});

const postgres = testDatabases().find((f) => f.name === 'postgres');

// The lock and the single use are rows in the database, not memory: they hold across processes.
describe.runIf(postgres)('card-entry defence across two gateway processes on PostgreSQL', () => {
  const fixture = useTwoGatewayProcesses(postgres!);

  it('declines spread over both processes lock the session for both', async () => {
    const { gw, other, secret } = fixture;
    const { sessionId, token } = await mintSession(gw, secret);
    const both = [gw, { ...gw, url: other.url }];
    for (let i = 0; i < 5; i++) {
      const via = both[i % 2]!;
      expect((await collect(via, token, { hosted_session_id: await cardSession(via, token, DECLINED) })).status).toBe(402);
    }
    for (const via of both) {
      const res = await http(`${via.url}/v1/card/sessions`, { method: 'POST', headers: sdk(token) });
      expect(res.status).toBe(403);
      expect(res.body.error.error_code).toBe('1602');
    }
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('locked');
  });

  it('one card-session id collected through both processes at once: one charge', async () => {
    const { gw, other, sim } = fixture;
    // A shop of its own: the declines above made this address risky for the first one.
    const fresh = (
      await gw.services.merchants.create({ name: 'Second Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' })
    ).merchantSecret.reveal();
    const { sessionId, token } = await mintSession(gw, fresh);
    const id = await cardSession(gw, token, APPROVED);
    const answers = await Promise.all([collect(gw, token, { hosted_session_id: id }), collect({ ...gw, url: other.url }, token, { hosted_session_id: id })]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const rows = await gw.services.storage.db.selectFrom('payments').select(['id', 'status']).where('session_id', '=', sessionId).execute();
    expect(rows).toEqual([{ id: expect.any(String), status: 'succeeded' }]);
    expect(await networkPayments(sim.url, rows[0]!.id)).toBe(1);
  });
});
