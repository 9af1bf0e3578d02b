import type { Generated } from 'kysely';

/** Payments, their history and their refunds (modules/payments). */

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
