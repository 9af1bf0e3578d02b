import type { Logger } from 'pino';
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
  risk: { assess(context: RiskContext): Promise<RiskDecision>; recordAttempt(record: AttemptRecord): Promise<void> };
  /** The merchant's settings (the security-code policy). */
  merchants: { get(merchantId: string): Promise<Merchant> };
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  /** Pay without 3-D Secure when the card cannot be authenticated (liability stays with the merchant). */
  payWhenAuthenticationUnavailable: boolean;
  /** How long an authorization waits for the merchant's capture before the sweeper voids it. */
  captureWindowMs: number;
}

/** A `processing` payment untouched this long was left behind by a crash: reconcile it. */
export const PROCESSING_STALE_MS = 120_000;
/** How long a pending outcome waits before the network is asked again. */
export const RECONCILE_BACKOFF_MS = 30_000;
