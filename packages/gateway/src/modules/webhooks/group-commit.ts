import type { AttemptRecord, ClaimedDelivery, NextLease, WebhookDeliveryRepository } from './delivery-repository.js';

/** At most this many attempts recorded per transaction. */
const STORE_BATCH = 64;

/**
 * How long a batch waits at most for attempts made alongside its own (see
 * AttemptGroupCommit). Short beside an attempt (a local receiver answers
 * within a few milliseconds, a remote one in tens), and the wait only ever
 * delays recording, never sending.
 */
export const GATHER_MS = 3;

type Recorded = { held: boolean; next: ClaimedDelivery | undefined };

/**
 * The worker's recorder of finished attempts (and, with `next`, of the lease
 * on its endpoint's next due delivery). Group commit: attempts finishing
 * while a transaction runs are recorded together in the next one, so under a
 * burst one commit serves many deliveries. The lane waits for its own record
 * either way.
 *
 * Gathering: attempts started together (one claim, or the next deliveries
 * one batch leased) finish at about the same time, but not in the same turn
 * of the event loop. A batch therefore waits — at most GATHER_MS — while
 * attempts that started no earlier than its own are still being made, so a
 * burst's lanes keep going round in one batch (one statement, one commit for
 * all) instead of drifting apart into many small ones, each costing its own
 * round trips and commit. Attempts that started earlier (a hanging receiver)
 * are not waited for.
 */
export class AttemptGroupCommit {
  readonly #queue: Array<{
    attempt: AttemptRecord;
    next: NextLease | undefined;
    /** When the attempt started (performance.now()). */
    startedAt: number;
    resolve(result: Recorded): void;
    reject(err: unknown): void;
  }> = [];
  #storing: Promise<void> | undefined;
  #arrived: (() => void) | undefined;

  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    /** How many of the worker's attempts started at or after `since` (performance.now()) are still being made. */
    private readonly inProgressSince: (since: number) => number = () => 0,
    private readonly gatherMs = GATHER_MS,
  ) {}

  /** Records a finished attempt that started at `startedAt` (performance.now()). */
  store(record: AttemptRecord, next: NextLease | undefined, startedAt = performance.now()): Promise<Recorded> {
    const repo = this.deliveries;
    // A repository without the batch call (the worker's unit tests fake one) records one attempt at a time.
    if (typeof repo.recordAttemptsAndClaimNext !== 'function') {
      return typeof repo.recordAttemptAndClaimNext === 'function' && next
        ? repo.recordAttemptAndClaimNext(record, next)
        : repo.recordAttempt(record).then((held) => ({ held, next: undefined }));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ attempt: record, next, startedAt, resolve, reject });
      this.#arrived?.();
      this.#kick();
    });
  }

  #kick(): void {
    this.#storing ??= this.#drain().finally(() => {
      this.#storing = undefined;
      // An attempt queued after the drain's last look (before this ran) starts the next drain.
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    do {
      // Attempts finishing in this same turn of the event loop join the batch, and the lanes the previous
      // batch resumed start their next attempts first: gathering waits for those too, so two groups of
      // lanes that drifted apart come together again instead of alternating for ever.
      await new Promise((resolve) => setImmediate(resolve));
      await this.#gather();
      const batch = this.#queue.splice(0, STORE_BATCH);
      try {
        const results = await this.deliveries.recordAttemptsAndClaimNext!(batch.map(({ attempt, next }) => ({ attempt, next })));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    } while (this.#queue.length > 0);
  }

  /** Waits (at most gatherMs) while attempts started no earlier than the queued ones are still being made. */
  async #gather(): Promise<void> {
    const deadline = performance.now() + this.gatherMs;
    for (;;) {
      const since = Math.min(...this.#queue.map((q) => q.startedAt));
      const left = deadline - performance.now();
      if (this.#queue.length >= STORE_BATCH || left <= 0 || this.inProgressSince(since) === 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#arrived = () => (clearTimeout(timer), resolve());
      });
      this.#arrived = undefined;
    }
  }
}
