import type { Generated } from 'kysely';

/** Checkout sessions, their history and their hosted card sessions (modules/sessions). */

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

export interface SessionTransitionsTable {
  id: Generated<number>;
  session_id: string;
  from_status: SessionStatus | null;
  to_status: SessionStatus;
  cause: string;
  at: number;
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
