import type { Selectable } from 'kysely';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhookDeliveryState, WebhookEventsTable } from '../../storage/schema.js';
import type { BreakerPolicy } from './endpoints.js';

// The shapes the outbox's storage (delivery-repository.ts) hands out and takes in.

/** A delivery a worker holds a lease on, with what it needs to send it. */
export interface ClaimedDelivery {
  deliveryId: number;
  eventId: string;
  merchantId: string;
  notifyUrl: string;
  payload: string;
  /** Attempts already made in this schedule; the one about to happen is attemptCount + 1. */
  attemptCount: number;
  /** When this delivery schedule was committed to the outbox (ms): the first attempt's lag is measured from it. */
  scheduledAt?: number;
  /** The notify URL's origin (fair scheduling, circuit breaker); derived from notifyUrl when absent. */
  endpoint?: string;
  /** The endpoint had failures on record when claimed: a success must reset them. */
  endpointUnwell?: boolean;
}

export interface AttemptRecord {
  deliveryId: number;
  eventId: string;
  attemptNumber: number;
  workerId: string;
  startedAt: number;
  durationMs: number;
  outcome: 'succeeded' | 'failed';
  responseStatus: number | null;
  error: string | null;
  responseBody: string | null;
  /** The delivery's state after this attempt, and when the next one is due (null if none). */
  nextState: Exclude<WebhookDeliveryState, 'delivering'>;
  nextAttemptAt: number | null;
  finishedAt: number;
  /** The delivery's endpoint, and whether this attempt says it is unwell (see isEndpointFailure). */
  endpoint?: string;
  endpointFailed?: boolean;
  /** As claimed (ClaimedDelivery.endpointUnwell); undefined = unknown, so reset to be sure. */
  endpointUnwell?: boolean;
}

/** One endpoint's health, for `pdirect webhook list` and the metrics. */
export interface EndpointHealth {
  endpoint: string;
  /** Deliveries waiting (pending) or in flight (delivering). */
  backlog: number;
  inFlight: number;
  consecutiveFailures: number;
  failingSince: number | null;
  /** Breaker open until then (then one probe); null when closed. */
  pausedUntil: number | null;
  lastError: string | null;
}

export interface EventListQuery {
  merchantId: string;
  limit: number;
  type?: string;
  orderId?: string;
  createdGte?: number;
  createdLte?: number;
  /** Cursor: the last event of the previous page (newest first, so older ones follow). */
  after?: { createdAt: number; id: string };
}

export interface DeliveryScheduling {
  /** Deliveries one endpoint may have in flight at once, across every worker. */
  perEndpointConcurrency: number;
  breaker: BreakerPolicy;
}

/** The lease a finished attempt asks for on its endpoint's next due delivery. */
export interface NextLease {
  owner: string;
  now: number;
  leaseUntil: number;
}

export type WebhookEventRow = Selectable<WebhookEventsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
