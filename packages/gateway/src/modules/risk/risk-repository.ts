import { type Kysely, sql } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { Database } from '../../storage/schema.js';
import { velocityReader } from './velocity-query.js';
import type { AssessmentRow, AttemptRow, HistoryQuery, HourColumn, RiskDb, RiskTables, RuleRow, VelocityRow } from './risk-tables.js';
import { NO_VELOCITY, type CustomerHistory, type MerchantProfile, type RiskHistory, type VelocityCounts, type VelocityKind } from './features.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOURS = Array.from({ length: 24 }, (_, h) => `h${String(h).padStart(2, '0')}` as HourColumn);

class RulesChanged extends Error {}

/**
 * The risk engine's storage on SQLite and PostgreSQL. Velocity is an
 * append-only event log read over sliding windows, so concurrent writers in
 * any number of processes never lose a count; the merchant profile is
 * updated by single-statement atomic increments; customer links are
 * idempotent upserts. An assessment reads at most four small indexed ranges.
 */
export class RiskRepository {
  readonly db: RiskDb;
  constructor(db: Kysely<Database>) {
    this.db = db.withTables<RiskTables>();
    this.#velocity = velocityReader(this.db);
  }

  // Every payment attempt runs these before money moves: built and compiled once (storage/precompiled.ts).
  readonly #profile = precompiled<RiskTables['risk_merchant_profiles']>(
    () => this.db,
    (p) => this.db.selectFrom('risk_merchant_profiles').selectAll().where('merchant_id', '=', p('merchantId')).where('currency', '=', p('currency')),
  );
  readonly #links = precompiled<{ kind: string; value_hash: string }>(
    () => this.db,
    (p) =>
      this.db
        .selectFrom('risk_customer_links')
        .select(['kind', 'value_hash'])
        .where('merchant_id', '=', p('merchantId'))
        .where('customer_hash', '=', p('customerHash'))
        .limit(500),
  );
  readonly #rules = precompiled<RuleRow>(
    () => this.db,
    (p) =>
      this.db
        .selectFrom('risk_rules')
        .select(['rule_id', 'merchant_id', 'action', 'predicate', 'created_at'])
        .where('merchant_id', '=', p('merchantId'))
        .orderBy('id'),
  );
  readonly #velocity: ReturnType<typeof velocityReader>;

  async history(q: HistoryQuery): Promise<RiskHistory> {
    const entries = Object.entries(q.keys) as Array<[VelocityKind, string]>;
    const [velocityRows, profileRow, links] = await Promise.all([
      entries.length === 0 ? Promise.resolve([] as VelocityRow[]) : this.#velocity(q, entries),
      this.#profile({ merchantId: q.merchantId, currency: q.currency }).then((rows) => rows[0]),
      q.customerKey ? this.#links({ merchantId: q.merchantId, customerHash: q.customerKey }) : Promise.resolve([]),
    ]);
    const velocity: Partial<Record<VelocityKind, VelocityCounts>> = {};
    for (const row of velocityRows) {
      velocity[row.kind as VelocityKind] = {
        ...NO_VELOCITY,
        attempts24h: Number(row.attempts24h),
        declines24h: Number(row.declines24h ?? 0),
        attempts1h: Number(row.attempts1h ?? 0),
        declines1h: Number(row.declines1h ?? 0),
        cards24h: Number(row.cards24h ?? 0),
      };
    }
    const profile: MerchantProfile | undefined = profileRow
      ? { n: profileRow.n, sumLog: Number(profileRow.sum_log), sumSqLog: Number(profileRow.sum_sq_log), hours: HOURS.map((h) => Number(profileRow[h])) }
      : undefined;
    let customer: CustomerHistory | undefined;
    if (links.length > 0) {
      customer = { devices: new Set(), countries: new Set(), emailDomains: new Set() };
      for (const l of links) (l.kind === 'device' ? customer.devices : l.kind === 'country' ? customer.countries : customer.emailDomains).add(l.value_hash);
    }
    return { velocity, profile, customer };
  }

  /** A decision stored before its attempt ends (outcome `pending`). */
  async insertAssessment(row: AssessmentRow): Promise<void> {
    await this.db
      .insertInto('risk_assessments')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /** The outcome of an attempt whose decision was stored while it waited for the payer. */
  async settleAssessment(merchantId: string, paymentId: string, outcome: string): Promise<void> {
    await this.db
      .updateTable('risk_assessments')
      .set({ outcome })
      .where('merchant_id', '=', merchantId)
      .where('payment_id', '=', paymentId)
      .where('outcome', '=', 'pending')
      .execute();
  }

  /** Counts one attempt for every identity; a success also joins the merchant's and the customer's history. */
  async recordAttempt(a: AttemptRow): Promise<void> {
    const entries = Object.entries(a.keys) as Array<[VelocityKind, string]>;
    await this.db.transaction().execute(async (trx) => {
      if (a.assessment)
        await trx
          .insertInto('risk_assessments')
          .values(a.assessment)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      if (entries.length > 0) {
        await trx
          .insertInto('risk_velocity_events')
          .values(
            entries.map(([kind, key]) => ({
              merchant_id: a.merchantId,
              key_hash: key,
              kind,
              card_hash: a.keys.card ?? null,
              declined: a.declined ? 1 : 0,
              at: a.at,
            })),
          )
          .execute();
      }
      if (!a.succeeded) return;
      const l = Math.log1p(a.amountMinor);
      const hour = HOURS[new Date(a.at).getUTCHours()]!;
      await trx
        .insertInto('risk_merchant_profiles')
        .values({ merchant_id: a.merchantId, currency: a.currency, n: 1, sum_log: l, sum_sq_log: l * l, [hour]: 1, updated_at: a.at } as never)
        .onConflict((oc) =>
          oc.columns(['merchant_id', 'currency']).doUpdateSet((eb) => ({
            n: eb('risk_merchant_profiles.n', '+', 1),
            sum_log: eb('risk_merchant_profiles.sum_log', '+', l),
            sum_sq_log: eb('risk_merchant_profiles.sum_sq_log', '+', l * l),
            [hour]: eb(`risk_merchant_profiles.${hour}` as 'risk_merchant_profiles.h00', '+', 1),
            updated_at: a.at,
          })),
        )
        .execute();
      const c = a.customer;
      if (!c.key) return;
      const links = (
        [
          ['device', c.device],
          ['country', c.country],
          ['domain', c.emailDomain],
        ] as const
      ).filter((x): x is readonly ['device' | 'country' | 'domain', string] => Boolean(x[1]));
      if (links.length === 0) return;
      await trx
        .insertInto('risk_customer_links')
        .values(
          links.map(([kind, value]) => ({ merchant_id: a.merchantId, customer_hash: c.key!, kind, value_hash: value, first_seen: a.at, last_seen: a.at })),
        )
        .onConflict((oc) =>
          oc.columns(['merchant_id', 'customer_hash', 'kind', 'value_hash']).doUpdateSet((eb) => ({ last_seen: eb.ref('excluded.last_seen') })),
        )
        .execute();
    });
  }

  /** Velocity events past the longest window say nothing any more. */
  async sweep(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('risk_velocity_events')
      .where('at', '<=', now - DAY)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async upsertFraudReport(merchantId: string, paymentId: string, fraudulent: boolean, at: number): Promise<{ created_at: number; updated_at: number }> {
    await this.db
      .insertInto('risk_fraud_reports')
      .values({ payment_id: paymentId, merchant_id: merchantId, fraudulent: fraudulent ? 1 : 0, created_at: at, updated_at: at })
      .onConflict((oc) => oc.column('payment_id').doUpdateSet({ fraudulent: fraudulent ? 1 : 0, updated_at: at }))
      .execute();
    return this.db.selectFrom('risk_fraud_reports').select(['created_at', 'updated_at']).where('payment_id', '=', paymentId).executeTakeFirstOrThrow();
  }

  /** Every report with the features of the payment's latest assessment (what retraining learns from). */
  async labelledExamples(): Promise<Array<{ features: string; fraudulent: number }>> {
    const rows = await this.db
      .selectFrom('risk_fraud_reports as r')
      .innerJoin('risk_assessments as a', 'a.payment_id', 'r.payment_id')
      .select(['r.payment_id', 'r.fraudulent', 'a.features', 'a.created_at'])
      .orderBy('r.payment_id')
      .orderBy('a.created_at', 'desc')
      .execute();
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.payment_id) && seen.add(r.payment_id)).map((r) => ({ features: r.features, fraudulent: r.fraudulent }));
  }

  rules(merchantId: string): Promise<RuleRow[]> {
    return this.#rules({ merchantId });
  }

  /** Adds a rule at the end of the merchant's list, unless the list is full (checked in the same transaction). */
  async insertRule(rule: RuleRow, maxRules: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const { count } = await trx
        .selectFrom('risk_rules')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('merchant_id', '=', rule.merchant_id)
        .executeTakeFirstOrThrow();
      if (Number(count) >= maxRules) return false;
      await trx.insertInto('risk_rules').values(rule).execute();
      return true;
    });
  }

  /**
   * Puts the merchant's rules in the given order (the serial id is the
   * evaluation order: each rule is deleted and inserted again, keeping its
   * rule_id and created_at, in one transaction). False, and nothing changed,
   * unless `ruleIds` names exactly the merchant's current rules.
   */
  async reorderRules(merchantId: string, ruleIds: string[]): Promise<boolean> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        const current = await trx
          .selectFrom('risk_rules')
          .select(['rule_id', 'merchant_id', 'action', 'predicate', 'created_at'])
          .where('merchant_id', '=', merchantId)
          .orderBy('id')
          .execute();
        const byId = new Map(current.map((r) => [r.rule_id, r]));
        if (ruleIds.length !== current.length || new Set(ruleIds).size !== ruleIds.length || !ruleIds.every((id) => byId.has(id))) return false;
        if (ruleIds.length === 0) return true;
        const deleted = await trx.deleteFrom('risk_rules').where('merchant_id', '=', merchantId).where('rule_id', 'in', ruleIds).executeTakeFirst();
        // A concurrent reorder or removal got there first: leave it as it is.
        if (Number(deleted.numDeletedRows) !== ruleIds.length) throw new RulesChanged();
        for (const id of ruleIds) await trx.insertInto('risk_rules').values(byId.get(id)!).execute();
        return true;
      })
      .catch((err: unknown) => {
        if (err instanceof RulesChanged) return false;
        throw err;
      });
  }

  /**
   * The newest assessment of each of the merchant's payments since `since`
   * (at most `limit` assessments read, newest first): what a dry run of a
   * rule evaluates.
   */
  async recentAssessments(
    merchantId: string,
    since: number,
    limit: number,
  ): Promise<Array<Pick<AssessmentRow, 'payment_id' | 'score' | 'level' | 'action' | 'outcome' | 'created_at' | 'attributes'>>> {
    const rows = await this.db
      .selectFrom('risk_assessments')
      .select(['payment_id', 'score', 'level', 'action', 'outcome', 'created_at', 'attributes'])
      .where('merchant_id', '=', merchantId)
      .where('created_at', '>=', since)
      .where('payment_id', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.payment_id!) && seen.add(r.payment_id!));
  }

  /** Dashboard charts: the merchant's risk decisions since `since`, by time bucket and action. */
  async decisionsSince(merchantId: string, since: number, bucketMs: number): Promise<Array<{ bucket: number; action: string; count: number }>> {
    // Inlined integers (computed by the caller, never input), so SELECT and GROUP BY are the same expression on PostgreSQL.
    const bucket = sql<number | string>`(created_at - ${sql.lit(Math.trunc(since))}) / ${sql.lit(Math.trunc(bucketMs))}`;
    const rows = await this.db
      .selectFrom('risk_assessments')
      .select([bucket.as('bucket'), 'action', (eb) => eb.fn.countAll<number | string>().as('count')])
      .where('merchant_id', '=', merchantId)
      .where('created_at', '>=', since)
      .groupBy([bucket, 'action'])
      .execute();
    return rows.map((r) => ({ bucket: Math.floor(Number(r.bucket)), action: r.action, count: Number(r.count) }));
  }

  async fraudReport(merchantId: string, paymentId: string): Promise<{ fraudulent: number; updated_at: number } | undefined> {
    return this.db
      .selectFrom('risk_fraud_reports')
      .select(['fraudulent', 'updated_at'])
      .where('merchant_id', '=', merchantId)
      .where('payment_id', '=', paymentId)
      .executeTakeFirst();
  }

  /** Deletes only within the merchant's own rules: another merchant's id deletes nothing. */
  async deleteRule(merchantId: string, ruleId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('risk_rules').where('merchant_id', '=', merchantId).where('rule_id', '=', ruleId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async latestModel(): Promise<{ id: number; source: string; weights: string; metrics: string; created_at: number } | undefined> {
    return this.db.selectFrom('risk_models').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  }

  async insertModel(source: string, weights: string, metrics: string, at: number): Promise<number> {
    const row = await this.db.insertInto('risk_models').values({ source, weights, metrics, created_at: at }).returning('id').executeTakeFirstOrThrow();
    return Number(row.id);
  }
}
