import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { VelocityKind } from './features.js';

/** The profile's 24 hour-of-day counters, h00 … h23. */
export type HourColumn = `h${string}`;

/** The risk engine's tables (migrations 0010 on) and the rows the repository reads and writes. */
export type RiskTables = {
  risk_velocity_events: {
    id: import('kysely').Generated<number>;
    merchant_id: string;
    key_hash: string;
    kind: string;
    card_hash: string | null;
    declined: number;
    at: number;
  };
  risk_merchant_profiles: { merchant_id: string; currency: string; n: number; sum_log: number; sum_sq_log: number; updated_at: number } & Record<
    HourColumn,
    number
  >;
  risk_customer_links: { merchant_id: string; customer_hash: string; kind: string; value_hash: string; first_seen: number; last_seen: number };
  risk_assessments: {
    id: string;
    merchant_id: string;
    payment_id: string | null;
    session_id: string | null;
    features: string;
    score: number;
    level: string;
    action: string;
    reasons: string;
    rule_id: string | null;
    model: string;
    outcome: string;
    created_at: number;
    /** JSON of the rule attributes evaluated (migration 0019); null on older rows. */
    attributes: string | null;
  };
  risk_fraud_reports: { payment_id: string; merchant_id: string; fraudulent: number; created_at: number; updated_at: number };
  risk_rules: { id: import('kysely').Generated<number>; rule_id: string; merchant_id: string; action: string; predicate: string; created_at: number };
  risk_models: { id: import('kysely').Generated<number>; source: string; weights: string; metrics: string; created_at: number };
};

export type RiskDb = Kysely<Database & RiskTables>;
export type RuleRow = { rule_id: string; merchant_id: string; action: string; predicate: string; created_at: number };
export type AssessmentRow = RiskTables['risk_assessments'];

export interface VelocityRow {
  kind: string;
  attempts24h: number | string;
  declines24h: number | string | null;
  attempts1h: number | string | null;
  declines1h: number | string | null;
  cards24h: number | string | null;
}

export interface HistoryQuery {
  merchantId: string;
  currency: string;
  keys: Partial<Record<VelocityKind, string>>;
  customerKey: string | undefined;
  now: number;
}

export interface AttemptRow {
  merchantId: string;
  currency: string;
  keys: Partial<Record<VelocityKind, string>>;
  declined: boolean;
  succeeded: boolean;
  at: number;
  amountMinor: number;
  customer: { key?: string; device?: string; country?: string; emailDomain?: string };
  /** The assessment that preceded the attempt, stored in the same transaction (an attempt recorded twice keeps the first). */
  assessment?: AssessmentRow;
}
