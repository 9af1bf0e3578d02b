import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createReplayGuard, verifyWebhook, WebhookVerificationError } from '../../../sdk-node/src/index.js';
import { enqueueWebhookEvent, type WebhookEventType } from '../../src/modules/webhooks/outbox.js';
import { ManualClock } from '../../src/clock.js';
import { RESPONSE_BODY_LIMIT } from '../../src/modules/webhooks/sender.js';
import type { EventView } from '../../src/modules/webhooks/event-views.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { retireOpenDeliveries } from '../support/webhooks.js';
import { DOWN_URL, type Receiver, startReceiver } from './receiver.js';

// The default Standard Webhooks schedule, and the most any jittered (±10 %) delay can be.
const SCHEDULE = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
const atMost = (ms: number) => Math.ceil(ms * 1.1) + 1;
const atLeast = (ms: number) => Math.floor(ms * 0.9) - 1;

describe.each(testDatabases())('webhook delivery ($name)', (factory) => {
  // One database and one gateway for the file (the worker driven only by
  // runDue() and the manual clock), a merchant per test; a test that needs a
  // gateway of its own starts one on the same database.
  let db: TestDatabase;
  let shared: TestGateway;
  const cleanups: Array<() => Promise<void>> = [];
  const ENV = { PDIRECT_WEBHOOK_WORKER: 'off', PDIRECT_WEBHOOK_TIMEOUT_SECONDS: '2' };

  beforeAll(async () => {
    db = await factory.create();
    shared = await startTestGateway({ databaseUrl: db.url, env: ENV });
  });
  afterAll(async () => {
    await shared?.close();
    await db?.drop();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    // Whatever a test left scheduled must not show up in the next one's runDue().
    await retireOpenDeliveries(shared.services.storage.db);
  });

  interface Harness {
    gw: TestGateway;
    merchantId: string;
    secret: string;
    enqueue(url: string, type?: WebhookEventType, data?: Record<string, unknown>): Promise<string>;
    event(id: string): Promise<EventView>;
    /** The SDK's verdict, on the gateway's clock. */
    verify(receipt: { body: string; headers: Record<string, string> }, secret?: string | string[]): ReturnType<typeof verifyWebhook>;
  }

  /** Another gateway process on the same database; closing it twice is harmless. */
  async function gateway(options: { clock?: ManualClock; env?: Record<string, string> } = {}): Promise<TestGateway> {
    const gw = await startTestGateway({ databaseUrl: db.url, clock: options.clock, env: { ...ENV, ...options.env } });
    let closed: Promise<void> | undefined;
    const close = gw.close;
    gw.close = () => (closed ??= close());
    cleanups.push(() => gw.close());
    return gw;
  }

  /** A new merchant (or `merchant`) on `gw`, with helpers. */
  async function harness(gw: TestGateway = shared, merchant?: { merchantId: string; secret: string }): Promise<Harness> {
    if (!merchant) {
      const created = await gw.services.merchants.create({ name: 'Hook Shop', redirectHosts: ['127.0.0.1'] });
      merchant = { merchantId: created.merchant.id, secret: created.webhookSecret.reveal() };
    }
    const { merchantId, secret } = merchant;
    return {
      gw,
      merchantId,
      secret,
      enqueue: async (url, type = 'payment.succeeded', data = { object: { id: 'pay_x', status: 'succeeded', amount: '12.50' } }) =>
        (await gw.services.storage.db.transaction().execute((trx) => enqueueWebhookEvent(trx, { merchantId, type, notifyUrl: url, data, at: gw.clock.now() })))
          .eventId,
      event: (id) => gw.services.webhooks.describeEvent(id),
      verify: (receipt, s = secret) => verifyWebhook(receipt.body, receipt.headers, s, { now: () => gw.clock.now() }),
    };
  }

  async function receiver(reply?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
    const r = await startReceiver(reply);
    cleanups.push(() => r.close());
    return r;
  }

  it('delivers at once, signed per Standard Webhooks, with the outbox payload', async () => {
    const h = await harness();
    const rx = await receiver();
    const eventId = await h.enqueue(rx.url, 'payment.succeeded', { object: { id: 'pay_1', status: 'succeeded' } });
    expect(eventId).toMatch(/^evt_[a-z2-7]{20}$/);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(1);
    expect(rx.receipts).toHaveLength(1);
    const [receipt] = rx.receipts;
    expect(receipt!.id).toBe(eventId);
    expect(receipt!.headers['content-type']).toBe('application/json');
    expect(Number(receipt!.timestamp)).toBe(Math.floor(h.gw.clock.now() / 1000));
    expect(JSON.parse(receipt!.body)).toEqual({
      id: eventId,
      type: 'payment.succeeded',
      timestamp: new Date(h.gw.clock.now()).toISOString(),
      data: { object: { id: 'pay_1', status: 'succeeded' } },
    });
    expect(h.verify(receipt!)).toEqual(JSON.parse(receipt!.body));
    const view = await h.event(eventId);
    expect(view.deliveries).toEqual([expect.objectContaining({ state: 'succeeded', attempts: 1, next_attempt_at: null })]);
    expect(view.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'succeeded', response_status: 200, error: null, next_attempt_at: null })]);
    // Nothing more to do, now or later.
    h.gw.clock.advance(48 * 3_600_000);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(0);
  });

  it('the outbox row commits with the state change, or not at all', async () => {
    const h = await harness();
    const rx = await receiver();
    await expect(
      h.gw.services.storage.db.transaction().execute(async (trx) => {
        await enqueueWebhookEvent(trx, { merchantId: h.merchantId, type: 'payment.failed', notifyUrl: rx.url, data: {}, at: h.gw.clock.now() });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(0);
    expect(rx.receipts).toHaveLength(0);
  });

  it('a receiver that fails N times then succeeds: exactly one success and N stored failed attempts', async () => {
    const h = await harness();
    const N = 4;
    const rx = await receiver((r) => (r.nth <= N ? { status: 500, body: `oops ${r.nth}` } : { status: 204 }));
    const eventId = await h.enqueue(rx.url);
    const worker = h.gw.services.webhooks.worker;
    expect(await worker.runDue()).toBe(1);
    for (let retry = 1; retry <= N; retry++) {
      h.gw.clock.advance(atLeast(SCHEDULE[retry - 1]!));
      expect(await worker.runDue(), `retry ${retry} is not due before its time`).toBe(0);
      h.gw.clock.advance(atMost(SCHEDULE[retry - 1]!) - atLeast(SCHEDULE[retry - 1]!));
      expect(await worker.runDue()).toBe(1);
    }
    h.gw.clock.advance(48 * 3_600_000);
    expect(await worker.runDue()).toBe(0);

    const view = await h.event(eventId);
    expect(view.attempts.map((a) => [a.attempt, a.outcome, a.response_status])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'failed', 500],
      [4, 'failed', 500],
      [5, 'succeeded', 204],
    ]);
    expect(view.attempts[0]!.response_body).toBe('oops 1');
    expect(view.attempts.slice(0, N).every((a) => a.next_attempt_at !== null)).toBe(true);
    expect(view.deliveries).toEqual([expect.objectContaining({ state: 'succeeded', attempts: 5 })]);
    // Every attempt carries the same id, a fresh timestamp and a valid signature.
    expect(rx.forId(eventId)).toHaveLength(N + 1);
    expect(new Set(rx.receipts.map((r) => r.timestamp)).size).toBe(N + 1);
  });

  it('a receiver down for the whole schedule: eight attempts over about a day, then dead', async () => {
    const h = await harness();
    const eventId = await h.enqueue(DOWN_URL);
    const worker = h.gw.services.webhooks.worker;
    const start = h.gw.clock.now();
    expect(await worker.runDue()).toBe(1);
    for (const delay of SCHEDULE) {
      h.gw.clock.advance(atMost(delay));
      expect(await worker.runDue()).toBe(1);
    }
    h.gw.clock.advance(7 * 86_400_000);
    expect(await worker.runDue()).toBe(0);
    const view = await h.event(eventId);
    expect(view.attempts).toHaveLength(8);
    expect(view.attempts.every((a) => a.outcome === 'failed' && a.error === 'connection_refused' && a.response_status === null)).toBe(true);
    expect(view.attempts.at(-1)!.next_attempt_at).toBeNull();
    expect(view.deliveries).toEqual([expect.objectContaining({ state: 'dead', attempts: 8, next_attempt_at: null })]);
    const span = Date.parse(view.attempts.at(-1)!.started_at) - start;
    expect(span).toBeGreaterThan(0.9 * SCHEDULE.reduce((a, b) => a + b));
    expect(span).toBeGreaterThan(86_400_000);
  });

  it('410 Gone stops at once: dead, no more retries', async () => {
    const h = await harness();
    const rx = await receiver(() => ({ status: 410 }));
    const eventId = await h.enqueue(rx.url);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(1);
    h.gw.clock.advance(3 * 86_400_000);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(0);
    const view = await h.event(eventId);
    expect(view.deliveries[0]).toMatchObject({ state: 'dead', attempts: 1, next_attempt_at: null });
    expect(view.attempts).toEqual([expect.objectContaining({ outcome: 'failed', response_status: 410, next_attempt_at: null })]);
    expect(rx.receipts).toHaveLength(1);
  });

  it('honours Retry-After, in seconds or as an HTTP date, when it asks for longer than the schedule', async () => {
    const h = await harness();
    const worker = h.gw.services.webhooks.worker;
    const rx = await receiver((r) => {
      if (r.nth === 1) return { status: 503, headers: { 'retry-after': '3600' } };
      if (r.nth === 2) return { status: 429, headers: { 'retry-after': new Date(h.gw.clock.now() + 7_200_000).toUTCString() } };
      return { status: 200 };
    });
    const eventId = await h.enqueue(rx.url);
    expect(await worker.runDue()).toBe(1);
    h.gw.clock.advance(atMost(SCHEDULE[0]!));
    expect(await worker.runDue(), 'the 5 s retry waits for Retry-After: 3600').toBe(0);
    h.gw.clock.advance(3_600_000 - atMost(SCHEDULE[0]!) - 1);
    expect(await worker.runDue()).toBe(0);
    h.gw.clock.advance(1);
    expect(await worker.runDue()).toBe(1);
    h.gw.clock.advance(atMost(SCHEDULE[1]!));
    expect(await worker.runDue(), 'the 5 min retry waits for the Retry-After date').toBe(0);
    h.gw.clock.advance(7_200_000 - atMost(SCHEDULE[1]!));
    expect(await worker.runDue()).toBe(1);
    const view = await h.event(eventId);
    expect(view.attempts.map((a) => a.response_status)).toEqual([503, 429, 200]);
    expect(Date.parse(view.attempts[0]!.next_attempt_at!) - Date.parse(view.attempts[0]!.started_at)).toBe(3_600_000);
  });

  it('never follows a redirect: a 3xx is a failed attempt and the target is not contacted', async () => {
    const h = await harness();
    const elsewhere = await receiver();
    const rx = await receiver(() => ({ status: 307, headers: { location: elsewhere.url } }));
    const eventId = await h.enqueue(rx.url);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(1);
    expect(elsewhere.receipts).toHaveLength(0);
    const view = await h.event(eventId);
    expect(view.attempts).toEqual([expect.objectContaining({ outcome: 'failed', response_status: 307, error: 'redirect_not_followed' })]);
    expect(view.deliveries[0]!.state).toBe('pending');
  });

  it('stores at most 1 KiB of the response and records timeouts', async () => {
    const h = await harness();
    const big = await receiver(() => ({ status: 500, body: 'x'.repeat(5000) + '\u0000' }));
    const slow = await receiver(() => ({ status: 200, delayMs: 4000 }));
    const bigId = await h.enqueue(big.url);
    const slowId = await h.enqueue(slow.url);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(2);
    const bigView = await h.event(bigId);
    expect(bigView.attempts[0]!.response_body).toBe('x'.repeat(RESPONSE_BODY_LIMIT));
    const slowView = await h.event(slowId);
    expect(slowView.attempts[0]).toMatchObject({ outcome: 'failed', error: 'timeout', response_status: null });
    expect(slowView.attempts[0]!.duration_ms).toBeGreaterThanOrEqual(1900);
    expect(slowView.attempts[0]!.duration_ms).toBeLessThan(3900);
  });

  it('restart mid-schedule: a new gateway on the same database carries on; nothing lost, nothing twice', async () => {
    const before = await harness(await gateway());
    const rx = await receiver((r) => (r.nth <= 2 ? { status: 500 } : { status: 200 }));
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await before.enqueue(rx.url));
    expect(await before.gw.services.webhooks.worker.runDue()).toBe(5);
    // Committed, then the process went away before its worker got to it.
    const late = await before.enqueue(rx.url);
    await before.gw.close();

    const after = await harness(await gateway({ clock: before.gw.clock }), before);
    const worker = after.gw.services.webhooks.worker;
    after.gw.clock.advance(atMost(SCHEDULE[0]!));
    expect(await worker.runDue()).toBe(6);
    after.gw.clock.advance(atMost(SCHEDULE[0]!));
    expect(await worker.runDue()).toBe(1);
    after.gw.clock.advance(atMost(SCHEDULE[1]!));
    expect(await worker.runDue()).toBe(6);

    for (const id of [...ids, late]) {
      const view = await after.event(id);
      expect(view.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(view.attempts.filter((a) => a.outcome === 'succeeded')).toHaveLength(1);
      expect(view.deliveries).toEqual([expect.objectContaining({ state: 'succeeded', attempts: 3 })]);
      expect(rx.forId(id)).toHaveLength(3);
    }
  });

  it('graceful stop finishes the attempt in flight and records it', async () => {
    const h = await harness(await gateway());
    const rx = await receiver(() => ({ status: 200, delayMs: 400 }));
    const eventId = await h.enqueue(rx.url);
    const running = h.gw.services.webhooks.worker.runDue();
    await rx.waitFor(1);
    const stopped = h.gw.services.webhooks.worker.stop();
    expect(await running).toBe(1);
    await stopped;
    const view = await h.event(eventId);
    expect(view.attempts).toEqual([expect.objectContaining({ outcome: 'succeeded', response_status: 200 })]);
  });

  it('a worker that died holding a lease: its deliveries are taken over once the lease lapses', async () => {
    const h = await harness();
    const rx = await receiver();
    const eventId = await h.enqueue(rx.url);
    const { WebhookDeliveryRepository } = await import('../../src/modules/webhooks/delivery-repository.js');
    const ghost = new WebhookDeliveryRepository(h.gw.services.storage);
    const now = h.gw.clock.now();
    expect(await ghost.claimDue({ now, limit: 10, owner: 'ghost', leaseUntil: now + 60_000 })).toHaveLength(1);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(0);
    h.gw.clock.advance(60_000);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(1);
    expect((await h.event(eventId)).deliveries[0]!.state).toBe('succeeded');
    expect(rx.receipts).toHaveLength(1);
  });

  it('rotation: both secrets sign during the overlap, only the new one after', async () => {
    const h = await harness();
    const rx = await receiver();
    const oldSecret = h.secret;
    const rotated = await h.gw.services.webhooks.rotateSecret(h.merchantId, 24 * 3_600_000);
    const newSecret = rotated.webhookSecret.reveal();
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.previousExpiresAt).toBe(h.gw.clock.now() + 24 * 3_600_000);

    const during = await h.enqueue(rx.url);
    await h.gw.services.webhooks.worker.runDue();
    const duringReceipt = rx.forId(during)[0]!;
    expect(duringReceipt.signature.split(' ')).toHaveLength(2);
    expect(h.verify(duringReceipt, oldSecret).id).toBe(during);
    expect(h.verify(duringReceipt, newSecret).id).toBe(during);

    h.gw.clock.advance(24 * 3_600_000 + 1);
    const after = await h.enqueue(rx.url);
    await h.gw.services.webhooks.worker.runDue();
    const afterReceipt = rx.forId(after)[0]!;
    expect(afterReceipt.signature.split(' ')).toHaveLength(1);
    expect(h.verify(afterReceipt, newSecret).id).toBe(after);
    expect(() => h.verify(afterReceipt, oldSecret)).toThrow(WebhookVerificationError);

    // A second rotation with no overlap: only the newest signs from now on.
    const third = (await h.gw.services.webhooks.rotateSecret(h.merchantId, 0)).webhookSecret.reveal();
    const last = await h.enqueue(rx.url);
    await h.gw.services.webhooks.worker.runDue();
    expect(rx.forId(last)[0]!.signature.split(' ')).toHaveLength(1);
    expect(h.verify(rx.forId(last)[0]!, third).id).toBe(last);
    await expect(h.gw.services.webhooks.rotateSecret('mch_nosuchmerchantxxxxx')).rejects.toMatchObject({ code: '1011' });
  });

  it('a rotation or an allow-list change made by another process is seen by the very next attempt, in a batch too', async () => {
    const h = await harness();
    const other = await gateway({ clock: h.gw.clock }); // e.g. the API process, where the worker runs elsewhere
    const rx = await receiver();
    const first = await Promise.all([h.enqueue(rx.url), h.enqueue(rx.url), h.enqueue(rx.url)]);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(3);
    for (const id of first) expect(h.verify(rx.forId(id)[0]!).id).toBe(id);

    const rotated = (await other.services.webhooks.rotateSecret(h.merchantId, 0)).webhookSecret.reveal();
    const second = await Promise.all([h.enqueue(rx.url), h.enqueue(rx.url), h.enqueue(rx.url)]);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(3);
    for (const id of second) {
      const receipt = rx.forId(id)[0]!;
      expect(receipt.signature.split(' ')).toHaveLength(1);
      expect(h.verify(receipt, rotated).id).toBe(id);
    }

    await other.services.merchants.update(h.merchantId, { redirectHosts: ['shop.example'] });
    const third = await h.enqueue(rx.url);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(1);
    expect(rx.forId(third)).toHaveLength(0);
    expect((await h.event(third)).attempts.map((a) => a.error)).toEqual(['notify_url_not_allowed']);
  });

  it('the SDK with a replay guard rejects a replayed delivery, accepts the retry', async () => {
    const h = await harness();
    const rx = await receiver((r) => (r.nth === 1 ? { status: 500 } : { status: 200 }));
    const eventId = await h.enqueue(rx.url);
    await h.gw.services.webhooks.worker.runDue();
    h.gw.clock.advance(atMost(SCHEDULE[0]!));
    await h.gw.services.webhooks.worker.runDue();
    const [first, retry] = rx.forId(eventId);
    const replayGuard = createReplayGuard({ now: () => h.gw.clock.now() });
    const verify = (r: typeof first) => verifyWebhook(r!.body, r!.headers, h.secret, { now: () => h.gw.clock.now(), replayGuard });
    expect(verify(first).id).toBe(eventId);
    expect(() => verify(first)).toThrow(expect.objectContaining({ reason: 'replayed' }));
    expect(verify(retry).id).toBe(eventId);
  });

  it('redelivery: a succeeded or dead event gets a fresh schedule; a live one is refused', async () => {
    const h = await harness();
    const rx = await receiver();
    const delivered = await h.enqueue(rx.url);
    await h.gw.services.webhooks.worker.runDue();
    const dead = await h.enqueue((await receiver(() => ({ status: 410 }))).url);
    await h.gw.services.webhooks.worker.runDue();
    expect((await h.event(dead)).deliveries[0]!.state).toBe('dead');

    const again = await h.gw.services.webhooks.redeliver(delivered);
    await expect(h.gw.services.webhooks.redeliver(delivered)).rejects.toMatchObject({ code: '1010' });
    await h.gw.services.webhooks.redeliver(dead);
    expect(await h.gw.services.webhooks.worker.runDue()).toBe(2);
    const view = await h.event(delivered);
    expect(view.deliveries.map((d) => [d.id, d.state, d.attempts])).toEqual([
      [expect.any(Number), 'succeeded', 1],
      [again.deliveryId, 'succeeded', 1],
    ]);
    expect(rx.forId(delivered)).toHaveLength(2);
    expect(rx.forId(delivered)[1]!.body).toBe(rx.forId(delivered)[0]!.body);
    await expect(h.gw.services.webhooks.redeliver('evt_nosucheventxxxxxxxx')).rejects.toMatchObject({ code: '1011' });
    await expect(h.gw.services.webhooks.redeliver(delivered, { merchantId: 'mch_someoneelse' })).rejects.toMatchObject({ code: '1011' });
  });

  it('runs inside serve: the polling worker delivers without being driven', async () => {
    class WallClock extends ManualClock {
      override now(): number {
        return Date.now();
      }
    }
    const h = await harness(await gateway({ clock: new WallClock(), env: { PDIRECT_WEBHOOK_WORKER: 'on', PDIRECT_WEBHOOK_POLL_MS: '50' } }));
    const rx = await receiver();
    await h.enqueue(rx.url, 'refund.succeeded', {});
    await rx.waitFor(1);
    expect(h.verify(rx.receipts[0]!).type).toBe('refund.succeeded');
  });
});
