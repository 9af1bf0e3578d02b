/**
 * A typed HTTP client for the MPGS REST API (docs/card-network.md "Transport").
 *
 * - Basic auth `merchant.<MID>:<apiPassword>`; the password stays in a
 *   Secret and is revealed only to build the header of each request.
 * - One API version for every call: `<base>/api/rest/version/<N>/merchant/<MID>/...`.
 * - JSON both ways; error answers (4xx/5xx, or any `result: "ERROR"`) become
 *   a typed MpgsError; timeouts and dropped connections an MpgsTransportError.
 * - A per-call timeout (AbortSignal).
 * - Retries only where a repeat is documented as safe (retryPolicy, retry-policy.ts).
 *
 * Logs name the operation, ids, HTTP status, result and duration — never
 * the Authorization header, request or response bodies (card data, the
 * session's aes256Key).
 */
import type { Logger } from 'pino';
import type { Secret } from '../../crypto/secret.js';
import { MpgsError, MpgsTransportError, isOutcomeUnknown } from './errors.js';
import { defaultBackoffMs, longestDefaultBackoffMs, retryPolicy, type Sleep } from './retry-policy.js';
import { pooledCall, type HttpMethod } from './transport.js';
import type { WireError } from './wire.js';

export { defaultBackoffMs, longestDefaultBackoffMs, realSleep, retryPolicy, type Sleep } from './retry-policy.js';
export { closeMpgsPools, type HttpMethod } from './transport.js';

export type FetchLike = typeof fetch;
export type MpgsLogger = Pick<Logger, 'debug' | 'warn'>;

export interface MpgsClientOptions {
  baseUrl: string;
  merchantId: string;
  apiPassword: Secret<string>;
  apiVersion: number;
  timeoutMs: number;
  /** Total attempts for a retryable request, first one included. */
  maxAttempts: number;
  /**
   * A fetch to use instead of the pooled transport (tests script answers
   * with one). Without it, calls go through one keep-alive undici Pool per
   * card-network origin, shared by every client in the process.
   */
  fetch?: FetchLike;
  sleep: Sleep;
  logger: MpgsLogger;
  backoffMs?: (retry: number) => number;
}

export interface MpgsRequest {
  method: HttpMethod;
  /**
   * Path below the merchant base (`/session`, `/order/o1/transaction/t1`), or
   * below `/api/rest/version/<N>` when `scope` is `version` (`/information`).
   */
  path: string;
  scope?: 'merchant' | 'version';
  body?: unknown;
  /** Names the call in logs and errors: PAY, RETRIEVE_TRANSACTION, ... */
  operation: string;
  orderId?: string;
  transactionId?: string;
  /** Override retryPolicy; `false` makes exactly one attempt (the connector then settles the outcome itself). */
  retry?: boolean;
  /** Send credentials (default true; `/information` needs none). */
  authenticate?: boolean;
  timeoutMs?: number;
}

export function basicAuthorization(merchantId: string, apiPassword: Secret<string>): string {
  return `Basic ${Buffer.from(`merchant.${merchantId}:${apiPassword.reveal()}`, 'utf8').toString('base64')}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wireErrorOf(json: unknown): WireError | null {
  if (!isObject(json) || !isObject(json.error)) return null;
  const e = json.error;
  if (typeof e.cause !== 'string') return null;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const error: WireError = { cause: e.cause };
  const explanation = str(e.explanation);
  const field = str(e.field);
  const validationType = str(e.validationType);
  const supportCode = str(e.supportCode);
  if (explanation !== undefined) error.explanation = explanation;
  if (field !== undefined) error.field = field;
  if (validationType !== undefined) error.validationType = validationType;
  if (supportCode !== undefined) error.supportCode = supportCode;
  return error;
}

function networkDetail(error: unknown): string {
  // undici's own calls put the code on the error; fetch wraps it in a TypeError's cause.
  if (isObject(error) && typeof (error as { code?: unknown }).code === 'string') return (error as { code: string }).code;
  const cause = isObject(error) && 'cause' in error ? (error as { cause?: unknown }).cause : undefined;
  const code = isObject(cause) && typeof cause.code === 'string' ? cause.code : undefined;
  if (code) return code;
  return error instanceof Error ? error.message : 'request failed';
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

export class MpgsClient {
  readonly baseUrl: string;
  readonly merchantId: string;
  readonly apiVersion: number;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly sleep: Sleep;
  readonly #apiPassword: Secret<string>;
  readonly #fetch: FetchLike | undefined;
  readonly #logger: MpgsLogger;
  readonly #backoffMs: (retry: number) => number;

  constructor(options: MpgsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.merchantId = options.merchantId;
    this.apiVersion = options.apiVersion;
    this.timeoutMs = options.timeoutMs;
    this.maxAttempts = options.maxAttempts;
    this.sleep = options.sleep;
    this.#apiPassword = options.apiPassword;
    this.#fetch = options.fetch;
    this.#logger = options.logger;
    this.#backoffMs = options.backoffMs ?? defaultBackoffMs;
  }

  /** `<base>/api/rest/version/<N>` */
  get versionUrl(): string {
    return `${this.baseUrl}/api/rest/version/${this.apiVersion}`;
  }

  /** `<base>/api/rest/version/<N>/merchant/<MID>` */
  get merchantUrl(): string {
    return `${this.versionUrl}/merchant/${encodeURIComponent(this.merchantId)}`;
  }

  url(path: string, scope: 'merchant' | 'version' = 'merchant'): string {
    return `${scope === 'merchant' ? this.merchantUrl : this.versionUrl}${path}`;
  }

  backoffMs(retry: number): number {
    return this.#backoffMs(retry);
  }

  /** The longest `backoffMs(retry)` can be: the jitter-free bound for the default, else the injected value. */
  longestBackoffMs(retry: number): number {
    return this.#backoffMs === defaultBackoffMs ? longestDefaultBackoffMs(retry) : this.#backoffMs(retry);
  }

  /** Sends a request, repeating it per retryPolicy; resolves to the parsed JSON answer. */
  async send<T>(request: MpgsRequest): Promise<T> {
    const retryable = request.retry ?? retryPolicy(request.method, request.path);
    const attempts = retryable ? this.maxAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once<T>(request, attempt);
      } catch (error) {
        if (attempt >= attempts || !isOutcomeUnknown(error)) throw error;
        await this.sleep(this.#backoffMs(attempt));
      }
    }
  }

  async #once<T>(request: MpgsRequest, attempt: number): Promise<T> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (request.authenticate !== false) headers.Authorization = basicAuthorization(this.merchantId, this.#apiPassword);
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.body);
    }

    const started = performance.now();
    const log = (fields: Record<string, unknown>, message: string, level: 'debug' | 'warn' = 'debug'): void => {
      this.#logger[level](
        {
          mpgs: {
            operation: request.operation,
            method: request.method,
            orderId: request.orderId,
            transactionId: request.transactionId,
            attempt,
            durationMs: Math.round(performance.now() - started),
            ...fields,
          },
        },
        message,
      );
    };

    let status: number;
    let text: string;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      if (this.#fetch) {
        const response = await this.#fetch(this.url(request.path, request.scope), {
          method: request.method,
          headers,
          ...(body !== undefined && { body }),
          signal,
        });
        status = response.status;
        text = await response.text();
      } else {
        ({ status, text } = await pooledCall(this.url(request.path, request.scope), { method: request.method, headers, body, signal }));
      }
    } catch (error) {
      if (isTimeout(error)) {
        log({ failure: 'timeout', timeoutMs }, 'mpgs call timed out', 'warn');
        throw new MpgsTransportError(request.operation, 'timeout', `no answer within ${timeoutMs} ms`, { cause: error });
      }
      const detail = networkDetail(error);
      log({ failure: 'network', detail }, 'mpgs call failed', 'warn');
      throw new MpgsTransportError(request.operation, 'network', detail, { cause: error });
    }

    let json: unknown;
    let parsed = false;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
        parsed = true;
      } catch {
        parsed = false;
      }
    }

    const wireError = parsed ? wireErrorOf(json) : null;
    const result = parsed && isObject(json) && typeof json.result === 'string' ? json.result : undefined;
    if (status < 200 || status >= 300 || result === 'ERROR') {
      const error =
        wireError ??
        ({
          cause: status >= 500 ? 'SERVER_FAILED' : 'REQUEST_REJECTED',
          explanation: `HTTP ${status} without an MPGS error object`,
        } satisfies WireError);
      log({ httpStatus: status, result: 'ERROR', errorCause: error.cause }, 'mpgs call rejected', status >= 500 ? 'warn' : 'debug');
      throw new MpgsError(request.operation, status, error);
    }
    if (!parsed || !isObject(json)) {
      log({ httpStatus: status, failure: 'invalid_response' }, 'mpgs answer is not JSON', 'warn');
      throw new MpgsTransportError(request.operation, 'invalid_response', `HTTP ${status} answer is not a JSON object`, {
        httpStatus: status,
      });
    }
    const response = isObject(json.response) ? json.response : undefined;
    log(
      {
        httpStatus: status,
        result,
        gatewayCode: typeof response?.gatewayCode === 'string' ? response.gatewayCode : undefined,
      },
      'mpgs call',
    );
    return json as T;
  }
}
