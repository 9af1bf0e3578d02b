import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '@pdirect/mpgs-simulator';
import { ManualClock } from '../../src/clock.js';
import type { MoneyAlert } from '../../src/modules/payments/payment-deps.js';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { insertProcessingPayment } from '../support/payments.js';

// F1: a collect that runs long must never be concluded "not charged" by the
// reconciler (this process's or another's) while it may still be in flight.
// The network is slow for real (the simulator's delay fault); the clock the
// reconciler reads is injected and jumps ahead of it.

const PLAIN_APPROVED = { number: '5111111111111118', expiry: '01/39' };
const PAY_DELAY_MS = 1_500;

type Order = { totalCapturedAmount?: number; transaction?: Array<{ transaction: { type: string } }> };

async function orderAt(sim: RunningSimulator, orderId: string): Promise<Order | null> {
  const res = await fetch(`${sim.url}/api/rest/version/100/merchant/TESTPDIRECT/order/${orderId}`, {
    headers: { authorization: `Basic ${Buffer.from('merchant.TESTPDIRECT:sandbox').toString('base64')}` },
  });
  return res.status === 404 ? null : ((await res.json()) as Order);
}
const typesOf = (o: Order | null) =>
  (o?.transaction ?? [])
    .map((t) => t.transaction.type)
    .filter((t) => t !== 'AUTHENTICATION')
    .sort();

/** Starts a collect whose PAY the simulator holds for PAY_DELAY_MS, and waits until PAY has reached it. */
async function slowCollect(gw: TestGateway, sim: RunningSimulator, secret: string) {
  const { token, sessionId } = await mintSession(gw, secret);
  const hosted = await cardSession(gw, token, PLAIN_APPROVED);
  sim.faults.add({ kind: 'delay', delayMs: PAY_DELAY_MS, apiOperation: 'PAY' });
  const answer = collect(gw, token, { hosted_session_id: hosted });
  await vi.waitFor(() => expect(sim.faults.list()).toEqual([]), { timeout: 10_000, interval: 10 });
  const row = await gw.services.storage.db.selectFrom('payments').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow();
  return { answer, sessionId, paymentId: row.id };
}

/** Waits until the live collect's heartbeat has renewed its lease past `clock.now()`. */
async function leaseRenewed(gw: TestGateway, paymentId: string) {
  await vi.waitFor(
    async () => {
      const row = await gw.services.storage.db.selectFrom('payments').select('lease_expires_at').where('id', '=', paymentId).executeTakeFirstOrThrow();
      expect(Number(row.lease_expires_at)).toBeGreaterThan(gw.clock.now());
    },
    { timeout: 5_000, interval: 5 },
  );
}

describe.each(testDatabases())('a slow collect and the reconciler ($name)', (factory) => {
  const alerts: MoneyAlert[] = [];
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true, payments: { leaseRenewMs: 20, onAlert: (a) => alerts.push(a) } },
    merchant: { name: 'Slow Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' },
  });

  it('the reconciler runs during a slow PAY: the payment is not failed, the session not reopened, one charge', async () => {
    const { gw, secret } = fixture;
    const sim = gw.simulator!;
    const { answer, sessionId, paymentId } = await slowCollect(gw, sim, secret);

    // Long past "stale processing" (120 s) but inside the attempt's deadline: "not found" means "not yet".
    gw.clock.advance(121_000);
    await gw.services.payments.reconcileDue();
    const payment = await http(`${gw.url}/v1/payments/${paymentId}`, { headers: bearer(secret) });
    expect(payment.body.status).toBe('processing');
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('processing');

    // Past the deadline too: the live process's lease still holds it.
    gw.clock.advance(3_600_000);
    await leaseRenewed(gw, paymentId);
    expect(await gw.services.payments.reconcile()).toEqual([]);
    expect((await http(`${gw.url}/v1/payments/${paymentId}`, { headers: bearer(secret) })).body.status).toBe('processing');

    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('succeeded');
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('paid');
    expect(typesOf(await orderAt(sim, paymentId))).toEqual(['PAYMENT']);
    const history = await http(`${gw.url}/v1/payments/${paymentId}`, { headers: bearer(secret) });
    expect(history.body.history.map((h: { to: string }) => h.to)).toEqual(['processing', 'succeeded']);
  });

  it('a process gone mid-attempt: not failed before its deadline, failed (NOT_RECEIVED) after it', async () => {
    const { gw, secret } = fixture;
    const { sessionId } = await mintSession(gw, secret);
    const id = `pay_${'e'.repeat(20)}`;
    const now = gw.clock.now();
    const deadline = now + 2 * gw.services.network!.worstCase.callMs + gw.services.network!.worstCase.settleMs;
    // As a kill -9 leaves it: lease no longer renewed, deadline from the connector's worst case.
    const hostedSessionId = 'SESSION0000000000000000000000';
    await insertProcessingPayment(gw, { id, sessionId, hostedSessionId, at: now, leaseExpiresAt: now + 30_000, attemptDeadlineAt: deadline });

    // The worst case is computed from the connector's timeouts × attempts (20 s × 3, three settle rounds).
    expect(gw.services.network!.worstCase.callMs).toBeGreaterThanOrEqual(60_000);
    expect(gw.services.network!.worstCase.settleMs).toBeGreaterThanOrEqual(3 * (20_000 + 60_000));

    gw.clock.advance(121_000);
    const early = await gw.services.payments.reconcile();
    expect(early).toEqual([expect.objectContaining({ id, result: 'waiting' })]);
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('processing');

    gw.clock.set(deadline + 60_001);
    const late = await gw.services.payments.reconcile();
    expect(late).toEqual([expect.objectContaining({ id, result: 'failed' })]);
    expect((await http(`${gw.url}/v1/payments/${id}`, { headers: bearer(secret) })).body).toMatchObject({ status: 'failed', gateway_code: 'NOT_RECEIVED' });
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('open');
  });

  it('a charge that lands on a payment already failed is voided, noted and alerted: never two charges', async () => {
    const { gw, secret } = fixture;
    const sim = gw.simulator!;
    alerts.length = 0;
    const { answer, sessionId, paymentId } = await slowCollect(gw, sim, secret);
    // Something failed the attempt while PAY was on its way (a reconciler with a wrong clock, an operator).
    await gw.services.storage.db.transaction().execute(async (trx) => {
      await trx.updateTable('payments').set({ status: 'failed', gateway_code: 'NOT_RECEIVED' }).where('id', '=', paymentId).execute();
      await trx.updateTable('checkout_sessions').set({ status: 'open', current_payment_id: null }).where('id', '=', sessionId).execute();
    });
    const res = await answer;
    expect(res.body.status ?? res.body.error?.error_code).not.toBe('succeeded');
    expect(typesOf(await orderAt(sim, paymentId))).toEqual(['PAYMENT', 'VOID_PAYMENT']);
    expect(alerts).toEqual([{ kind: 'late_charge', paymentId, sessionId, merchantId: fixture.merchantId, action: 'voided' }]);
    expect(gw.logs()).toMatch(/"level":50[^\n]*"alert":"late_charge"/);
    const history = await gw.services.payments.transitionsOf(paymentId);
    expect(history.at(-1)).toMatchObject({ from: 'failed', to: 'failed', cause: 'late charge on a failed payment: voided' });
  });
});

const postgres = testDatabases().find((f) => f.name === 'postgres');

// Two gateways on one PostgreSQL database, each with its own pool: A's
// collect is slow, B's reconciler runs meanwhile (their clocks agree, as NTP
// keeps them). Only the lease and the deadline in the database stop B.
describe.runIf(postgres)('a slow collect on one gateway, the reconciler on another (postgres)', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let a: TestGateway;
  let b: TestGateway;
  let secret: string;

  beforeAll(async () => {
    db = await postgres!.create();
    sim = await startSimulator({ merchants: { TESTPDIRECT: 'sandbox' } });
    const clock = new ManualClock(Date.now());
    a = await startTestGateway({ databaseUrl: db.url, simulator: sim, clock, payments: { leaseRenewMs: 20 } });
    b = await startTestGateway({ databaseUrl: db.url, simulator: sim, clock });
    secret = (
      await a.services.merchants.create({ name: 'Two Gateways', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' })
    ).merchantSecret.reveal();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await sim?.close();
    await db?.drop();
  });

  it("B never fails A's in-flight payment; one charge, paid", async () => {
    const { answer, sessionId, paymentId } = await slowCollect(a, sim, secret);
    a.clock.advance(121_000);
    await b.services.payments.reconcileDue();
    expect((await http(`${a.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('processing');
    a.clock.advance(3_600_000);
    await leaseRenewed(a, paymentId);
    await b.services.payments.reconcileDue();
    expect((await http(`${b.url}/v1/payments/${paymentId}`, { headers: bearer(secret) })).body.status).toBe('processing');

    expect((await answer).body.status).toBe('succeeded');
    expect((await http(`${b.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('paid');
    expect(typesOf(await orderAt(sim, paymentId))).toEqual(['PAYMENT']);
  });
});
