/**
 * The seam between the risk engine and the payment flow. The payment flow
 * builds a RiskContext for every attempt, calls `RiskService.assess` before
 * money moves, acts on `decision.action`, and reports the outcome with
 * `RiskService.recordAttempt` (which feeds the velocity counters and the
 * merchant's history). docs/risk.md shows the integration.
 */

export type RiskLevel = 'normal' | 'elevated' | 'highest';
export type RiskAction = 'allow' | 'review' | 'request_3ds' | 'block';
export type ThreeDsOutcome = 'authenticated' | 'failed' | 'not_attempted';

export interface RiskContext {
  merchantId: string;
  /** The payment this attempt is (when the flow creates it before assessing); links the assessment for fraud reports. */
  paymentId?: string | null;
  sessionId?: string | null;
  session: {
    /** Decimal string as the merchant sent it ("12.50"). */
    amount: string;
    amountMinor: number;
    currency: string;
    customerReference: string;
    email?: string | null;
    createdAt: number;
  };
  clientIp?: string | null;
  /** The SDK's X-Device-Fingerprint (SHA-256 hex). */
  deviceFingerprint?: string | null;
  card?: {
    brand?: string | null;
    /** Masked number as the network returns it (512345xxxxxx2346). */
    masked?: string | null;
    expiry?: string | null;
    /** The network's card fingerprint, when it provides one (preferred over masked + expiry). */
    fingerprint?: string | null;
    /** ISO 3166 alpha-2 of the issuer, when the network reports it. */
    issuingCountry?: string | null;
  } | null;
  /** 3-D Secure outcome, when known at assessment time. */
  threeDs?: ThreeDsOutcome | null;
}

export interface RiskReason {
  code: string;
  detail: string;
}

export interface RiskDecision {
  /** Id of the assessment; it is stored by recordAttempt with the features it was scored on (what a fraud report later trains on). */
  assessmentId: string;
  score: number;
  level: RiskLevel;
  action: RiskAction;
  reasons: RiskReason[];
  /** The merchant rule that decided the action, if one did. */
  ruleId?: string;
  /**
   * What recordAttempt stores with the assessment: the feature vector and the model that scored it, and the
   * rule attributes it was evaluated on (what a dry run of a new rule evaluates against).
   */
  scored: { features: number[]; model: string; at: number; attributes?: Record<string, string | number | boolean> };
}

/** The `risk` object of the payment, its webhooks and its audit record. */
export interface RiskView {
  score: number;
  level: RiskLevel;
  action: RiskAction;
  reasons: RiskReason[];
  rule_id?: string;
}

export function riskView(decision: RiskDecision): RiskView {
  return {
    score: decision.score,
    level: decision.level,
    action: decision.action,
    reasons: decision.reasons.map((r) => ({ code: r.code, detail: r.detail })),
    ...(decision.ruleId ? { rule_id: decision.ruleId } : {}),
  };
}

/**
 * succeeded: money moved (or was authorised); declined: the network said no;
 * blocked: refused by risk or a lock before the network; failed: an error
 * that says nothing about the card (not counted as a decline).
 */
export type AttemptOutcome = 'succeeded' | 'declined' | 'blocked' | 'failed';

export interface AttemptRecord {
  context: RiskContext;
  outcome: AttemptOutcome;
  /** The decision `assess` returned for this attempt: stored with the payment id, so fraud reports can train on it. */
  decision?: RiskDecision;
  paymentId?: string | null;
}
