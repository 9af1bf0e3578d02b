/**
 * The one error catalogue (docs/api.md#http-api). Every error a client can see is
 * an ApiError carrying one of these codes; the HTTP layer maps it to the
 * envelope `{ error: { status, error_code, message, request_id } }`.
 * Internal causes are logged with the request id and never reach the client.
 */
export const ERROR_CATALOGUE = {
  '1001': { status: 401, title: 'missing or malformed credential' },
  '1002': { status: 401, title: 'unknown, revoked or expired credential' },
  '1003': { status: 401, title: 'source IP not on the key allow-list' },
  '1004': { status: 401, title: 'session expired' },
  '1005': { status: 409, title: 'session already used' },
  '1006': { status: 401, title: 'device fingerprint mismatch or missing' },
  '1007': { status: 429, title: 'too many failed authentications from this address' },
  '1010': { status: 400, title: 'request body invalid' },
  '1011': { status: 404, title: 'not found' },
  '1012': { status: 405, title: 'method not allowed' },
  '1013': { status: 413, title: 'request body too large' },
  '1014': { status: 415, title: 'unsupported content type' },
  '1015': { status: 408, title: 'request not received in time' },
  '1016': { status: 414, title: 'request URL too long' },
  '1017': { status: 431, title: 'request headers too large' },
  '1018': { status: 403, title: 'HTTPS required' },
  '1101': { status: 400, title: 'amount does not match the session' },
  '1102': { status: 400, title: 'currency does not match the session' },
  '1103': { status: 400, title: 'customer_reference does not match the session' },
  '1104': { status: 403, title: 'hosted card session not issued for this checkout session' },
  '1105': { status: 409, title: 'hosted card session already used (open a new card session)' },
  '1201': { status: 400, title: 'URL not on the allow-list' },
  '1301': { status: 422, title: 'Idempotency-Key reused with a different request' },
  '1302': { status: 409, title: 'Idempotency-Key request still in flight' },
  '1401': { status: 400, title: 'OTP wrong or expired' },
  '1402': { status: 429, title: 'OTP rate limit' },
  '1403': { status: 403, title: 'OTP required but not yet verified' },
  '1501': { status: 501, title: 'DIRECT_CAPTURE not implemented' },
  '1601': { status: 402, title: 'card declined' },
  '1602': { status: 403, title: 'payment refused by fraud screening' },
  '1603': { status: 429, title: 'too many card sessions' },
  '1604': { status: 409, title: 'payment not in a state that allows this (capture or cancel needs requires_capture)' },
  '1701': { status: 401, title: 'sign-in failed' },
  '1702': { status: 429, title: 'too many sign-in attempts' },
  '1703': { status: 403, title: 'your dashboard role does not allow this' },
  '1704': { status: 403, title: 'cross-site request refused (CSRF token or Origin)' },
  '1705': { status: 401, title: 'dashboard session missing or expired' },
  '1706': { status: 400, title: 'setup link invalid, used or expired' },
  '1900': { status: 500, title: 'internal error' },
  '1901': { status: 503, title: 'temporarily unavailable' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One invalid field of a request, as the `errors` list of a 1010 names it. */
export interface FieldError {
  /** The field, dotted for nested ones (`customer.email`); `body` for the body as a whole. */
  param: string;
  /** What is wrong, as a short machine-readable word: required, unknown_field, too_long, invalid, ... */
  code: string;
  /** In plain words, starting with the field. */
  message: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string>;
  /** The one request field the error is about, when there is one. */
  readonly param: string | undefined;
  /** 1010: every invalid field. */
  readonly errors: FieldError[] | undefined;

  constructor(code: ErrorCode, message?: string, headers: Record<string, string> = {}, details: { param?: string; errors?: FieldError[] } = {}) {
    super(message ?? ERROR_CATALOGUE[code].title);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.headers = headers;
    this.param = details.param ?? (details.errors?.length === 1 ? details.errors[0]!.param : undefined);
    this.errors = details.errors;
  }
}

/** 1010 for one field: `invalidField('amount', 'must be greater than zero')` → "amount: must be greater than zero". */
export function invalidField(param: string, problem: string, code = 'invalid'): ApiError {
  const message = `${param}: ${problem}`;
  return new ApiError('1010', message, {}, { param, errors: [{ param, code, message }] });
}

/** 1010 listing every invalid field; the message names the first (and how many more). */
export function invalidFields(errors: FieldError[]): ApiError {
  const first = errors[0]?.message ?? 'request body is invalid';
  const message = errors.length > 1 ? `${first} (and ${errors.length - 1} more invalid field${errors.length > 2 ? 's' : ''}: see errors)` : first;
  return new ApiError('1010', message, {}, { errors });
}

/** 1101-1103: a legacy collect body disagrees with what the session holds. */
export function mismatch(param: 'amount' | 'currency' | 'customer_reference'): ApiError {
  const code = ({ amount: '1101', currency: '1102', customer_reference: '1103' } as const)[param];
  return new ApiError(code, `${param} does not match the session`, {}, { param });
}

/** 1201: a URL whose host is not on the merchant's allow-list (or not acceptable at all). */
export function urlNotAllowed(param: string, reason: string): ApiError {
  return new ApiError('1201', `${param} ${reason}`, {}, { param });
}
