/**
 * The audit record of a money-moving request (collect, 3-D Secure return,
 * refund) is written in the SAME transaction as the state change it caused,
 * so a charge always has its record — even if the process dies before the
 * answer leaves. The HTTP layer opens the scope around the use case; the
 * payments module writes the record as the last statement of its
 * transaction; the answer's own record is then skipped when its status is
 * the one already recorded (and written as usual when it is not).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { AuditRecord } from './audit-repository.js';

/** What the state change was, as the route answers it. */
export type MoneyOutcome = 'succeeded' | 'failed' | 'pending';

export interface MoneyRequestScope {
  /** The request's record without what only the answer knows. */
  base: Omit<AuditRecord, 'status' | 'durationMs'>;
  startedAt: number;
  /** The HTTP status the route answers for this outcome. */
  statusFor(outcome: MoneyOutcome): number;
  /** Set once the record is written with a state change: the status recorded. */
  recorded?: number;
  /** How many warnings the recorded record carried. */
  recordedWarnings?: number;
}

const scope = new AsyncLocalStorage<MoneyRequestScope>();

/** Runs a money-moving use case with its request's audit scope. */
export function withMoneyRequestAudit<T>(request: MoneyRequestScope | undefined, work: () => Promise<T>): Promise<T> {
  return request ? scope.run(request, work) : work();
}

/** Writes the current request's record inside `trx` (once per request; nothing outside a scope). */
export async function recordWithStateChange(
  audit: { insertMany(records: AuditRecord[], inTransaction?: Kysely<Database>): Promise<void> } | undefined,
  trx: Kysely<Database>,
  outcome: MoneyOutcome,
  now: number,
): Promise<void> {
  const current = scope.getStore();
  if (!audit || !current || current.recorded !== undefined) return;
  const status = current.statusFor(outcome);
  await audit.insertMany([{ ...current.base, status, durationMs: Math.max(0, now - current.startedAt) }], trx);
  current.recorded = status;
  current.recordedWarnings = current.base.warnings.length;
}
