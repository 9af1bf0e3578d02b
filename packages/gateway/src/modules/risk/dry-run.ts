import { evaluatePredicate, parsePredicate } from './predicate.js';
import type { RiskRepository } from './risk-repository.js';

/** A dry run reads at most this many assessments, and lists at most this many matching payments. */
export const DRY_RUN_MAX_ASSESSMENTS = 5000;
export const DRY_RUN_MAX_LISTED = 50;

export interface DryRun {
  object: 'risk_rule_dry_run';
  since: string;
  /** Assessed payments in the window. */
  payments: number;
  /** Of those, the ones whose attributes were stored (assessed since migration 0019). */
  evaluated: number;
  without_attributes: number;
  matched: number;
  /** What actually happened to the matched payments: succeeded, declined, blocked, failed. */
  matched_by_outcome: Record<string, number>;
  /** The window held more assessments than a dry run reads (the newest were evaluated). */
  truncated: boolean;
  matches: Array<{
    payment_id: string;
    assessed_at: string;
    amount: number | null;
    currency: string | null;
    score: number;
    level: string;
    action: string;
    outcome: string;
  }>;
}

/**
 * What a rule would have done: its predicate (parsed as addRule parses it;
 * a PredicateError otherwise) evaluated alone on the attributes each of the
 * merchant's payments since `since` was assessed on. Nothing is stored.
 */
export async function dryRunRule(repository: RiskRepository, merchantId: string, predicate: string, since: number): Promise<DryRun> {
  const tree = parsePredicate(predicate);
  const rows = await repository.recentAssessments(merchantId, since, DRY_RUN_MAX_ASSESSMENTS);
  const matches: DryRun['matches'] = [];
  let evaluated = 0;
  let withoutAttributes = 0;
  let matched = 0;
  const matchedByOutcome: Record<string, number> = {};
  for (const row of rows) {
    if (!row.attributes) {
      withoutAttributes++;
      continue;
    }
    evaluated++;
    const attributes = JSON.parse(row.attributes) as Record<string, string | number | boolean>;
    if (!evaluatePredicate(tree, attributes)) continue;
    matched++;
    matchedByOutcome[row.outcome] = (matchedByOutcome[row.outcome] ?? 0) + 1;
    if (matches.length < DRY_RUN_MAX_LISTED)
      matches.push({
        payment_id: row.payment_id!,
        assessed_at: new Date(row.created_at).toISOString(),
        amount: typeof attributes.amount === 'number' ? attributes.amount : null,
        currency: typeof attributes.currency === 'string' ? attributes.currency : null,
        score: row.score,
        level: row.level,
        action: row.action,
        outcome: row.outcome,
      });
  }
  return {
    object: 'risk_rule_dry_run',
    since: new Date(since).toISOString(),
    payments: rows.length,
    evaluated,
    without_attributes: withoutAttributes,
    matched,
    matched_by_outcome: matchedByOutcome,
    truncated: rows.length >= DRY_RUN_MAX_ASSESSMENTS,
    matches,
  };
}
