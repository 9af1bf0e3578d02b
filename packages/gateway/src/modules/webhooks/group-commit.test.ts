import { describe, expect, it } from 'vitest';
import type { AttemptRecord, WebhookDeliveryRepository } from './delivery-repository.js';
import { AttemptGroupCommit, GATHER_MS } from './group-commit.js';

// The recorder's batching with the repository faked out; what a batch writes
// is tested against both databases in test/webhooks/batch-recording.test.ts.
// A long gathering window unless a test is about the window: waits then end when the awaited attempt arrives,
// so the tests stay fast, and a slow turn of the event loop on a busy machine cannot end them early.
function setup(inProgressSince: (since: number) => number, writing: () => Promise<unknown> = async () => {}, gatherMs = 10_000) {
  const batches: number[][] = [];
  const deliveries = {
    recordAttemptsAndClaimNext: async (items: Array<{ attempt: AttemptRecord }>) => {
      batches.push(items.map((i) => i.attempt.deliveryId));
      await writing();
      return items.map(() => ({ held: true, next: undefined }));
    },
  } as unknown as WebhookDeliveryRepository;
  const recorder = new AttemptGroupCommit(deliveries, inProgressSince, gatherMs);
  const attempt = (deliveryId: number) => ({ deliveryId }) as AttemptRecord;
  return { recorder, attempt, batches };
}

const turns = (n: number) => new Promise((resolve) => (n <= 0 ? resolve(undefined) : setImmediate(() => void turns(n - 1).then(resolve))));

describe('AttemptGroupCommit', () => {
  it('attempts finishing in the same turn share a batch', async () => {
    const t = setup(() => 0);
    await Promise.all([t.recorder.store(t.attempt(1), undefined), t.recorder.store(t.attempt(2), undefined)]);
    expect(t.batches).toEqual([[1, 2]]);
  });

  it('a batch waits for the attempts started alongside its own that are still being made', async () => {
    let making = 2;
    const t = setup(() => making);
    const started = performance.now();
    making--;
    const first = t.recorder.store(t.attempt(1), undefined, started);
    await turns(2); // the second attempt finishes a couple of turns later
    making--;
    const second = t.recorder.store(t.attempt(2), undefined, started);
    await Promise.all([first, second]);
    expect(t.batches).toEqual([[1, 2]]);
  });

  it('two groups of lanes that drifted apart are recorded together again', async () => {
    const making = new Map<number, number>(); // attempt → when it started
    const t = setup(
      (since) => [...making.values()].filter((at) => at >= since).length,
      () => turns(3),
    );
    // A lane whose attempt finished alone; while its record is being written, four others finish.
    const lone = t.recorder.store(t.attempt(1), undefined, performance.now());
    await turns(1);
    const started = performance.now();
    const group = [2, 3, 4, 5].map((id) => t.recorder.store(t.attempt(id), undefined, started));
    // Recorded, the lone lane starts its next attempt at once; it finishes a couple of turns later.
    const next = lone.then(async () => {
      const at = performance.now();
      making.set(6, at);
      await turns(2);
      making.delete(6);
      return t.recorder.store(t.attempt(6), undefined, at);
    });
    await Promise.all([...group, next]);
    expect(t.batches).toEqual([[1], [2, 3, 4, 5, 6]]);
  });

  it('gives up after GATHER_MS on an attempt that does not finish, and never waits for attempts started earlier', async () => {
    const asked: number[] = [];
    const hangingSince = performance.now() - 60_000;
    const youngSince = performance.now();
    let young = 1;
    // One attempt has hung for a minute; one started with the stored attempt and never finishes.
    const t = setup((since) => (asked.push(since), (hangingSince >= since ? 1 : 0) + (youngSince >= since ? young : 0)), undefined, GATHER_MS);
    const before = performance.now();
    await t.recorder.store(t.attempt(1), undefined, youngSince);
    expect(performance.now() - before).toBeGreaterThanOrEqual(GATHER_MS - 1);
    expect(t.batches).toEqual([[1]]);
    // The recorder asks about attempts started no earlier than its own: the hanging one is not among them.
    expect(asked.every((since) => since === youngSince)).toBe(true);
    young = 0;
    asked.length = 0;
    await t.recorder.store(t.attempt(2), undefined, youngSince);
    expect(asked).toEqual([youngSince]); // nothing left to wait for: recorded at once
    expect(t.batches).toEqual([[1], [2]]);
  });
});
