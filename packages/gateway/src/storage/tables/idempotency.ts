/** Idempotency-Key claims and stored answers (modules/idempotency). */

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
