/**
 * The SDK's errors: every failure of a call is a PdirectError, built from the
 * gateway's error envelope (or from no answer at all).
 */

/**
 * Every failure of an SDK call. `status` is the HTTP status (0 when the
 * gateway could not be reached), `code` the gateway's `error_code` (e.g.
 * "1004" session expired, "1601" card declined) or, as in @pdirect/node,
 * `connection_error` (no answer) or `invalid_response` (an answer that is
 * not the gateway's error envelope); `requestId` is what support needs;
 * `retryAfter` (seconds) comes from a `Retry-After` header (OTP rate limit).
 */
export class PdirectError extends Error {
  /**
   * @param {{ status: number, code: string, message: string, requestId?: string | null, retryAfter?: number | null, param?: string | null, errors?: Array<{ param: string, code: string, message: string }> | null, cause?: unknown }} details
   */
  constructor(details) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PdirectError';
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId ?? null;
    this.retryAfter = details.retryAfter ?? null;
    this.param = details.param ?? null;
    this.errors = details.errors ?? null;
  }
}

/** Retry-After in seconds, from either form the header allows (seconds or an HTTP date). */
export function parseRetryAfter(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
