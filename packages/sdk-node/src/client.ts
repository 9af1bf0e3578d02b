/**
 * The merchant API client (docs/api.md#http-api, merchant boundary). Uses the global
 * fetch; no dependencies. Keep the merchant_secret on your backend only.
 */

export interface SessionCreateParams {
  /** Decimal string, e.g. "12.50". */
  amount: string;
  /** e.g. "usd". */
  currency: string;
  customer_reference: string;
  /** Unique per merchant. */
  order_id: string;
  /** Each URL's host must be on your allow-list. */
  notify_url: string;
  success_redirect_url: string;
  fail_redirect_url: string;
  /** Where the hosted checkout's "Back to {merchant}" goes (on your allow-list too); default: fail_redirect_url. */
  cancel_url?: string;
  /** The hosted checkout's language; default: the shopper's Accept-Language. */
  locale?: 'en' | 'id';
  /** 60–86400, default 1800. */
  ttl_seconds?: number;
  require_otp?: boolean;
  customer?: { email?: string; phone?: string };
  metadata?: Record<string, string>;
  capture_mode?: 'HOSTED_SESSION' | 'DIRECT_CAPTURE';
  /** `manual`: the payment is authorized only; capture it with `payments.capture` or void it with `payments.cancel`. */
  capture_method?: 'automatic' | 'manual';
}

/** The answer to POST /v1/sessions. */
export interface CreatedSession {
  session_id: string;
  /** Shown once: hand it to the customer's checkout SDK, never log or store it. */
  session_token: string;
  expires_at: string;
  checkout_url: string;
  [field: string]: unknown;
}

export type SessionStatus = 'open' | 'processing' | 'authorized' | 'paid' | 'expired' | 'cancelled' | 'locked' | (string & {});

/** GET /v1/sessions/{id}. */
export interface Session {
  object: 'checkout_session';
  id: string;
  status: SessionStatus;
  amount: string;
  currency: string;
  customer_reference: string;
  order_id: string;
  /** The payment currently attached to the session, if any. */
  payment_id: string | null;
  expires_at: string;
  cancel_url?: string | null;
  locale?: 'en' | 'id' | null;
  [field: string]: unknown;
}

export type PaymentStatus =
  'processing' | 'requires_action' | 'pending' | 'requires_capture' | 'capturing' | 'canceling' | 'succeeded' | 'failed' | 'canceled' | (string & {});

/** The network's check of the card security code. */
export type SecurityCodeCheck = 'match' | 'no_match' | 'not_processed' | 'not_provided';

/** GET /v1/payments/{id}: the authoritative status — credit an order only on `succeeded`. */
export interface Payment {
  object: 'payment';
  id: string;
  session_id: string;
  order_id: string;
  status: PaymentStatus;
  amount: string;
  currency: string;
  amount_refunded: string;
  capture_method?: 'automatic' | 'manual';
  /** What the network captured (refunds are bounded by it). */
  amount_captured?: string;
  /** What a capture can still take (the authorization, while `requires_capture`). */
  amount_capturable?: string;
  /** When an uncaptured authorization is voided. */
  capture_before?: string | null;
  card?: { brand: string | null; masked_number: string; expiry: string | null; checks: { security_code: SecurityCodeCheck } } | null;
  /** Set when a risk rule held the payment for your decision (capture or cancel). */
  review?: { reason: string; rule_id?: string } | null;
  [field: string]: unknown;
}

export interface Refund {
  object: 'refund';
  id: string;
  payment_id: string;
  amount: string;
  currency: string;
  status: string;
  [field: string]: unknown;
}

export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export interface RequestOptions {
  /** Idempotency-Key (1–255 printable characters): a retry with the same key and body replays the first answer. */
  idempotencyKey?: string;
}

/** An error answer from Pdirect (docs/api.md#http-api envelope), or no answer at all (status 0, code "connection_error"). */
/** One invalid field, as a 1010 lists it. */
export interface PdirectFieldError {
  /** Dotted for nested fields, e.g. "customer.email". */
  param: string;
  /** required, unknown_field, invalid_type, too_long, invalid_format, out_of_range, invalid_value, invalid, ... */
  code: string;
  message: string;
}

export class PdirectError extends Error {
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  /** The catalogue error code, e.g. "1002"; "connection_error" or "invalid_response" from the client itself. */
  readonly code: string;
  /** Quote it to support: they find the audit record from it alone. */
  readonly requestId: string | undefined;
  /** The one request field the error is about (1010 for one field, 1101-1103, 1201), when there is one. */
  readonly param: string | undefined;
  /** 1010: every invalid field of the request, each with what is wrong in plain words. */
  readonly errors: PdirectFieldError[] | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    requestId: string | undefined,
    options?: { cause?: unknown; param?: string; errors?: PdirectFieldError[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PdirectError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.param = options?.param;
    this.errors = options?.errors;
  }
}

export interface PdirectOptions {
  /** pd_test_sk_… or pd_live_… */
  secret: string;
  /** The gateway's origin, e.g. https://pay.example.com */
  baseUrl: string;
  /** Per request, default 30 s. */
  timeoutMs?: number;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export class Pdirect {
  readonly #secret: string;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  readonly sessions = {
    create: (params: SessionCreateParams, options: RequestOptions = {}) => this.#request<CreatedSession>('POST', '/v1/sessions', params, options),
    retrieve: (sessionId: string) => this.#request<Session>('GET', `/v1/sessions/${segment(sessionId)}`),
  };

  readonly payments = {
    retrieve: (paymentId: string) => this.#request<Payment>('GET', `/v1/payments/${segment(paymentId)}`),
    list: (params: { order_id: string }) => this.#request<List<Payment>>('GET', `/v1/payments?${new URLSearchParams({ order_id: params.order_id })}`),
    /** Full refund without an amount; partial with `amount` as a decimal string. */
    refund: (paymentId: string, params: { amount?: string } = {}, options: RequestOptions = {}) =>
      this.#request<Refund>('POST', `/v1/payments/${segment(paymentId)}/refunds`, params, options),
    /** Capture a `requires_capture` payment: all of it without an amount, part of it (once) with `amount`. */
    capture: (paymentId: string, params: { amount?: string } = {}, options: RequestOptions = {}) =>
      this.#request<Payment>('POST', `/v1/payments/${segment(paymentId)}/capture`, params, options),
    /** Void a `requires_capture` authorization. */
    cancel: (paymentId: string, options: RequestOptions = {}) => this.#request<Payment>('POST', `/v1/payments/${segment(paymentId)}/cancel`, {}, options),
  };

  constructor(options: PdirectOptions) {
    if (!options?.secret) throw new TypeError('Pdirect: secret is required (pd_test_sk_… or pd_live_…)');
    if (!options.baseUrl) throw new TypeError('Pdirect: baseUrl is required');
    this.#secret = options.secret;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#secret}`,
      accept: 'application/json',
      'user-agent': 'pdirect-node/0.1.0',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    let res: Response;
    try {
      res = await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new PdirectError(0, 'connection_error', `could not reach Pdirect: ${(err as Error).message}`, undefined, { cause: err });
    }
    const requestId = res.headers.get('x-request-id') ?? undefined;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (res.ok) {
      if (parsed === undefined) throw new PdirectError(res.status, 'invalid_response', 'Pdirect answered without a JSON body', requestId);
      return parsed as T;
    }
    const error = (parsed as { error?: ErrorEnvelope } | undefined)?.error;
    throw new PdirectError(
      error?.status ?? res.status,
      error?.error_code ?? 'invalid_response',
      error?.message ?? `HTTP ${res.status}`,
      error?.request_id ?? requestId,
      {
        ...(typeof error?.param === 'string' ? { param: error.param } : {}),
        ...(Array.isArray(error?.errors) ? { errors: error.errors.filter(isFieldError) } : {}),
      },
    );
  }
}

interface ErrorEnvelope {
  status?: number;
  error_code?: string;
  message?: string;
  param?: unknown;
  errors?: unknown[];
  request_id?: string;
}

function isFieldError(value: unknown): value is PdirectFieldError {
  const v = value as Partial<PdirectFieldError> | null;
  return typeof v === 'object' && v !== null && typeof v.param === 'string' && typeof v.code === 'string' && typeof v.message === 'string';
}

function segment(id: string): string {
  if (typeof id !== 'string' || id === '') throw new TypeError('an id is required');
  return encodeURIComponent(id);
}
