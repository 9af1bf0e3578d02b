import type { AttemptRecord, ClaimedDelivery, NextLease, WebhookDeliveryRepository } from './delivery-repository.js';

/** At most this many attempts recorded per transaction. */
const STORE_BATCH = 64;

type Recorded = { held: boolean; next: ClaimedDelivery | undefined };

/**
 * The worker's recorder of finished attempts (and, with `next`, of the lease
 * on its endpoint's next due delivery). Group commit: attempts finishing
 * while a transaction runs are recorded together in the next one, so under a
 * burst one commit serves many deliveries. The lane waits for its own record
 * either way.
 */
export class AttemptGroupCommit {
  readonly #queue: Array<{
    attempt: AttemptRecord;
    next: NextLease | undefined;
    resolve(result: Recorded): void;
    reject(err: unknown): void;
  }> = [];
  #storing: Promise<void> | undefined;

  constructor(private readonly deliveries: WebhookDeliveryRepository) {}

  store(record: AttemptRecord, next: NextLease | undefined): Promise<Recorded> {
    const repo = this.deliveries;
    // A repository without the batch call (the worker's unit tests fake one) records one attempt at a time.
    if (typeof repo.recordAttemptsAndClaimNext !== 'function') {
      return typeof repo.recordAttemptAndClaimNext === 'function' && next
        ? repo.recordAttemptAndClaimNext(record, next)
        : repo.recordAttempt(record).then((held) => ({ held, next: undefined }));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ attempt: record, next, resolve, reject });
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
    // Attempts finishing in this same turn of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, STORE_BATCH);
      try {
        const results = await this.deliveries.recordAttemptsAndClaimNext!(batch.map(({ attempt, next }) => ({ attempt, next })));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
  }
}
