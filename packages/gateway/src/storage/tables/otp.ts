import type { Generated } from 'kysely';

/** The customer's one-time codes, their rate limits and the sandbox outbox (modules/otp). */

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
