import type { Generated } from 'kysely';

/**
 * Table types shared by both dialects. Times are integer milliseconds since
 * the epoch (bigint in PostgreSQL, parsed back to number); lists and maps are
 * JSON text so the same migrations run on SQLite and PostgreSQL.
 */
export interface MerchantsTable {
  id: string;
  name: string;
  mode: 'test' | 'live';
  /** JSON array of lower-case host names (redirect / notify allow-list). */
  redirect_hosts: string;
  /** off | warn | enforce, or null for the default (warn for 14 days, then enforce). */
  fingerprint_mode: string | null;
  /** JSON array of the security-code results declined (match, no_match, not_processed, not_provided); null = the default. */
  security_code_decline: string | null;
  created_at: number;
  updated_at: number;
}

export interface MerchantKeysTable {
  key_id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  /** Argon2id PHC string of the whole merchant_secret. */
  secret_hash: string;
  /** JSON array of CIDR strings; empty = any source address. */
  ip_allowlist: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface WebhookSecretsTable {
  id: string;
  merchant_id: string;
  /** Fernet token of the whsec_ secret under a key derived from the master key. */
  ciphertext: string;
  created_at: number;
  /** Set when superseded by a rotation: the old secret still signs until then. */
  expires_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  request_id: string;
  at: number;
  credential_type: string;
  credential_id: string | null;
  merchant_id: string | null;
  source_ip: string;
  user_agent: string | null;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  body_fingerprint: string | null;
  /** JSON array of warnings, e.g. a fingerprint mismatch in warn mode. */
  warnings: string;
  /** Position in the tamper-evident chain (1, 2, …); null only for records written before it existed. */
  chain_seq: number | null;
  /** HMAC-SHA256 hex of the previous record's chain_hash and this record (modules/audit/chain.ts). */
  chain_hash: string | null;
  /** Master-key version whose derived chain key made chain_hash. */
  chain_key_version: number | null;
}

/** The head of the audit chain: one row (`main`), locked by every append. */
export interface AuditChainTable {
  id: string;
  seq: number;
  hash: string;
  updated_at: number;
}

export type SessionStatus = 'open' | 'processing' | 'authorized' | 'paid' | 'expired' | 'cancelled' | 'locked';

export interface CheckoutSessionsTable {
  id: string;
  merchant_id: string;
  /** SHA-256 hex of the session_token; the token itself is never stored. */
  token_hash: string;
  /** The decimal string exactly as the merchant sent it (compared byte for byte). */
  amount: string;
  amount_minor: number;
  /** As the merchant sent it (e.g. "usd"). */
  currency: string;
  customer_reference: string;
  order_id: string;
  notify_url: string;
  success_redirect_url: string;
  fail_redirect_url: string;
  /** Where "Back to the merchant" goes (allow-listed); null = the fail page. Migration 0017. */
  cancel_url: string | null;
  /** The checkout's language (`en`, `id`); null = from the shopper's Accept-Language. Migration 0017. */
  locale: string | null;
  capture_mode: string;
  /** automatic | manual (the merchant captures or cancels the authorization); the database defaults it to automatic. */
  capture_method: Generated<string>;
  require_otp: number;
  otp_verified_at: number | null;
  /** Keyring ciphertext of {email, phone}. */
  customer_enc: string | null;
  /** Keyring ciphertext of the metadata map. */
  metadata_enc: string | null;
  status: SessionStatus;
  device_fingerprint: string | null;
  current_payment_id: string | null;
  expires_at: number;
  created_at: number;
  updated_at: number;
}

export interface PaymentsTable {
  id: string;
  session_id: string;
  merchant_id: string;
  order_id: string;
  amount: string;
  amount_minor: number;
  currency: string;
  customer_reference: string;
  status: string;
  hosted_session_id: string;
  /** The registered card network that moves this payment (connectors/index.ts). */
  network: string;
  /** The order reference at the network; recorded before any call to it, so a crash can be reconciled. */
  network_order_ref: string;
  auth_txn_id: string;
  pay_txn_id: string;
  authentication_status: string | null;
  card_brand: string | null;
  card_masked: string | null;
  card_expiry: string | null;
  gateway_code: string | null;
  failure_reason: string | null;
  amount_refunded_minor: number;
  reconcile_after: number | null;
  /** Opaque JSON the network keeps with the payment (null when it keeps nothing). */
  network_data: string | null;
  /** JSON of the fraud screening's view ({ score, level, action, reasons, rule_id? }); null before screening. */
  risk: string | null;
  /** While a live process works on the attempt: renewed by its heartbeat (null when nobody holds it). */
  lease_expires_at: number | null;
  /** Until then a transaction the network does not know yet may still arrive (the connector's worst case). */
  attempt_deadline_at: number | null;
  /** What a `requires_action` payment waits for: 'method' (the browser runs the 3-D Secure method) or 'challenge'; null otherwise. */
  three_ds_step: string | null;
  /** Reconciliation rounds that got no final answer (bounded: past the limit the payment alerts and waits longer). */
  reconcile_attempts: Generated<number>;
  /** automatic | manual: a manual payment (or one under review) is authorized only, and captured by the merchant. */
  capture_method: Generated<string>;
  /** The network's security-code (CSC) result: match | no_match | not_processed | not_provided; null before authorization. */
  security_code: string | null;
  /** JSON { reason, rule_id } when the fraud screening opened a review; null otherwise. */
  review: string | null;
  /** CAPTURE and VOID transaction ids at the network, recorded before the call. */
  capture_txn_id: string | null;
  void_txn_id: string | null;
  /** The amount the capture in flight asks for; set with capture_txn_id. */
  capture_requested_minor: number | null;
  /** What the network captured; refunds are bounded by it. */
  amount_captured_minor: Generated<number>;
  /** A `requires_capture` payment not captured by then is voided by the sweeper. */
  capture_before: number | null;
  created_at: number;
  updated_at: number;
}

export interface PaymentTransitionsTable {
  id: Generated<number>;
  payment_id: string;
  from_status: string | null;
  to_status: string;
  cause: string;
  at: number;
}

export interface SessionTransitionsTable {
  id: Generated<number>;
  session_id: string;
  from_status: SessionStatus | null;
  to_status: SessionStatus;
  cause: string;
  at: number;
}

export interface RefundsTable {
  id: string;
  payment_id: string;
  merchant_id: string;
  amount: string;
  amount_minor: number;
  currency: string;
  status: string;
  /** The refund's transaction id at the network; recorded before the call. */
  network_txn_ref: string;
  gateway_code: string | null;
  created_at: number;
  updated_at: number;
}

export type WebhookEventType =
  | 'payment.succeeded'
  | 'payment_attempt.failed'
  | 'payment.failed'
  | 'payment.requires_capture'
  | 'payment.review_opened'
  | 'payment.canceled'
  | 'refund.succeeded'
  | 'session.expired'
  | 'session.locked'
  | 'session.cancelled'
  | 'webhook.test';
export type WebhookDeliveryState = 'pending' | 'delivering' | 'succeeded' | 'dead';

export interface WebhookEventsTable {
  /** evt_…: also the `webhook-id` header. */
  id: string;
  merchant_id: string;
  type: WebhookEventType;
  /** The session's notify_url, validated against the merchant's allow-list when the session was minted. */
  notify_url: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  created_at: number;
  /** The order the event concerns (from the session or payment), for filtering; null when none. */
  order_id: string | null;
}

/** One delivery schedule of an event: the first on enqueue, a fresh one per redelivery. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  event_id: string;
  state: WebhookDeliveryState;
  /** Attempts made so far in this schedule. */
  attempt_count: number;
  /** When the next attempt is due; null once succeeded or dead. */
  next_attempt_at: number | null;
  /** The worker holding the delivery while it is 'delivering', and until when. */
  lease_owner: string | null;
  lease_expires_at: number | null;
  created_at: number;
  updated_at: number;
  /** The notify URL's origin: the unit of fair scheduling and of the circuit breaker. */
  endpoint: string | null;
}

/** Health of one webhook endpoint (a notify-URL origin), with its circuit breaker. */
export interface WebhookEndpointsTable {
  endpoint: string;
  consecutive_failures: number;
  failing_since: number | null;
  /** Breaker open: nothing is sent before this time, then a single probe. */
  paused_until: number | null;
  last_error: string | null;
  updated_at: number;
}

/** One row per HTTP attempt (or refusal), for the merchant to see what happened. */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  event_id: string;
  attempt_number: number;
  worker_id: string;
  started_at: number;
  duration_ms: number;
  outcome: 'succeeded' | 'failed';
  /** HTTP status, or null when no response arrived. */
  response_status: number | null;
  /** Class of network failure or refusal (timeout, connection_refused, ssrf_refused, …), or null. */
  error: string | null;
  /** The first 1 KiB of the response body. */
  response_body: string | null;
  /** When the next attempt was scheduled; null when this was the last. */
  next_attempt_at: number | null;
}

/** One Idempotency-Key per caller (scope); the primary key (scope, idempotency_key) is the lock. */
export interface IdempotencyKeysTable {
  /** `merchant:<merchant id>` or `session:<session id>`. */
  scope: string;
  idempotency_key: string;
  state: 'in_flight' | 'completed';
  /** Request id that holds (or last held) the row: complete and release only touch their own claim. */
  owner_request_id: string;
  method: string;
  /** Path without the query string (the query is in the fingerprint, never stored in clear). */
  path: string;
  /** Keyring-sealed SHA-256 of method, URL and body digest; never the body itself. */
  request_fingerprint: string;
  /** In flight: the lease; after it lapses the key may be taken again. Null once completed. */
  locked_until: number | null;
  response_status: number | null;
  /** Keyring-sealed JSON of the stored response's headers and body (it may carry a session_token). */
  response: string | null;
  created_at: number;
  expires_at: number;
}

export type OtpChannel = 'sms' | 'email';

/** The one live code of a session (docs/api.md#http-api): issuing a new one replaces the row's code. */
export interface OtpChallengesTable {
  session_id: string;
  /** otp_…, new with every issue; verification compare-and-sets on it. */
  id: string;
  channel: OtpChannel;
  /** HMAC-SHA256 hex (OTP key from the master key) of the session id and the code; never the code. */
  code_hash: string;
  expires_at: number;
  /** Wrong codes entered against this code; at the limit the code is dead until a fresh send. */
  wrong_attempts: number;
  /** Set when the code was used (single use). */
  consumed_at: number | null;
  created_at: number;
}

/** A sliding-window rate limit shared by every gateway process (see modules/otp/rate-limiter.ts). */
export interface OtpRateLimitsTable {
  /** `verify:<session>`, `issue:<session>`, `destination:<HMAC of the phone or e-mail>` (all merchants) or `destination:<HMAC>:<merchant>` (one merchant's share). */
  bucket: string;
  /** JSON array of the millisecond times of the hits inside the window. */
  hits: string;
  expires_at: number;
}

/** Sandbox only: what the outbox provider "delivered", readable through GET /v1/_sandbox/otp-outbox. */
export interface OtpOutboxTable {
  id: Generated<number>;
  session_id: string;
  merchant_id: string;
  channel: OtpChannel;
  /** Keyring ciphertext of {to, code, message}. */
  sealed: string;
  created_at: number;
  /** The code's expiry: the row is swept after it. */
  expires_at: number;
}

/** Failed merchant authentications per client address and minute (0008). */
export interface AuthFailuresTable {
  client_ip: string;
  window_start: number;
  failures: number;
}

/** One row /readyz rewrites to prove the database accepts writes (0008). */
export interface StorageProbeTable {
  id: number;
  touched_at: number;
}

export type DashboardRole = 'owner' | 'developer' | 'viewer';

/** A dashboard user (docs/dashboard.md): invited, then active once the setup link set a password and TOTP. */
export interface DashboardUsersTable {
  id: string;
  merchant_id: string;
  email: string;
  role: DashboardRole;
  status: 'invited' | 'active' | 'disabled';
  /** Argon2id PHC string; null until setup. */
  password_hash: string | null;
  /** Keyring ciphertext of the base32 TOTP secret (user id as associated data). */
  totp_secret_enc: string | null;
  totp_last_step: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface DashboardSetupLinksTable {
  /** SHA-256 hex of the link's token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  pending_totp_enc: string | null;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

export interface DashboardRecoveryCodesTable {
  id: Generated<number>;
  user_id: string;
  /** Keyed HMAC hex of the code. */
  code_hash: string;
  used_at: number | null;
}

export interface DashboardSessionsTable {
  /** SHA-256 hex of the cookie value. */
  id_hash: string;
  user_id: string;
  stage: 'code' | 'active';
  created_at: number;
  last_seen_at: number;
  /** Absolute end of the session. */
  expires_at: number;
}

export interface DashboardSignInThrottleTable {
  bucket: string;
  failures: number;
  locked_until: number | null;
  updated_at: number;
}

export interface CardSessionsTable {
  /** SHA-256 hex of the hosted-session id: the id itself is a credential and is not kept here. */
  id_hash: string;
  session_id: string;
  merchant_id: string;
  seq: number;
  client_ip: string;
  device_fingerprint: string | null;
  created_at: number;
  spent_at: number | null;
  /** The payment attempt that spent it. */
  spent_by: string | null;
}

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
