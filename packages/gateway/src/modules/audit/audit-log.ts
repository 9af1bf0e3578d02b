import type { Logger } from 'pino';
import type { AuditRecord, AuditRepository } from './audit-repository.js';

export interface AuditLogOptions {
  repository: AuditRepository;
  logger: Logger;
  /** At most this many records per transaction. */
  maxBatch?: number;
  /** Attempts per batch before its requests are answered 503 instead (the first is immediate). */
  retryDelaysMs?: number[];
  /** Kept for compatibility with callers that tuned the old timer-based writer; group commit needs no timer. */
  flushIntervalMs?: number;
}

interface Waiting {
  record: AuditRecord;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit for the audit log. A request's record is appended before its
 * answer leaves (the HTTP layer awaits `append` in onSend), so an answered
 * request always has its record, even if the process is killed the next
 * instant. Throughput stays because records are not written one by one:
 * while one batch's transaction runs, the records of every request finishing
 * meanwhile queue up and go together in the next transaction — under load a
 * batch holds as many records as requests finished during one commit.
 *
 * A batch that cannot be written is retried briefly; if it still fails, its
 * requests are told so (append rejects) and answer 503, never silently
 * unrecorded.
 */
export class AuditLog {
  readonly #repo: AuditRepository;
  readonly #logger: Logger;
  readonly #maxBatch: number;
  readonly #retryDelays: number[];
  #queue: Waiting[] = [];
  #draining: Promise<void> | undefined;

  constructor(options: AuditLogOptions) {
    this.#repo = options.repository;
    this.#logger = options.logger;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#retryDelays = options.retryDelaysMs ?? [20, 100, 400];
  }

  /** Resolves once the record is committed; rejects if it could not be written. */
  append(record: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      this.#kick();
    });
  }

  #kick(): void {
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
      // A record queued after the last batch was taken starts the next drain.
      if (this.#queue.length > 0) this.#kick();
    });
  }

  /** Fire-and-forget form (for callers that cannot wait): a failure is logged with the request id. */
  record(record: AuditRecord): void {
    this.append(record).catch((err) => this.#logger.error({ err, request_id: record.requestId }, 'audit record could not be written'));
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Resolves when everything appended so far has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  async #drain(): Promise<void> {
    // Let the requests finishing in this same turn of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        await this.#write(batch.map((w) => w.record));
        for (const w of batch) w.resolve();
      } catch (err) {
        this.#logger.error(
          { err, records: batch.length, request_ids: batch.map((w) => w.record.requestId) },
          'audit batch could not be written; its requests answer 503',
        );
        for (const w of batch) w.reject(err);
      }
    }
  }

  async #write(records: AuditRecord[]): Promise<void> {
    let pending = records;
    for (let attempt = 0; ; attempt += 1) {
      try {
        // A failed write may still have committed (the connection cut after COMMIT, before its
        // answer): a retry writes only the records not there yet, so none is recorded twice.
        if (attempt > 0) {
          const written = await this.#repo.requestIdsWritten(pending.map((r) => r.requestId));
          pending = pending.filter((r) => !written.has(r.requestId));
          if (pending.length === 0) return;
        }
        await this.#repo.insertMany(pending);
        return;
      } catch (err) {
        const delay = this.#retryDelays[attempt];
        if (delay === undefined) throw err;
        this.#logger.warn({ err, records: records.length, attempt: attempt + 1 }, 'audit batch write failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
