import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { WindowLimit } from './policy.js';

/** One limit to pass: a bucket name and its window. */
export interface BucketLimit extends WindowLimit {
  bucket: string;
  /** Said to the caller when this limit refuses. */
  reason: string;
}

export type Admission = { admitted: true; at: number } | { admitted: false; retryAfterSeconds: number; reason: string };

/**
 * The pure rule of a sliding-window log: `hits` (ms) are what was counted;
 * those older than the window no longer count. Full → the wait, in whole
 * seconds, until enough of the oldest counted hits leave the window.
 */
export function judgeWindow(hits: number[], limit: WindowLimit, now: number): { inWindow: number[]; retryAfterSeconds: number | null } {
  const inWindow = hits.filter((t) => t > now - limit.windowMs).sort((a, b) => a - b);
  if (inWindow.length < limit.max) return { inWindow, retryAfterSeconds: null };
  const freedAt = inWindow[inWindow.length - limit.max]! + limit.windowMs;
  return { inWindow, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)) };
}

/**
 * Rate limits that hold across every gateway process sharing the database.
 *
 * Why the database and not Redis: one dependency fewer to run and secure,
 * and the same transaction semantics on SQLite and PostgreSQL, so the
 * guarantee is identical on the embedded sandbox and on a PostgreSQL cluster
 * and is tested on both. The load is tiny (a few rows per OTP request).
 *
 * Each bucket is one row holding the times of its counted hits (at most
 * `max`, pruned on every write). Admission is one short transaction: an
 * upsert that creates the row or — on PostgreSQL — row-locks it until
 * commit, so a concurrent request on the same bucket in any process waits
 * and then sees this one's hit; SQLite serialises writers itself. Buckets
 * are locked in name order, so two requests never wait on each other.
 * Refused attempts are not recorded: hammering cannot extend the wait.
 */
export class RateLimiter {
  constructor(private readonly db: Kysely<Database>) {}

  /** Counts one hit in every bucket, or in none when any is full (all or nothing). */
  async admit(limits: BucketLimit[], now: number): Promise<Admission> {
    const ordered = [...limits].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
    return this.db.transaction().execute(async (trx) => {
      const writes: Array<{ bucket: string; hits: number[]; expiresAt: number }> = [];
      let refusal: { retryAfterSeconds: number; reason: string } | undefined;
      for (const limit of ordered) {
        const { inWindow, retryAfterSeconds } = judgeWindow(await lockBucket(trx, limit.bucket, now), limit, now);
        if (retryAfterSeconds !== null) {
          if (!refusal || retryAfterSeconds > refusal.retryAfterSeconds) refusal = { retryAfterSeconds, reason: limit.reason };
        } else {
          writes.push({ bucket: limit.bucket, hits: [...inWindow, now], expiresAt: now + limit.windowMs });
        }
      }
      if (refusal) return { admitted: false, ...refusal };
      for (const w of writes) await saveBucket(trx, w.bucket, w.hits, w.expiresAt);
      return { admitted: true, at: now };
    });
  }

  /** Takes back one hit counted at `at` (an attempt that turned out not to be the caller's doing). */
  async refund(limit: BucketLimit, at: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const hits = await lockBucket(trx, limit.bucket, at);
      const index = hits.indexOf(at);
      if (index < 0) return;
      hits.splice(index, 1);
      await saveBucket(trx, limit.bucket, hits, hits.length > 0 ? Math.max(...hits) + limit.windowMs : at);
    });
  }

  /** Deletes buckets whose every hit has left its window. */
  async sweep(now: number): Promise<number> {
    const result = await this.db.deleteFrom('otp_rate_limits').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/**
 * Creates the bucket row or touches it — either way PostgreSQL holds its
 * row lock until the transaction ends — and returns its hits as now
 * committed (ON CONFLICT DO UPDATE acts on the latest row version).
 */
async function lockBucket(trx: Transaction<Database>, bucket: string, now: number): Promise<number[]> {
  const row = await trx
    .insertInto('otp_rate_limits')
    .values({ bucket, hits: '[]', expires_at: now })
    .onConflict((oc) => oc.column('bucket').doUpdateSet((eb) => ({ bucket: eb.ref('excluded.bucket') })))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return JSON.parse(row.hits) as number[];
}

async function saveBucket(trx: Transaction<Database>, bucket: string, hits: number[], expiresAt: number): Promise<void> {
  await trx
    .updateTable('otp_rate_limits')
    .set({ hits: JSON.stringify(hits), expires_at: expiresAt })
    .where('bucket', '=', bucket)
    .execute();
}
