import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';

/**
 * Lockout with backoff for dashboard sign-in, per account and per source IP,
 * kept in database rows so every gateway process sharing the database
 * counts the same failures. A bucket locks after `threshold` failures in a
 * row, for `baseLockMs` doubled with every further failure (capped); a
 * success clears the account's bucket. Failures older than `forgetAfterMs`
 * are forgotten. The account bucket is keyed on the e-mail address as typed
 * (through a keyed hash), whether or not such a user exists, so a lockout
 * says nothing about which addresses have accounts.
 */
export interface ThrottlePolicy {
  threshold: number;
  baseLockMs: number;
  maxLockMs: number;
  forgetAfterMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { threshold: 5, baseLockMs: 60_000, maxLockMs: 3_600_000, forgetAfterMs: 86_400_000 };
export const IP_POLICY: ThrottlePolicy = { threshold: 30, baseLockMs: 60_000, maxLockMs: 3_600_000, forgetAfterMs: 86_400_000 };

export function lockDuration(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.threshold) return 0;
  return Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(20, failures - policy.threshold));
}

export class SignInThrottle {
  constructor(private readonly db: Kysely<Database>) {}

  /** Until when the bucket is locked, or null. */
  async lockedUntil(bucket: string, now: number): Promise<number | null> {
    const row = await this.db.selectFrom('dashboard_sign_in_throttle').select('locked_until').where('bucket', '=', bucket).executeTakeFirst();
    return row?.locked_until != null && row.locked_until > now ? row.locked_until : null;
  }

  /** Counts one failure (atomically, whichever process sees it) and locks the bucket when the policy says so. */
  async recordFailure(bucket: string, now: number, policy: ThrottlePolicy): Promise<void> {
    const stale = now - policy.forgetAfterMs;
    await this.db.deleteFrom('dashboard_sign_in_throttle').where('bucket', '=', bucket).where('updated_at', '<', stale).execute();
    const row = await this.db
      .insertInto('dashboard_sign_in_throttle')
      .values({ bucket, failures: 1, locked_until: null, updated_at: now })
      .onConflict((oc) => oc.column('bucket').doUpdateSet((eb) => ({ failures: eb('dashboard_sign_in_throttle.failures', '+', 1), updated_at: now })))
      .returning('failures')
      .executeTakeFirstOrThrow();
    const lock = lockDuration(Number(row.failures), policy);
    if (lock > 0)
      await this.db
        .updateTable('dashboard_sign_in_throttle')
        .set({ locked_until: now + lock })
        .where('bucket', '=', bucket)
        .execute();
  }

  /** Buckets with no failure for `forgetAfterMs` and no lock left say nothing any more. */
  async sweep(now: number, forgetAfterMs: number): Promise<void> {
    await this.db
      .deleteFrom('dashboard_sign_in_throttle')
      .where('updated_at', '<', now - forgetAfterMs)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .execute();
  }

  async clear(bucket: string): Promise<void> {
    await this.db.deleteFrom('dashboard_sign_in_throttle').where('bucket', '=', bucket).execute();
  }
}
