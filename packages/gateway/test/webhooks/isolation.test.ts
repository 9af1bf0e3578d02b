import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliveryRepository } from '../../src/modules/webhooks/delivery-repository.js';
import { DEFAULT_BREAKER, DEFAULT_PER_ENDPOINT_CONCURRENCY, endpointOf } from '../../src/modules/webhooks/endpoints.js';
import { enqueueWebhookEvent } from '../../src/modules/webhooks/outbox.js';
import { openStorage } from '../../src/storage/database.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { freePort, startTestGateway, type TestGateway } from '../support/gateway.js';
import { retireOpenDeliveries } from '../support/webhooks.js';
import { DOWN_URL, startReceiver } from './receiver.js';

// One endpoint's trouble stays its own: fair claims per endpoint (the
// notify URL's origin), a per-endpoint cap, a circuit breaker for
// unreachable endpoints, and a worker woken by the commit rather than its poll.
describe.each(testDatabases())('webhook isolation ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let merchantId: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_WEBHOOK_WORKER: 'off', PDIRECT_WEBHOOK_TIMEOUT_SECONDS: '2' } });
    merchantId = (await gw.services.merchants.create({ name: 'Isolation Shop', redirectHosts: ['127.0.0.1'] })).merchant.id;
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await retireOpenDeliveries(gw.services.storage.db);
    await gw.services.storage.db.deleteFrom('webhook_endpoints').execute();
  });

  async function enqueue(url: string, count = 1): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 100) {
      await gw.services.storage.db.transaction().execute(async (trx) => {
        for (let j = i; j < Math.min(count, i + 100); j++) {
          ids.push(
            (
              await enqueueWebhookEvent(trx, {
                merchantId,
                type: 'payment.succeeded',
                notifyUrl: url,
                data: { object: { id: `pay_${j}` } },
                at: gw.clock.now(),
              })
            ).eventId,
          );
        }
      });
    }
    return ids;
  }

  const repository = () => new WebhookDeliveryRepository(gw.services.storage);

  it('a dead endpoint with a backlog of hundreds does not hold up the first attempt of a healthy endpoint', async () => {
    const dead = await enqueue(DOWN_URL, 300);
    gw.clock.advance(1);
    const [healthy] = await enqueue('http://127.0.0.1:9/hooks');
    const repo = repository();
    const now = gw.clock.now();
    const first = await repo.claimDue({ now, limit: 16, owner: 'w1', leaseUntil: now + 60_000 });
    // The healthy endpoint's event is in the very first claim, although 300 older ones wait before it.
    expect(first.map((d) => d.eventId)).toContain(healthy);
    // The dead endpoint gets no more than its cap, however many slots are free.
    expect(first.filter((d) => d.endpoint === endpointOf(DOWN_URL))).toHaveLength(DEFAULT_PER_ENDPOINT_CONCURRENCY);
    expect(first.filter((d) => dead.includes(d.eventId)).map((d) => d.eventId)).toEqual(dead.slice(0, DEFAULT_PER_ENDPOINT_CONCURRENCY));
    // While those are in flight (leased), another worker's claim takes nothing more from it.
    const second = await repo.claimDue({ now, limit: 16, owner: 'w2', leaseUntil: now + 60_000 });
    expect(second).toEqual([]);
    // A new event for a healthy endpoint is claimed at once.
    const [next] = await enqueue('http://127.0.0.1:9/hooks');
    const third = await repo.claimDue({ now, limit: 16, owner: 'w2', leaseUntil: now + 60_000 });
    expect(third.map((d) => d.eventId)).toEqual([next]);
  });

  it('every endpoint gets its oldest due delivery before any endpoint gets a second', async () => {
    const a = await enqueue('http://127.0.0.1:11/a', 5);
    const b = await enqueue('http://127.0.0.1:12/b', 5);
    const c = await enqueue('http://127.0.0.1:13/c', 5);
    const now = gw.clock.now();
    const claimed = await repository().claimDue({ now, limit: 6, owner: 'w', leaseUntil: now + 60_000 });
    expect(new Set(claimed.map((d) => d.eventId))).toEqual(new Set([a[0], a[1], b[0], b[1], c[0], c[1]]));
  });

  it('the worker attempts a healthy endpoint while a hanging endpoint holds its slots', async () => {
    const hanging = await startReceiver(() => ({ status: 200, delayMs: 1500 }));
    const healthy = await startReceiver();
    cleanups.push(
      () => hanging.close(),
      () => healthy.close(),
    );
    await enqueue(hanging.url, 12);
    const [fresh] = await enqueue(healthy.url);
    const worker = gw.services.webhooks.worker;
    const run = worker.runDue();
    await healthy.waitFor(1);
    // The healthy receiver was served while the hanging one had answered nothing yet.
    expect(healthy.receipts.map((r) => r.id)).toEqual([fresh]);
    expect(hanging.receipts.length).toBeLessThanOrEqual(DEFAULT_PER_ENDPOINT_CONCURRENCY);
    await run;
  }, 60_000);

  it('the breaker opens after consecutive unreachable attempts, keeps the backlog, probes once, and closes', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks`;
    const endpoint = endpointOf(url);
    const worker = gw.services.webhooks.worker;
    const health = async () => (await gw.services.webhooks.endpointHealth()).find((h) => h.endpoint === endpoint);

    await enqueue(url, DEFAULT_BREAKER.failureThreshold);
    expect(await worker.runDue()).toBe(DEFAULT_BREAKER.failureThreshold);
    const opened = await health();
    expect(opened).toMatchObject({
      consecutiveFailures: DEFAULT_BREAKER.failureThreshold,
      lastError: 'connection_refused',
      pausedUntil: gw.clock.now() + DEFAULT_BREAKER.pauseMs,
    });
    expect(opened!.failingSince).not.toBeNull();

    // Open: a backlog builds up and is kept, nothing is attempted (not even what is due by the retry schedule).
    const backlog = await enqueue(url, 20);
    gw.clock.advance(6_000);
    expect(await worker.runDue()).toBe(0);
    expect((await health())!.backlog).toBe(DEFAULT_BREAKER.failureThreshold + 20);
    const untouched = await gw.services.webhooks.describeEvent(backlog[0]!);
    expect(untouched.attempts).toEqual([]);

    // Half-open: one probe; it fails, and the pause doubles.
    gw.clock.advance(DEFAULT_BREAKER.pauseMs);
    expect(await worker.runDue()).toBe(1);
    expect((await health())!.pausedUntil).toBe(gw.clock.now() + 2 * DEFAULT_BREAKER.pauseMs);
    gw.clock.advance(DEFAULT_BREAKER.pauseMs);
    expect(await worker.runDue()).toBe(0);

    // The endpoint comes back: the next probe succeeds, the breaker closes, the backlog drains.
    const server = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    gw.clock.advance(DEFAULT_BREAKER.pauseMs);
    expect(await worker.runDue()).toBe(DEFAULT_BREAKER.failureThreshold + 20);
    expect(await health()).toBeUndefined();
    const drained = await gw.services.webhooks.describeEvent(backlog.at(-1)!);
    expect(drained.deliveries).toEqual([expect.objectContaining({ state: 'succeeded', attempts: 1 })]);
  }, 60_000);

  it('the worker is woken by the commit, not its poll', async () => {
    const other = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_WEBHOOK_WORKER: 'on', PDIRECT_WEBHOOK_POLL_MS: '60000' } });
    cleanups.push(() => other.close());
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    // Let the worker finish its first round and go to sleep for a minute.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A separate connection commits the event, as another process would (on SQLite: the same process).
    const writer = openStorage(db.url);
    cleanups.push(() => writer.close());
    const { eventId } = await writer.db
      .transaction()
      .execute((trx) =>
        enqueueWebhookEvent(trx, { merchantId, type: 'payment.succeeded', notifyUrl: rx.url, data: { object: { id: 'pay_w' } }, at: other.clock.now() }),
      );
    // Well before the 60 s poll would find it (the test's own timeout is 20 s).
    await rx.waitFor(1);
    expect(rx.receipts[0]!.id).toBe(eventId);
  }, 20_000);

  it.runIf(factory.name === 'postgres')(
    'concurrent claims by several workers never hand out a delivery twice',
    async () => {
      const ids = await enqueue('http://127.0.0.1:9/x', 40);
      for (let i = 0; i < 10; i++) await enqueue(`http://127.0.0.1:${20 + i}/x`, 8);
      const storages = [0, 1, 2].map(() => openStorage(db.url));
      cleanups.push(async () => void (await Promise.all(storages.map((s) => s.close()))));
      const repos = storages.map((s) => new WebhookDeliveryRepository(s, { perEndpointConcurrency: 100, breaker: DEFAULT_BREAKER }));
      const seen: number[] = [];
      const now = gw.clock.now();
      for (let round = 0; round < 40 && seen.length < ids.length + 80; round++) {
        const claims = await Promise.all(repos.map((r, i) => r.claimDue({ now, limit: 7, owner: `w${i}`, leaseUntil: now + 60_000 })));
        for (const c of claims) seen.push(...c.map((d) => d.deliveryId));
      }
      expect(seen.length).toBe(ids.length + 80);
      expect(new Set(seen).size).toBe(seen.length);
    },
    60_000,
  );
});
