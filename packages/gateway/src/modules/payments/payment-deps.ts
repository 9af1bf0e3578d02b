import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuditRecord } from '../audit/audit-repository.js';
import type { Database } from '../../storage/schema.js';
import type { Clock } from '../../clock.js';
import type { CardNetwork } from '../../connectors/card-network.js';
import type { Storage } from '../../storage/database.js';
import type { Merchant } from '../merchants/merchant-repository.js';
import type { AttemptRecord, RiskContext, RiskDecision } from '../risk/types.js';
import type { SessionService } from '../sessions/session-service.js';
import type { PaymentRepository } from './payment-repository.js';

/** What every payment use case needs, wired once in gateway.ts. */
export interface PaymentDeps {
  storage: Storage;
  payments: PaymentRepository;
  /** The session module: its named transitions are the only way a payment changes a session. */
  sessions: SessionService;
  network: CardNetwork;
  /** Fraud screening (modules/risk): scored before money moves, told every outcome. */
  risk: {
    assess(context: RiskContext): Promise<RiskDecision>;
    recordAttempt(record: AttemptRecord): Promise<void>;
    notePending(record: Omit<AttemptRecord, 'outcome'> & { decision: RiskDecision }): Promise<void>;
  };
  /** The merchant's settings (the security-code policy). */
  merchants: { get(merchantId: string): Promise<Merchant> };
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  /** Pay without 3-D Secure when the card cannot be authenticated (liability stays with the merchant). */
  payWhenAuthenticationUnavailable: boolean;
  /** How long an attempt's lease lasts unless renewed; default LEASE_TTL_MS. Every reconciliation timing follows it (paymentTimings). */
  leaseTtlMs?: number;
  /** How often (real time) a live attempt renews its lease; default a third of the lease. */
  leaseRenewMs?: number;
  /** Where a money-moving request's audit record is written, in the transaction of its state change. */
  auditTrail?: { insertMany(records: AuditRecord[], inTransaction?: Kysely<Database>): Promise<void> };
  /** Called (besides an error log) when money moved where it must not have: a charge on a failed payment. */
  onAlert?: (alert: MoneyAlert) => void;
  /** How long an authorization waits for the merchant's capture before the sweeper voids it. */
  captureWindowMs: number;
}

/** What the alert hook receives: which payment, what was found, and what was done about it. */
export interface MoneyAlert {
  kind: 'late_charge';
  paymentId: string;
  sessionId: string;
  merchantId: string;
  /** `voided` or `refunded` when the charge was reversed; `reversal_failed` when a human must act. */
  action: 'voided' | 'refunded' | 'reversal_failed';
}

/** An attempt's lease lasts this long on the clock unless its live process renews it (PDIRECT_PAYMENT_LEASE_SECONDS). */
export const LEASE_TTL_MS = 30_000;

/**
 * Every timing of in-flight attempts and reconciliation, from the lease
 * (defaults in brackets): renewed every third of it [10 s]; an attempt's
 * deadline is the connector's worst case plus two leases [60 s] (clock skew
 * between processes, the time to store an answer); a `processing` payment
 * untouched for four leases [120 s] with its lease expired was stranded; a
 * pending outcome is asked again after one lease [30 s], and the
 * reconciliation loop runs every lease [30 s].
 */
export function paymentTimings(deps: Pick<PaymentDeps, 'leaseTtlMs' | 'leaseRenewMs'>) {
  const leaseMs = deps.leaseTtlMs ?? LEASE_TTL_MS;
  return {
    leaseMs,
    renewMs: deps.leaseRenewMs ?? Math.max(1, Math.floor(leaseMs / 3)),
    deadlineMarginMs: 2 * leaseMs,
    processingStaleMs: 4 * leaseMs,
    reconcileBackoffMs: leaseMs,
  };
}

/**
 * Until when a transaction of this attempt may still reach the network: the
 * connector's worst case for what is left of the attempt, from now. A
 * collect runs two 3-D Secure calls and a settled PAY; a challenge's return
 * one retrieve and a settled PAY.
 */
export function attemptDeadline(deps: Pick<PaymentDeps, 'network' | 'clock' | 'leaseTtlMs' | 'leaseRenewMs'>, phase: 'collect' | 'challenge'): number {
  const { callMs, settleMs } = deps.network.worstCase;
  return deps.clock.now() + (phase === 'collect' ? 2 : 1) * callMs + settleMs + paymentTimings(deps).deadlineMarginMs;
}

/**
 * How old a pending refund must be before the reconciler may conclude from
 * "the network has no such refund" that it never arrived: past the
 * connector's worst case for a settled call, like a payment's deadline.
 */
export function refundStaleMs(deps: Pick<PaymentDeps, 'network' | 'leaseTtlMs' | 'leaseRenewMs'>): number {
  const timings = paymentTimings(deps);
  return Math.max(timings.processingStaleMs, deps.network.worstCase.settleMs + timings.deadlineMarginMs);
}

/**
 * Fast reconciliation rounds per payment (a lease apart, paymentTimings().reconcileBackoffMs:
 * 20 minutes with the default lease). Past them the payment stays pending (money may have
 * moved: it is never failed for want of an answer), an alert is raised (error log +
 * pdirect_reconcile_exhausted_total) and it is asked hourly.
 */
export const RECONCILE_MAX_ATTEMPTS = 40;
export const RECONCILE_SLOW_BACKOFF_MS = 3_600_000;
