import { hkdfSync } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { randomBase32Lower } from '../../crypto/random.js';
import { ApiError } from '../../errors.js';
import { metrics } from '../../observability/metrics.js';
import type { Payment } from '../payments/payment-repository.js';
import { computeFeatures } from './features.js';
import { checkWeights, DEFAULT_ACTIONS, levelOf, loadShippedWeights, reasonsOf, scoreOf, THRESHOLDS, type ModelWeights } from './model.js';
import { evaluatePredicate, parsePredicate, type Predicate } from './predicate.js';
import { hmacHasher, resolveAttempt, type IdentityHasher } from './resolve.js';
import { dryRunRule, type DryRun } from './dry-run.js';
import { retrainModel, type RetrainResult } from './retrain.js';
import type { RiskRepository } from './risk-repository.js';
import type { AssessmentRow, RuleRow } from './risk-tables.js';
import { MAX_RULES_PER_MERCHANT, RULE_ACTIONS, ruleView, type RuleAction, type RuleView } from './rules.js';
import type { AttemptOutcome, AttemptRecord, RiskAction, RiskContext, RiskDecision, RiskReason } from './types.js';

const SEVERITY: Record<RiskAction, number> = { allow: 0, request_3ds: 1, review: 2, block: 3 };

export interface RiskServiceDeps {
  repository: RiskRepository;
  /** The payments repository's public find: fraud reports are accepted only for the caller's own payments. */
  payments: { findById(id: string): Promise<Payment | undefined> };
  /** Key for the identity hashes (see riskIdentityKey). */
  identityKey: Buffer;
  clock: Clock;
  logger?: Logger;
  /** How long a process keeps the deployment's weights before looking for a newer retrain (default 30 s). */
  modelRefreshMs?: number;
}

/** A key of its own for identity hashes, derived one-way from the audit HMAC key (no new secret to manage). */
export function riskIdentityKey(auditFingerprintKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', auditFingerprintKey, Buffer.alloc(0), 'pdirect/risk/identity/v1', 32));
}

/** Attributes without the undefined ones (what JSON keeps anyway), for storage. */
function definedAttributes(attributes: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(attributes))
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
  return out;
}

/**
 * Fraud screening. `assess` scores an attempt before money moves and
 * applies the merchant's rules; `recordAttempt` feeds what happened back into
 * the velocity counters and history. See docs/risk.md.
 */
export class RiskService {
  readonly #hash: IdentityHasher;
  readonly #shipped: ModelWeights;
  #model: { weights: ModelWeights; label: string; checkedAt: number } | undefined;
  readonly #parsed = new Map<string, Predicate>();

  constructor(private readonly deps: RiskServiceDeps) {
    this.#hash = hmacHasher(deps.identityKey);
    this.#shipped = loadShippedWeights();
  }

  async assess(context: RiskContext): Promise<RiskDecision> {
    const started = performance.now();
    try {
      return await this.#assess(context);
    } finally {
      metrics.riskAssessed((performance.now() - started) / 1000);
    }
  }

  async #assess(context: RiskContext): Promise<RiskDecision> {
    const at = this.deps.clock.now();
    const resolved = resolveAttempt(context, this.#hash, at);
    const [history, rules, model] = await Promise.all([
      this.deps.repository.history({
        merchantId: context.merchantId,
        currency: context.session.currency.toLowerCase(),
        keys: resolved.keys,
        customerKey: resolved.keys.customer,
        now: at,
      }),
      this.deps.repository.rules(context.merchantId),
      this.#currentModel(at),
    ]);
    const features = computeFeatures(context, resolved, history);
    const score = scoreOf(model.weights, features.vector);
    const level = levelOf(score);
    const reasons: RiskReason[] = reasonsOf(model.weights, features.vector, features.details);
    let action: RiskAction = DEFAULT_ACTIONS[level];
    let ruleId: string | undefined;
    const attributes = { ...features.attributes, risk_score: score, risk_level: level };
    for (const rule of rules) {
      if (!evaluatePredicate(this.#compile(rule.predicate), attributes)) continue;
      const ruleAction = rule.action as RiskAction;
      if (ruleAction === 'allow' || ruleAction === 'block') {
        action = ruleAction;
        ruleId = rule.rule_id;
        break;
      }
      if (SEVERITY[ruleAction] > SEVERITY[action]) {
        action = ruleAction;
        ruleId = rule.rule_id;
      }
    }
    if (ruleId) reasons.unshift({ code: 'merchant_rule', detail: `rule ${ruleId} (${action}) matched` });
    // Nothing is written here: the assessment is stored by recordAttempt, with the velocity events, in one transaction.
    const scored = {
      features: features.vector.map((x) => Math.round(x * 1e4) / 1e4),
      model: model.label,
      at,
      attributes: definedAttributes(attributes),
    };
    return { assessmentId: `rsk_${randomBase32Lower(20)}`, score, level, action, reasons, ...(ruleId ? { ruleId } : {}), scored };
  }

  async recordAttempt(record: AttemptRecord): Promise<void> {
    const { context, outcome, decision } = record;
    const at = this.deps.clock.now();
    const resolved = resolveAttempt(context, this.#hash, at);
    await this.deps.repository.recordAttempt({
      merchantId: context.merchantId,
      currency: context.session.currency.toLowerCase(),
      keys: resolved.keys,
      declined: outcome === 'declined' || outcome === 'blocked',
      succeeded: outcome === 'succeeded',
      at,
      amountMinor: context.session.amountMinor,
      customer: { key: resolved.keys.customer, device: resolved.deviceKey, country: resolved.ipCountryKey, emailDomain: resolved.emailDomainKey },
      assessment: decision ? this.#assessmentRow(record, decision, outcome) : undefined,
    });
    // The attempt's decision was stored while it waited for the payer (notePending): its outcome now.
    if (!decision && record.paymentId) await this.deps.repository.settleAssessment(context.merchantId, record.paymentId, outcome);
  }

  /**
   * An attempt that now waits for the payer (the 3-D Secure method or challenge):
   * its decision is stored at once, as `pending`, so the console and the dry run
   * see it; recordAttempt fills in the outcome when the attempt ends.
   */
  async notePending(record: Omit<AttemptRecord, 'outcome'> & { decision: RiskDecision }): Promise<void> {
    await this.deps.repository.insertAssessment(this.#assessmentRow(record, record.decision, 'pending'));
  }

  #assessmentRow(record: Omit<AttemptRecord, 'outcome'>, decision: RiskDecision, outcome: AttemptOutcome | 'pending'): AssessmentRow {
    const { context } = record;
    return {
      id: decision.assessmentId,
      merchant_id: context.merchantId,
      payment_id: record.paymentId ?? context.paymentId ?? null,
      session_id: context.sessionId ?? null,
      features: JSON.stringify(decision.scored.features),
      score: decision.score,
      level: decision.level,
      action: decision.action,
      reasons: JSON.stringify(decision.reasons),
      rule_id: decision.ruleId ?? null,
      model: decision.scored.model,
      outcome,
      created_at: decision.scored.at,
      attributes: decision.scored.attributes ? JSON.stringify(decision.scored.attributes) : null,
    };
  }

  /** Velocity events older than the longest window; run periodically. */
  sweep(): Promise<number> {
    return this.deps.repository.sweep(this.deps.clock.now());
  }

  // Merchant rules

  async listRules(merchantId: string): Promise<RuleView[]> {
    return (await this.deps.repository.rules(merchantId)).map(ruleView);
  }

  /** Parses before storing: a rule that is stored always evaluates. Throws PredicateError for a bad predicate. */
  async addRule(merchantId: string, input: { action: RuleAction; predicate: string }): Promise<RuleView> {
    if (!RULE_ACTIONS.includes(input.action)) throw new ApiError('1010', `action must be one of ${RULE_ACTIONS.join(', ')}`);
    parsePredicate(input.predicate);
    const rule: RuleRow = {
      rule_id: `rule_${randomBase32Lower(20)}`,
      merchant_id: merchantId,
      action: input.action,
      predicate: input.predicate,
      created_at: this.deps.clock.now(),
    };
    if (!(await this.deps.repository.insertRule(rule, MAX_RULES_PER_MERCHANT)))
      throw new ApiError('1010', `at most ${MAX_RULES_PER_MERCHANT} rules per merchant; remove one first`);
    return ruleView(rule);
  }

  async removeRule(merchantId: string, ruleId: string): Promise<{ object: 'risk_rule'; id: string; deleted: true }> {
    if (!(await this.deps.repository.deleteRule(merchantId, ruleId))) throw new ApiError('1011', 'no such rule');
    return { object: 'risk_rule', id: ruleId, deleted: true };
  }

  /** Evaluation order of the merchant's rules: `ruleIds` must name each of them exactly once. */
  async reorderRules(merchantId: string, ruleIds: string[]): Promise<RuleView[]> {
    if (!(await this.deps.repository.reorderRules(merchantId, ruleIds)))
      throw new ApiError('1010', 'rule_ids must list each of your current rules exactly once (the list changed? reload it)', {}, { param: 'rule_ids' });
    return this.listRules(merchantId);
  }

  /**
   * What a rule would have done on the merchant's assessed payments since
   * `since` (dry-run.ts). Nothing is stored.
   */
  dryRunRule(merchantId: string, predicate: string, since: number): Promise<DryRun> {
    return dryRunRule(this.deps.repository, merchantId, predicate, since);
  }

  /** The merchant's decisions since `since` per time bucket (bucket 0 starts at `since`) and action: the console's chart. */
  decisionsSince(merchantId: string, since: number, bucketMs: number): Promise<Array<{ bucket: number; action: string; count: number }>> {
    return this.deps.repository.decisionsSince(merchantId, since, bucketMs);
  }

  /** What the engine does with a score, for the console's settings page: levels, default actions, the model in force. */
  async policy(merchantId: string) {
    const [model, rules] = await Promise.all([this.currentModel(), this.deps.repository.rules(merchantId)]);
    return {
      thresholds: { elevated: THRESHOLDS.elevated, highest: THRESHOLDS.highest },
      default_actions: { ...DEFAULT_ACTIONS },
      model: model.label,
      rules: rules.length,
    };
  }

  // Feedback

  /** The merchant's report on a payment, if any. */
  async fraudReportOf(merchantId: string, paymentId: string): Promise<{ fraudulent: boolean; updated_at: string } | null> {
    const row = await this.deps.repository.fraudReport(merchantId, paymentId);
    return row ? { fraudulent: row.fraudulent === 1, updated_at: new Date(row.updated_at).toISOString() } : null;
  }

  async reportFraud(merchantId: string, paymentId: string, fraudulent: boolean) {
    const payment = await this.deps.payments.findById(paymentId);
    // Another merchant's payment is indistinguishable from none.
    if (!payment || payment.merchant_id !== merchantId) throw new ApiError('1011', 'no such payment');
    const stored = await this.deps.repository.upsertFraudReport(merchantId, paymentId, fraudulent, this.deps.clock.now());
    return {
      object: 'fraud_report' as const,
      payment_id: paymentId,
      fraudulent,
      created_at: new Date(stored.created_at).toISOString(),
      updated_at: new Date(stored.updated_at).toISOString(),
    };
  }

  /**
   * Refits the weights and stores them for every gateway process (each picks
   * them up within modelRefreshMs); see retrain.ts.
   */
  async retrain(options: { synthetic?: boolean } = {}): Promise<RetrainResult> {
    const now = this.deps.clock.now();
    const result = await retrainModel(this.deps.repository, now, options, async () => (await this.#currentModel(now, true)).weights);
    this.#model = undefined;
    return result;
  }

  /** The weights in force: the newest retrain of this deployment, else the shipped file. */
  async currentModel(): Promise<{ label: string; weights: ModelWeights }> {
    return this.#currentModel(this.deps.clock.now(), true);
  }

  async #currentModel(now: number, fresh = false): Promise<{ weights: ModelWeights; label: string }> {
    const refreshMs = this.deps.modelRefreshMs ?? 30_000;
    if (!fresh && this.#model && now - this.#model.checkedAt < refreshMs && now >= this.#model.checkedAt) return this.#model;
    const row = await this.deps.repository.latestModel();
    let model = { weights: this.#shipped, label: 'shipped', checkedAt: now };
    if (row) {
      try {
        model = { weights: checkWeights(JSON.parse(row.weights)), label: `model_${row.id}`, checkedAt: now };
      } catch (err) {
        // A stored model that no longer fits this version's features: score with the shipped weights, and say so.
        this.deps.logger?.warn({ err, model_id: row.id }, 'stored risk model does not fit this version; using the shipped weights');
      }
    }
    this.#model = model;
    return model;
  }

  #compile(predicate: string): Predicate {
    let tree = this.#parsed.get(predicate);
    if (!tree) {
      if (this.#parsed.size >= 5000) this.#parsed.clear();
      tree = parsePredicate(predicate);
      this.#parsed.set(predicate, tree);
    }
    return tree;
  }
}
