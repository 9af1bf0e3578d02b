import type { Kysely } from 'kysely';
import { endpointOf } from './endpoints.js';
import { newId } from '../../ids.js';
import type { Database, WebhookEventType } from '../../storage/schema.js';
import { isHttpUrl } from '../../urls.js';

export type { WebhookEventType } from '../../storage/schema.js';

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'payment.succeeded',
  'payment_attempt.failed',
  'payment.failed',
  'payment.requires_capture',
  'payment.review_opened',
  'payment.canceled',
  'refund.succeeded',
  'session.expired',
  'session.locked',
  'session.cancelled',
  'webhook.test',
];

export interface WebhookEventInput {
  merchantId: string;
  type: WebhookEventType;
  /** Where to deliver: the session's notify_url, already checked against the merchant's allow-list. */
  notifyUrl: string;
  /** The resource the event is about. Delivered as is: put no personal data here that the merchant should not receive. */
  data: Record<string, unknown>;
  /** When the state change happened (the caller's clock), in ms. */
  at: number;
}

/**
 * Writes an event and its first delivery schedule into the outbox. Call it
 * with the transaction that makes the state change, so both commit or
 * neither does (docs/api.md#webhooks); the delivery worker picks the row up once
 * it is committed, the first attempt immediately.
 *
 * The body is fixed here, once: `{"id","type","timestamp","data"}`, and the
 * event id is also the `webhook-id` header, so receivers can deduplicate.
 */
export async function enqueueWebhookEvent(trx: Kysely<Database>, event: WebhookEventInput): Promise<{ eventId: string }> {
  if (!WEBHOOK_EVENT_TYPES.includes(event.type)) throw new Error(`unknown webhook event type "${event.type}"`);
  if (!isHttpUrl(event.notifyUrl)) throw new Error('webhook notify URL must be an http(s) URL');
  const eventId = newId('evt');
  const payload = JSON.stringify({ id: eventId, type: event.type, timestamp: new Date(event.at).toISOString(), data: event.data });
  const orderId = await orderIdOf(trx, event.data);
  await trx
    .insertInto('webhook_events')
    .values({ id: eventId, merchant_id: event.merchantId, type: event.type, notify_url: event.notifyUrl, payload, created_at: event.at, order_id: orderId })
    .execute();
  await trx
    .insertInto('webhook_deliveries')
    .values({
      event_id: eventId,
      state: 'pending',
      attempt_count: 0,
      next_attempt_at: event.at,
      lease_owner: null,
      lease_expires_at: null,
      created_at: event.at,
      updated_at: event.at,
      endpoint: endpointOf(event.notifyUrl),
    })
    .execute();
  return { eventId };
}

/** The order an event concerns, for `GET /v1/events?order_id=`: the object's own, or (a refund) its payment's. */
async function orderIdOf(trx: Kysely<Database>, data: Record<string, unknown>): Promise<string | null> {
  const object = data.object as { order_id?: unknown; payment_id?: unknown } | undefined;
  if (typeof object?.order_id === 'string') return object.order_id;
  if (typeof object?.payment_id === 'string') {
    const payment = await trx.selectFrom('payments').select('order_id').where('id', '=', object.payment_id).executeTakeFirst();
    return payment?.order_id ?? null;
  }
  return null;
}
