import type { Generated } from 'kysely';

/** Webhook signing secrets, events, deliveries, attempts and endpoint health (modules/webhooks). */

export interface WebhookSecretsTable {
  id: string;
  merchant_id: string;
  /** Fernet token of the whsec_ secret under a key derived from the master key. */
  ciphertext: string;
  created_at: number;
  /** Set when superseded by a rotation: the old secret still signs until then. */
  expires_at: number | null;
}

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
export type WebhookDeliveryState = 'pending' | 'delivering' | 'succeeded' | 'dead';

export interface WebhookEventsTable {
  /** evt_…: also the `webhook-id` header. */
  id: string;
  merchant_id: string;
  type: WebhookEventType;
  /** The session's notify_url, validated against the merchant's allow-list when the session was minted. */
  notify_url: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  created_at: number;
  /** The order the event concerns (from the session or payment), for filtering; null when none. */
  order_id: string | null;
}

/** One delivery schedule of an event: the first on enqueue, a fresh one per redelivery. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  event_id: string;
  state: WebhookDeliveryState;
  /** Attempts made so far in this schedule. */
  attempt_count: number;
  /** When the next attempt is due; null once succeeded or dead. */
  next_attempt_at: number | null;
  /** The worker holding the delivery while it is 'delivering', and until when. */
  lease_owner: string | null;
  lease_expires_at: number | null;
  created_at: number;
  updated_at: number;
  /** The notify URL's origin: the unit of fair scheduling and of the circuit breaker. */
  endpoint: string | null;
}

/** Health of one webhook endpoint (a notify-URL origin), with its circuit breaker. */
export interface WebhookEndpointsTable {
  endpoint: string;
  consecutive_failures: number;
  failing_since: number | null;
  /** Breaker open: nothing is sent before this time, then a single probe. */
  paused_until: number | null;
  last_error: string | null;
  updated_at: number;
}

/** One row per HTTP attempt (or refusal), for the merchant to see what happened. */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  event_id: string;
  attempt_number: number;
  worker_id: string;
  started_at: number;
  duration_ms: number;
  outcome: 'succeeded' | 'failed';
  /** HTTP status, or null when no response arrived. */
  response_status: number | null;
  /** Class of network failure or refusal (timeout, connection_refused, ssrf_refused, …), or null. */
  error: string | null;
  /** The first 1 KiB of the response body. */
  response_body: string | null;
  /** When the next attempt was scheduled; null when this was the last. */
  next_attempt_at: number | null;
}
