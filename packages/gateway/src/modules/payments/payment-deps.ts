import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { CardNetwork } from '../../connectors/card-network.js';
import type { Storage } from '../../storage/database.js';
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
  risk: { assess(context: RiskContext): Promise<RiskDecision>; recordAttempt(record: AttemptRecord): Promise<void> };
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  /** Pay without 3-D Secure when the card cannot be authenticated (liability stays with the merchant). */
  payWhenAuthenticationUnavailable: boolean;
}

/** A `processing` payment untouched this long was left behind by a crash: reconcile it. */
export const PROCESSING_STALE_MS = 120_000;
/** How long a pending outcome waits before the network is asked again. */
export const RECONCILE_BACKOFF_MS = 30_000;
/**
 * Fast reconciliation rounds per payment (30 s apart: 20 minutes). Past them the payment
 * stays pending (money may have moved: it is never failed for want of an answer), an
 * alert is raised (error log + pdirect_reconcile_exhausted_total) and it is asked hourly.
 */
export const RECONCILE_MAX_ATTEMPTS = 40;
export const RECONCILE_SLOW_BACKOFF_MS = 3_600_000;
