/**
 * The audit record of a money-moving request (collect, 3-D Secure return,
 * refund) is written in the SAME transaction as the state change it caused,
 * so a charge always has its record — even if the process dies before the
 * answer leaves. The HTTP layer opens the scope around the use case; the
 * payments module notes on it what the record must carry (the fraud
 * screening's decision, the answer a failure will get) and writes the record
 * as the last statement of its transaction. That record is then the
 * request's only one: the answer-time record is skipped (one record per
 * request). A request whose use case changed no money state (refused
 * before, or lost a race) is recorded at answer time as usual.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { AuditRecord } from './audit-repository.js';

/** What the state change was. */
export type MoneyOutcome = 'succeeded' | 'failed' | 'pending';

export interface MoneyRequestScope {
  /** The request's record without what only the answer knows. Its `warnings` is the request's own list. */
  base: Omit<AuditRecord, 'status' | 'durationMs'>;
  startedAt: number;
  /** The HTTP status the route answers for this outcome. */
  statusFor(outcome: MoneyOutcome): number;
  /** What the use case announced it will answer instead (e.g. 403 for a fraud-screening block). */
  answers?: Partial<Record<MoneyOutcome, number>>;
  /** Written inside a transaction not yet committed: the status it carries. */
  written?: number;
  /** Set once the transaction holding the record has committed: the status recorded. */
  recorded?: number;
  /**
   * The transaction holding the record failed at a point where it may still
   * have committed (the connection was lost during COMMIT): the answer-time
   * hook looks the record up before writing another.
   */
  uncertain?: number;
}

const scope = new AsyncLocalStorage<MoneyRequestScope>();

/** Runs a money-moving use case with its request's audit scope. */
export function withMoneyRequestAudit<T>(request: MoneyRequestScope | undefined, work: () => Promise<T>): Promise<T> {
  return request ? scope.run(request, work) : work();
}

/** Whether the current request is a money-moving one whose record is written with its state change. */
export function inMoneyRequest(): boolean {
  return scope.getStore() !== undefined;
}

/** Adds a finding (e.g. the fraud screening's decision) to the current request's record, before it is written. */
export function noteAuditWarning(warning: string): void {
  const current = scope.getStore();
  if (current && current.recorded === undefined && !current.base.warnings.includes(warning)) current.base.warnings.push(warning);
}

/**
 * The status the request will answer when the state change is `outcome`,
 * when it is not the route's usual one: a collect refused by fraud screening
 * fails the payment and answers 403, not the 402 of a decline.
 */
export function expectAnswer(outcome: MoneyOutcome, status: number): void {
  const current = scope.getStore();
  if (current) current.answers = { ...current.answers, [outcome]: status };
}

/**
 * Runs one state-change transaction of a money-moving use case: the record
 * written in it (recordWithStateChange) counts only once it has committed.
 */
export async function stateChangeTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const current = scope.getStore();
  try {
    const result = await db.transaction().execute(work);
    if (current?.written !== undefined) current.recorded = current.written;
    return result;
  } catch (err) {
    if (current?.written !== undefined) current.uncertain = current.written;
    throw err;
  } finally {
    if (current) current.written = undefined;
  }
}

/** Writes the current request's record inside `trx`, a stateChangeTransaction (once per request; nothing outside a scope). */
export async function recordWithStateChange(
  audit: { insertMany(records: AuditRecord[], inTransaction?: Kysely<Database>): Promise<void> } | undefined,
  trx: Kysely<Database>,
  outcome: MoneyOutcome,
  now: number,
): Promise<void> {
  const current = scope.getStore();
  if (!audit || !current || current.recorded !== undefined || current.written !== undefined) return;
  const status = current.answers?.[outcome] ?? current.statusFor(outcome);
  await audit.insertMany([{ ...current.base, warnings: [...current.base.warnings], status, durationMs: Math.max(0, now - current.startedAt) }], trx);
  current.written = status;
}
