import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifying Pdirect webhooks. Pdirect signs per the Standard Webhooks
 * specification (https://www.standardwebhooks.com):
 *
 *   webhook-id:        evt_…  (the event id; the same on every retry)
 *   webhook-timestamp: unix seconds of this attempt
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, "id.timestamp.body")> [v1,<…> …]
 *
 * where key = base64-decode of the part of your `whsec_` secret after the
 * prefix. During a secret rotation the header carries one signature per
 * active secret; any one of them matching is enough.
 */

/**
 * What each event means for the order (the gateway's docs/webhooks.md):
 * - `payment.succeeded`: paid — fulfil the order.
 * - `payment_attempt.failed`: one card was declined; the checkout session is
 *   still open and the customer may pay with another card. Do not cancel the order.
 * - `payment.failed`: the session can no longer be paid (expired, locked after
 *   too many declines, or cancelled) after a failed attempt — release the order.
 * - `payment.requires_capture`: authorized, waiting for your capture (manual capture or a review).
 * - `payment.review_opened`: the fraud screening asks you to review before capturing.
 * - `payment.canceled`: the authorization was voided (by you, or at the end of the capture window).
 * - `session.expired` / `session.locked` / `session.cancelled`: the session ended unpaid (also sent
 *   when nobody tried to pay).
 * - `refund.succeeded`: money went back to the card.
 * - `webhook.test`: sent by `POST /v1/events/test`; no state changed.
 */
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

export interface WebhookEvent<T extends Record<string, unknown> = Record<string, unknown>> {
  /** evt_…, also the webhook-id header: deduplicate on it. */
  id: string;
  type: WebhookEventType;
  /** ISO 8601: when the state change happened. */
  timestamp: string;
  data: T;
}

export type WebhookVerificationFailure =
  'missing_headers' | 'invalid_timestamp' | 'timestamp_too_old' | 'timestamp_too_new' | 'no_matching_signature' | 'invalid_payload' | 'replayed';

/** The webhook is not authentic (or not fresh): answer 400 and do not act on it. */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationFailure;
  constructor(reason: WebhookVerificationFailure, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far webhook-timestamp may be from now, either way. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** Current time in ms (default Date.now). */
  now?: () => number;
  /** Rejects a message that was already accepted (see createReplayGuard). */
  replayGuard?: ReplayGuard;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';

/**
 * Checks a webhook and returns its event. Pass the raw request body exactly
 * as received (a string or Buffer — not a re-serialised object: any change
 * of whitespace or key order breaks the signature). Throws
 * WebhookVerificationError when a header is missing, the timestamp is more
 * than the tolerance in the past or the future, no signature matches any of
 * the given secrets (pass several while you rotate), or — with a replay
 * guard — the same message was already accepted.
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): WebhookEvent {
  const keys = (typeof secret === 'string' ? [secret] : secret).map(signingKey);
  if (keys.length === 0) throw new TypeError('verifyWebhook: no secret given');
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError('missing_headers', 'missing webhook-id, webhook-timestamp or webhook-signature header');

  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not unix seconds');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const sentAt = Number(timestamp);
  if (sentAt < nowSeconds - tolerance) throw new WebhookVerificationError('timestamp_too_old', 'webhook-timestamp is too old');
  if (sentAt > nowSeconds + tolerance) throw new WebhookVerificationError('timestamp_too_new', 'webhook-timestamp is too far in the future');

  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const expected = keys.map((key) => createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest());
  const presented = signatures
    .split(' ')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  // Every pair is compared (no early exit), each in constant time on equal-length buffers.
  let matched = false;
  for (const candidate of presented) {
    for (const digest of expected) {
      if (candidate.length === digest.length && timingSafeEqual(candidate, digest)) matched = true;
    }
  }
  if (!matched) throw new WebhookVerificationError('no_matching_signature', 'no webhook-signature matches the secret');

  let event: WebhookEvent;
  try {
    event = JSON.parse(body.toString('utf8')) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'webhook body is not JSON');
  }
  if (!event || typeof event !== 'object' || event.id !== id)
    throw new WebhookVerificationError('invalid_payload', 'webhook body does not carry the webhook-id');
  if (options.replayGuard && !options.replayGuard.firstSighting(id, sentAt, sentAt + tolerance)) {
    throw new WebhookVerificationError('replayed', 'this webhook message was already accepted');
  }
  return event;
}

function signingKey(secret: string): Buffer {
  if (typeof secret !== 'string') throw new TypeError('verifyWebhook: the secret must be a string (whsec_...)');
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw new TypeError('verifyWebhook: the secret is not in whsec_<base64> form');
  return key;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  let value = record[name];
  if (value === undefined) {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
  }
  return Array.isArray(value) ? value.join(' ') : value;
}

/**
 * Remembers accepted messages until their timestamp leaves the tolerance
 * window (after which verifyWebhook refuses them anyway), so a captured
 * request replayed within those minutes is rejected.
 *
 * A message is its (webhook-id, webhook-timestamp) pair: Pdirect retries an
 * event with the same id but a new timestamp and signature, and those
 * retries must still get through if your first answer was lost. Deduplicate
 * your processing on the event id as well (e.g. a unique constraint) — this
 * guard lives in one process's memory.
 */
export interface ReplayGuard {
  /** True the first time (id, timestamp) is seen; false for a replay. `expiresAt` is unix seconds. */
  firstSighting(id: string, timestamp: number, expiresAt: number): boolean;
}

export function createReplayGuard(options: { maxEntries?: number; now?: () => number } = {}): ReplayGuard {
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();
  const prune = (nowSeconds: number) => {
    for (const [key, expiresAt] of seen) if (expiresAt < nowSeconds) seen.delete(key);
  };
  return {
    firstSighting(id, timestamp, expiresAt) {
      const key = `${id}.${timestamp}`;
      const nowSeconds = Math.floor(now() / 1000);
      const known = seen.get(key);
      if (known !== undefined && known >= nowSeconds) return false;
      if (seen.size >= maxEntries) prune(nowSeconds);
      // Still full of live entries: forget the oldest rather than refuse genuine webhooks.
      while (seen.size >= maxEntries) seen.delete(seen.keys().next().value!);
      seen.set(key, expiresAt);
      return true;
    },
  };
}
