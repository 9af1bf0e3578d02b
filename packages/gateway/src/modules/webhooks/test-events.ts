import type { Clock } from '../../clock.js';
import { ApiError } from '../../errors.js';
import type { Storage } from '../../storage/database.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { checkAllowedUrl } from '../sessions/redirect-url.js';
import { enqueueWebhookEvent, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './outbox.js';

/** The most recent test events one merchant may send per minute. */
export const TEST_EVENTS_PER_MINUTE = 30;

/** The order id of every test event (so it can be listed and told apart). */
export const TEST_ORDER_ID = 'pdirect_test_event';

/**
 * Enqueues a signed test event of `type` to `url`, which must pass the same
 * allow-list as a session's notify_url, and answers its id. It goes through
 * the outbox like any event (same signature, retries, attempts visible); its
 * `data.test` is true and its object is a sample, so a receiver must not act
 * on it.
 */
export async function enqueueTestEvent(
  deps: { storage: Storage; merchants: MerchantService; clock: Clock; sandbox: boolean },
  merchantId: string,
  input: { type?: string; url: string },
): Promise<string> {
  const { storage, merchants, clock } = deps;
  const type = (input.type ?? 'payment.succeeded') as WebhookEventType;
  if (!WEBHOOK_EVENT_TYPES.includes(type)) throw new ApiError('1010', `type: one of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  const merchant = await merchants.get(merchantId);
  const verdict = checkAllowedUrl(input.url, merchant.redirectHosts, { sandbox: deps.sandbox });
  if (!verdict.ok) throw new ApiError('1201', `url ${verdict.reason}`);
  const now = clock.now();
  const recent = await storage.db
    .selectFrom('webhook_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>', now - 60_000)
    .where('order_id', '=', TEST_ORDER_ID)
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= TEST_EVENTS_PER_MINUTE) throw new ApiError('1010', `at most ${TEST_EVENTS_PER_MINUTE} test events a minute; try again shortly`);
  const { eventId } = await storage.db
    .transaction()
    .execute((trx) => enqueueWebhookEvent(trx, { merchantId, type, notifyUrl: verdict.url, data: { object: sampleObject(type, now), test: true }, at: now }));
  return eventId;
}

function sampleObject(type: WebhookEventType, now: number): Record<string, unknown> {
  const at = new Date(now).toISOString();
  if (type.startsWith('refund.'))
    return {
      object: 'refund',
      id: 'rfd_test',
      payment_id: 'pay_test',
      order_id: TEST_ORDER_ID,
      amount: '1.00',
      currency: 'USD',
      status: 'succeeded',
      created_at: at,
    };
  if (type.startsWith('session.')) return { object: 'checkout_session', id: 'cs_test', order_id: TEST_ORDER_ID, status: 'expired', created_at: at };
  return {
    object: 'payment',
    id: 'pay_test',
    order_id: TEST_ORDER_ID,
    status: type.split('.')[1] ?? 'succeeded',
    amount: '1.00',
    currency: 'USD',
    created_at: at,
    updated_at: at,
  };
}
