import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AttemptRecord, type ClaimedDelivery, WebhookDeliveryRepository } from '../../src/modules/webhooks/delivery-repository.js';
import { DEFAULT_BREAKER, DEFAULT_PER_ENDPOINT_CONCURRENCY } from '../../src/modules/webhooks/endpoints.js';
import { enqueueWebhookEvent } from '../../src/modules/webhooks/outbox.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { retireOpenDeliveries } from '../support/webhooks.js';

// The worker's group commit records several finished attempts in one
// transaction with set-based statements (delivery-batch.ts). What each
// attempt gets must be what recording it alone would have given.
describe.each(testDatabases())('recording a batch of attempts ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let merchantId: string;
  const A = 'http://127.0.0.1:4101/a';
  const B = 'http://127.0.0.1:4102/b';

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_WEBHOOK_WORKER: 'off' } });
    merchantId = (await gw.services.merchants.create({ name: 'Batch Shop', redirectHosts: ['127.0.0.1'] })).merchant.id;
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });
  afterEach(async () => {
    await retireOpenDeliveries(gw.services.storage.db);
    await gw.services.storage.db.deleteFrom('webhook_endpoints').execute();
  });

  async function enqueue(url: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      // One by one, a millisecond apart: "oldest first" is then the order of enqueueing.
      gw.clock.advance(1);
      const at = gw.clock.now();
      ids.push(
        await gw.services.storage.db
          .transaction()
          .execute(
            async (trx) =>
              (await enqueueWebhookEvent(trx, { merchantId, type: 'payment.succeeded', notifyUrl: url, data: { object: { id: `pay_${i}` } }, at })).eventId,
          ),
      );
    }
    return ids;
  }

  /** The attempt `d` came to, as the worker would record it. */
  function attempt(d: ClaimedDelivery, outcome: Partial<AttemptRecord> = {}): AttemptRecord {
    const now = gw.clock.now();
    return {
      endpoint: d.endpoint,
      endpointUnwell: d.endpointUnwell,
      endpointFailed: false,
      deliveryId: d.deliveryId,
      eventId: d.eventId,
      attemptNumber: d.attemptCount + 1,
      workerId: 'w1',
      startedAt: now,
      durationMs: 3,
      outcome: 'succeeded',
      responseStatus: 204,
      error: null,
      responseBody: 'ok',
      nextState: 'succeeded',
      nextAttemptAt: null,
      finishedAt: now,
      ...outcome,
    };
  }

  const next = () => ({ owner: 'w1', now: gw.clock.now(), leaseUntil: gw.clock.now() + 60_000 });

  /** Worker w1 claims up to `limit` due deliveries; `of(eventId)` finds one of them. */
  async function claim(limit: number) {
    const repo = new WebhookDeliveryRepository(gw.services.storage);
    const now = gw.clock.now();
    const claimed = await repo.claimDue({ now, limit, owner: 'w1', leaseUntil: now + 60_000 });
    return { repo, now, claimed, of: (id: string) => claimed.find((d) => d.eventId === id)! };
  }

  it('writes every attempt, moves only the deliveries still held, and leases each answering endpoint as many next deliveries as asked, oldest first', async () => {
    const a = await enqueue(A, 6);
    const b = await enqueue(B, 3);
    const { repo, now, claimed, of } = await claim(4);
    expect(claimed.map((d) => d.eventId).sort()).toEqual([a[0], a[1], b[0], b[1]].sort());

    const results = await repo.recordAttemptsAndClaimNext([
      // Given out of order: the results come back in this order all the same.
      { attempt: attempt(of(b[1]!), { workerId: 'w-lost' }), next: next() }, // its lease went to another worker meanwhile
      { attempt: attempt(of(a[1]!), { outcome: 'failed', responseStatus: 500, nextState: 'pending', nextAttemptAt: now + 5_000 }), next: next() },
      {
        attempt: attempt(of(b[0]!), {
          outcome: 'failed',
          responseStatus: null,
          error: 'timeout',
          endpointFailed: true,
          nextState: 'pending',
          nextAttemptAt: now + 5_000,
        }),
        next: next(), // no answer: no next delivery
      },
      { attempt: attempt(of(a[0]!)), next: next() },
    ]);
    expect(results.map((r) => [r.held, r.next?.eventId])).toEqual([
      [false, b[2]],
      [true, a[3]],
      [true, undefined],
      [true, a[2]],
    ]);
    expect(results[1]!.next).toMatchObject({ merchantId, notifyUrl: A, attemptCount: 0, endpoint: 'http://127.0.0.1:4101', endpointUnwell: false });
    expect(JSON.parse(results[1]!.next!.payload).id).toBe(a[3]);

    const state = async (id: string) => (await repo.deliveriesOf(id)).map((d) => [d.state, d.attempt_count, d.lease_owner]);
    expect(await state(a[0]!)).toEqual([['succeeded', 1, null]]);
    expect(await state(a[1]!)).toEqual([['pending', 1, null]]);
    expect(await state(b[0]!)).toEqual([['pending', 1, null]]);
    expect(await state(b[1]!)).toEqual([['delivering', 0, 'w1']]); // not moved by a worker that lost the lease
    for (const id of [a[2]!, a[3]!, b[2]!]) expect(await state(id)).toEqual([['delivering', 0, 'w1']]);
    for (const id of [a[4]!, a[5]!]) expect(await state(id)).toEqual([['pending', 0, null]]);
    expect((await repo.attemptsOf(b[1]!)).map((r) => [r.worker_id, r.outcome, r.response_status, r.response_body])).toEqual([
      ['w-lost', 'succeeded', 204, 'ok'],
    ]);
    expect((await repo.attemptsOf(b[0]!)).map((r) => [r.outcome, r.error, r.response_status, r.next_attempt_at])).toEqual([
      ['failed', 'timeout', null, now + 5_000],
    ]);
    expect((await repo.endpointHealth()).find((h) => h.endpoint === 'http://127.0.0.1:4102')).toMatchObject({ consecutiveFailures: 1 });
  });

  it('the same with nothing for the breaker to write (on PostgreSQL, one statement): several endpoints, a lost lease, a retry', async () => {
    const a = await enqueue(A, 5);
    const b = await enqueue(B, 3);
    const { repo, now, claimed, of } = await claim(5);
    expect(claimed.map((d) => d.eventId).sort()).toEqual([a[0], a[1], a[2], b[0], b[1]].sort());
    const results = await repo.recordAttemptsAndClaimNext([
      { attempt: attempt(of(a[2]!)), next: next() },
      { attempt: attempt(of(b[0]!), { workerId: 'w-lost' }), next: next() },
      { attempt: attempt(of(a[0]!), { outcome: 'failed', responseStatus: 503, nextState: 'pending', nextAttemptAt: now + 5_000 }), next: next() },
      { attempt: attempt(of(b[1]!)) }, // asks for nothing next
      { attempt: attempt(of(a[1]!)), next: next() },
    ]);
    // A's three answered attempts ask for three; only two are left. B's one asks for one.
    expect(results.map((r) => [r.held, r.next?.eventId])).toEqual([
      [true, undefined],
      [false, b[2]],
      [true, a[3]],
      [true, undefined],
      [true, a[4]],
    ]);
    const state = async (id: string) => (await repo.deliveriesOf(id)).map((d) => [d.state, d.attempt_count, d.lease_owner, d.next_attempt_at]);
    expect(await state(a[0]!)).toEqual([['pending', 1, null, now + 5_000]]);
    expect(await state(a[1]!)).toEqual([['succeeded', 1, null, null]]);
    expect(await state(b[0]!)).toEqual([['delivering', 0, 'w1', expect.any(Number)]]);
    expect(await state(b[1]!)).toEqual([['succeeded', 1, null, null]]);
    for (const id of [...a, ...b]) expect(await repo.attemptsOf(id)).toHaveLength([a[3], a[4], b[2]].includes(id) ? 0 : 1);
    expect((await repo.attemptsOf(b[0]!))[0]).toMatchObject({ worker_id: 'w-lost', attempt_number: 1, outcome: 'succeeded', duration_ms: 3 });
    expect((await repo.attemptsOf(a[0]!))[0]).toMatchObject({ outcome: 'failed', response_status: 503, next_attempt_at: now + 5_000 });
  });

  it("the next deliveries are leased once the batch's failures are counted: a breaker it opens leases nothing", async () => {
    const a = await enqueue(A, 4);
    const repo = new WebhookDeliveryRepository(gw.services.storage, {
      perEndpointConcurrency: DEFAULT_PER_ENDPOINT_CONCURRENCY,
      breaker: { ...DEFAULT_BREAKER, failureThreshold: 1 },
    });
    const now = gw.clock.now();
    const [first, second] = await repo.claimDue({ now, limit: 2, owner: 'w1', leaseUntil: now + 60_000 });
    const results = await repo.recordAttemptsAndClaimNext([
      { attempt: attempt(first!, { endpointUnwell: false }), next: next() },
      {
        attempt: attempt(second!, {
          outcome: 'failed',
          responseStatus: null,
          error: 'timeout',
          endpointFailed: true,
          nextState: 'pending',
          nextAttemptAt: now + 5_000,
        }),
        next: next(),
      },
    ]);
    expect(results.map((r) => [r.held, r.next])).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
    expect((await repo.endpointHealth()).find((h) => h.endpoint === 'http://127.0.0.1:4101')!.pausedUntil).toBeGreaterThan(now);
    for (const id of a.slice(2)) expect((await repo.deliveriesOf(id))[0]!.state).toBe('pending');
  });
});
