/**
 * The wired services, as a type only: the HTTP edge (http/app.ts) and the
 * CLI depend on this, not on gateway.ts, so neither imports its composer.
 */
import type { Clock } from './clock.js';
import type { CardNetwork } from './connectors/card-network.js';
import type { GatewayKeys } from './gateway-keys.js';
import type { AuditLog } from './modules/audit/audit-log.js';
import type { AuditRepository } from './modules/audit/audit-repository.js';
import type { IdempotencyService } from './modules/idempotency/idempotency-service.js';
import type { MerchantAuthenticator } from './modules/keys/authenticator.js';
import type { KeyService } from './modules/keys/key-service.js';
import type { MerchantService } from './modules/merchants/merchant-service.js';
import type { Tracing } from './observability/tracing.js';
import type { OtpService } from './modules/otp/otp-service.js';
import type { PaymentService } from './modules/payments/payment-service.js';
import type { RiskService } from './modules/risk/risk-service.js';
import type { SessionService } from './modules/sessions/session-service.js';
import type { UserService } from './modules/users/user-service.js';
import type { WebhookService } from './modules/webhooks/webhook-service.js';
import type { Storage } from './storage/database.js';

/** Everything the routes and the CLI call, wired once. */
export interface GatewayServices {
  storage: Storage;
  clock: Clock;
  keys: GatewayKeys;
  authenticator: MerchantAuthenticator;
  keyService: KeyService;
  merchants: MerchantService;
  audit: AuditLog;
  auditRepository: AuditRepository;
  /** Secret rotation, redelivery, and the delivery worker (started by `listen()` or `pdirect worker`). */
  webhooks: WebhookService;
  idempotency: IdempotencyService;
  sessions: SessionService;
  payments: PaymentService;
  /** The configured card network (PDIRECT_CARD_NETWORK); undefined when not configured (CLI use). */
  network: CardNetwork | undefined;
  /** Customer OTP: send, resend, verify; the sandbox outbox. */
  otp: OtpService;
  /** Dashboard users: setup links, sign-in, browser sessions, team. */
  users: UserService;
  /** Fraud screening: assess/recordAttempt (the seam for the payment flow), merchant rules, fraud reports, retraining. */
  risk: RiskService;
  /** OpenTelemetry spans (PDIRECT_TRACING / OTEL_*); undefined when tracing is off. */
  tracing: Tracing | undefined;
}
