import type { MerchantsTable, MerchantKeysTable, AuthFailuresTable } from './tables/merchants.js';
import type { AuditLogTable, AuditChainTable } from './tables/audit.js';
import type { CheckoutSessionsTable, SessionTransitionsTable, CardSessionsTable } from './tables/sessions.js';
import type { PaymentsTable, PaymentTransitionsTable, RefundsTable } from './tables/payments.js';
import type { WebhookSecretsTable, WebhookEventsTable, WebhookDeliveriesTable, WebhookEndpointsTable, WebhookAttemptsTable } from './tables/webhooks.js';
import type { OtpChallengesTable, OtpRateLimitsTable, OtpOutboxTable } from './tables/otp.js';
import type {
  DashboardUsersTable,
  DashboardSetupLinksTable,
  DashboardRecoveryCodesTable,
  DashboardSessionsTable,
  DashboardSignInThrottleTable,
} from './tables/dashboard.js';
import type { IdempotencyKeysTable } from './tables/idempotency.js';

export type * from './tables/merchants.js';
export type * from './tables/audit.js';
export type * from './tables/sessions.js';
export type * from './tables/payments.js';
export type * from './tables/webhooks.js';
export type * from './tables/otp.js';
export type * from './tables/dashboard.js';
export type * from './tables/idempotency.js';

/** One row /readyz rewrites to prove the database accepts writes (0008). */
export interface StorageProbeTable {
  id: number;
  touched_at: number;
}

/**
 * Table types shared by both dialects. Times are integer milliseconds since
 * the epoch (bigint in PostgreSQL, parsed back to number); lists and maps are
 * JSON text so the same migrations run on SQLite and PostgreSQL. Each
 * module's tables are declared in tables/; this file puts them together.
 */
export interface Database {
  merchants: MerchantsTable;
  merchant_keys: MerchantKeysTable;
  webhook_secrets: WebhookSecretsTable;
  audit_log: AuditLogTable;
  audit_chain: AuditChainTable;
  idempotency_keys: IdempotencyKeysTable;
  checkout_sessions: CheckoutSessionsTable;
  payments: PaymentsTable;
  payment_transitions: PaymentTransitionsTable;
  session_transitions: SessionTransitionsTable;
  refunds: RefundsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_endpoints: WebhookEndpointsTable;
  otp_challenges: OtpChallengesTable;
  otp_rate_limits: OtpRateLimitsTable;
  otp_outbox: OtpOutboxTable;
  auth_failures: AuthFailuresTable;
  storage_probe: StorageProbeTable;
  dashboard_users: DashboardUsersTable;
  dashboard_setup_links: DashboardSetupLinksTable;
  dashboard_recovery_codes: DashboardRecoveryCodesTable;
  dashboard_sessions: DashboardSessionsTable;
  dashboard_sign_in_throttle: DashboardSignInThrottleTable;
  card_sessions: CardSessionsTable;
}
