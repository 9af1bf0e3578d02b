import type { Logger } from 'pino';
import type { AuditRecord, AuditRepository } from './audit-repository.js';

export interface AuditLogOptions {
  repository: AuditRepository;
  logger: Logger;
  /** Flush when this many records are waiting... */
  maxBatch?: number;
  /** ...or this long after the first one arrived. */
  flushIntervalMs?: number;
}

/**
 * Batched audit writer: requests enqueue their record and never wait on the
 * database; a batch is written every `flushIntervalMs` or `maxBatch` records.
 * `close()` (called on graceful shutdown, SIGTERM) writes whatever is left, so
 * no record is lost. A failed batch is kept and retried with the next one.
 */
export class AuditLog {
  readonly #repo: AuditRepository;
  readonly #logger: Logger;
  readonly #maxBatch: number;
  readonly #interval: number;
  #queue: AuditRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: AuditLogOptions) {
    this.#repo = options.repository;
    this.#logger = options.logger;
    this.#maxBatch = options.maxBatch ?? 200;
    this.#interval = options.flushIntervalMs ?? 200;
  }

  record(entry: AuditRecord): void {
    this.#queue.push(entry);
    if (this.#queue.length >= this.#maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#interval).unref();
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Writes everything queued so far; resolves when it is in the database. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(async () => {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        try {
          await this.#repo.insertMany(batch);
        } catch (err) {
          this.#queue.unshift(...batch);
          this.#logger.error({ err, records: batch.length }, 'audit batch write failed; will retry');
          this.#timer ??= setTimeout(() => void this.flush(), this.#interval * 5).unref();
          return;
        }
      }
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.#queue.length > 0) {
      // Last attempt failed too: leave the records in the log rather than lose them silently.
      this.#logger.error({ lost: this.#queue.map((r) => r.requestId) }, 'audit records could not be written at shutdown');
    }
    clearTimeout(this.#timer);
  }
}
