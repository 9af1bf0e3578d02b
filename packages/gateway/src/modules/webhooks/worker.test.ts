import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { Secret } from '../../crypto/secret.js';
import type { AttemptRecord, ClaimedDelivery, WebhookDeliveryRepository } from './delivery-repository.js';
import type { SendResult, WebhookSender } from './sender.js';
import { WebhookWorker } from './worker.js';

// The worker's loop and decisions with storage and HTTP faked out; the real
// thing runs against both databases in test/webhooks.
function setup(replies: Array<Partial<SendResult>>, options: { pollIntervalMs?: number; sending?: (url: string) => Promise<void> } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const due: ClaimedDelivery[] = [];
  const recorded: AttemptRecord[] = [];
  const released: string[] = [];
  const deliveries = {
    claimDue: async () => due.splice(0),
    recordAttempt: async (a: AttemptRecord) => (recorded.push(a), true),
    releaseLeases: async (owner: string) => (released.push(owner), 0),
  } as unknown as WebhookDeliveryRepository;
  const sent: Array<Record<string, string>> = [];
  const sender = {
    send: async (url: string, headers: Record<string, string>) => {
      sent.push(headers);
      await options.sending?.(url);
      return { status: 200, error: null, body: null, retryAfter: undefined, ...replies.shift() };
    },
    close: async () => {},
  } as unknown as WebhookSender;
  const sleeps: Array<{ ms: number; wake(): void }> = [];
  const worker = new WebhookWorker({
    deliveries,
    sender,
    signingSecrets: async () => [new Secret(`whsec_${Buffer.alloc(32, 1).toString('base64')}`)],
    clock,
    logger: pino({ level: 'silent' }),
    retry: { scheduleMs: [5_000, 60_000], jitter: 0.1 },
    batchSize: 10,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    leaseMs: 60_000,
    random: () => 1, // the longest jitter: +10 %
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        sleeps.push({ ms, wake: resolve });
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
  });
  const add = (n: number, attemptCount = 0, notifyUrl = 'http://127.0.0.1/x') =>
    due.push({ deliveryId: n, eventId: `evt_${n}`, merchantId: 'mch_1', notifyUrl, payload: '{}', attemptCount });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { clock, worker, add, recorded, released, sent, sleeps, tick };
}

describe('WebhookWorker', () => {
  it('decides each attempt: 2xx succeeded, 410 dead, else the next retry (Retry-After if longer), dead after the schedule', async () => {
    const t = setup([{ status: 204 }, { status: 410 }, { status: 500 }, { status: 503, retryAfter: '120' }, { status: null, error: 'timeout' }]);
    for (const [n, count] of [
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 2],
    ] as const)
      t.add(n, count);
    expect(await t.worker.runDue()).toBe(5);
    const now = t.clock.now();
    expect(t.recorded.map((a) => [a.eventId, a.attemptNumber, a.outcome, a.nextState, a.nextAttemptAt && a.nextAttemptAt - now])).toEqual([
      ['evt_1', 1, 'succeeded', 'succeeded', null],
      ['evt_2', 1, 'failed', 'dead', null],
      ['evt_3', 1, 'failed', 'pending', 5_500],
      ['evt_4', 1, 'failed', 'pending', 120_000],
      ['evt_5', 3, 'failed', 'dead', null],
    ]);
    expect(t.sent[0]!['webhook-id']).toBe('evt_1');
    expect(t.sent[0]!['webhook-timestamp']).toBe(String(now / 1000));
  });

  it('polls through the injected sleep, wakes early on wake(), and stops gracefully', async () => {
    const t = setup([]);
    t.worker.start();
    await t.tick();
    expect(t.sleeps.map((s) => s.ms)).toEqual([1000]);
    t.add(1);
    t.sleeps[0]!.wake(); // the poll interval passes
    await t.tick();
    expect(t.recorded).toHaveLength(1);
    t.add(2);
    t.worker.wake(); // no waiting for the interval
    await t.tick();
    expect(t.recorded).toHaveLength(2);
    await t.worker.stop();
    expect(t.released).toEqual([t.worker.id]);
    t.add(3);
    expect(await t.worker.runDue()).toBe(0);
  });

  it('while attempts are in flight and nothing wakes it, claims again every poll interval', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const t = setup([], { pollIntervalMs: 20, sending: (url) => (url.endsWith('/slow') ? slow : Promise.resolve()) });
    t.add(1, 0, 'http://127.0.0.1/slow');
    const run = t.worker.runDue();
    await t.tick();
    t.add(2); // committed while the slow attempt is in flight; no wake() (a separate process on SQLite)
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(t.recorded.map((a) => a.eventId)).toEqual(['evt_2']);
    release();
    expect(await run).toBe(2);
  });
});
