import { sha256Hex } from '../../crypto/hash.js';

/**
 * The pure half of idempotency: what a valid Idempotency-Key is, and what
 * "the same request" means. No I/O here, so both rules are unit-tested.
 */

/** 1–255 printable ASCII characters (0x20–0x7E), docs/api.md#http-api. */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

export function isValidIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && VALID_KEY.test(value);
}

/**
 * The HTTP methods that honour Idempotency-Key. The API reference names POST (the only
 * unsafe method the API serves today); the other unsafe methods are included
 * so that a key reused with a different method is caught as 1301 rather than
 * silently running, and so future PUT/PATCH/DELETE routes need no change.
 */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestShape {
  method: string;
  /** Path with the query string: a different query is a different request. */
  url: string;
  /** The body bytes as received (json-body.ts keeps them); undefined for no body. */
  rawBody: string | undefined;
}

/**
 * SHA-256 hex over method, URL (path and query) and the SHA-256 of the raw
 * body. Bytes, not re-serialised JSON: `{"a":1,"b":2}` and `{"b":2,"a":1}`
 * are different requests, as they would be to any signature. The separators
 * cannot be forged: a method or URL never contains a newline (the HTTP parser
 * refuses it), and the body enters only as a fixed-length digest.
 */
export function requestFingerprint(request: RequestShape): string {
  return sha256Hex(`${request.method.toUpperCase()}\n${request.url}\n${sha256Hex(request.rawBody ?? '')}`);
}

/** Who a key belongs to: the session for SDK calls, else the merchant. Null when the route has no caller. */
export function idempotencyScope(caller: { sessionId?: string | undefined; merchantId?: string | undefined }): string | null {
  if (caller.sessionId) return `session:${caller.sessionId}`;
  if (caller.merchantId) return `merchant:${caller.merchantId}`;
  return null;
}
