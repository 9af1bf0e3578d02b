import { ApiError } from '../../errors.js';
import type { WebhookDeliveryRepository, WebhookEventRow } from './delivery-repository.js';

// What happened to an event, as the events API, the CLI and the dashboard show it.

/** An event as the events API lists it. */
export interface EventSummary {
  object: 'event';
  id: string;
  merchant_id: string;
  type: string;
  created_at: string;
  notify_url: string;
  order_id: string | null;
  /** The payload's `data`: what the receiver got. */
  data: unknown;
}

export interface EventList {
  object: 'list';
  data: EventSummary[];
  has_more: boolean;
}

export interface EventListFilter {
  limit?: number;
  type?: string;
  orderId?: string;
  createdGte?: number;
  createdLte?: number;
  /** Cursor: the id of the last event of the previous page. */
  startingAfter?: string;
}

export interface EventView extends EventSummary {
  deliveries: Array<{ id: number; state: string; attempts: number; next_attempt_at: string | null; created_at: string }>;
  attempts: Array<{
    delivery_id: number;
    attempt: number;
    started_at: string;
    duration_ms: number;
    outcome: string;
    response_status: number | null;
    error: string | null;
    response_body: string | null;
    next_attempt_at: string | null;
  }>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function summary(event: WebhookEventRow): EventSummary {
  let data: unknown = null;
  try {
    data = (JSON.parse(event.payload) as { data?: unknown }).data ?? null;
  } catch {
    // The payload is written by the outbox as JSON; nothing else can be in it.
  }
  return {
    object: 'event',
    id: event.id,
    merchant_id: event.merchant_id,
    type: event.type,
    created_at: new Date(event.created_at).toISOString(),
    notify_url: event.notify_url,
    order_id: event.order_id,
    data,
  };
}

/** One event with every delivery schedule and attempt; another merchant's event is as unknown as a made-up id. */
export async function describeEvent(repo: WebhookDeliveryRepository, eventId: string, scope: { merchantId?: string } = {}): Promise<EventView> {
  const event = await repo.findEvent(eventId);
  if (!event || (scope.merchantId !== undefined && event.merchant_id !== scope.merchantId)) throw new ApiError('1011', `no event ${eventId}`);
  const [deliveries, attempts] = await Promise.all([repo.deliveriesOf(eventId), repo.attemptsOf(eventId)]);
  return {
    ...summary(event),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      state: d.state,
      attempts: d.attempt_count,
      next_attempt_at: iso(d.next_attempt_at),
      created_at: new Date(d.created_at).toISOString(),
    })),
    attempts: attempts.map((a) => ({
      delivery_id: a.delivery_id,
      attempt: a.attempt_number,
      started_at: new Date(a.started_at).toISOString(),
      duration_ms: a.duration_ms,
      outcome: a.outcome,
      response_status: a.response_status,
      error: a.error,
      response_body: a.response_body,
      next_attempt_at: iso(a.next_attempt_at),
    })),
  };
}

/** A merchant's events, newest first (`GET /v1/events`, `pdirect webhook list`). */
export async function listEvents(repo: WebhookDeliveryRepository, merchantId: string, filter: EventListFilter = {}): Promise<EventList> {
  const limit = filter.limit ?? 10;
  let after: { createdAt: number; id: string } | undefined;
  if (filter.startingAfter !== undefined) {
    const cursor = await repo.findEvent(filter.startingAfter);
    // Another merchant's id is as unknown as a made-up one.
    if (!cursor || cursor.merchant_id !== merchantId) throw new ApiError('1011', `no event ${filter.startingAfter}`);
    after = { createdAt: cursor.created_at, id: cursor.id };
  }
  const rows = await repo.listEventsPage({
    merchantId,
    limit,
    type: filter.type,
    orderId: filter.orderId,
    createdGte: filter.createdGte,
    createdLte: filter.createdLte,
    after,
  });
  return { object: 'list', data: rows.slice(0, limit).map(summary), has_more: rows.length > limit };
}
