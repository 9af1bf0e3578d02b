import { ApiError } from '../../errors.js';
import type { GatewayServices } from '../../services.js';
import { checkAllowedUrl } from '../../modules/sessions/redirect-url.js';
import { enqueueWebhookEvent } from '../../modules/webhooks/outbox.js';

/**
 * "Send test event": a `webhook.test` event through the real outbox —
 * signed with the merchant's secret, retried, visible with its attempts —
 * to a URL that must pass the same allow-list as a session's notify_url.
 */
export async function sendTestEvent(
  services: GatewayServices,
  merchantId: string,
  notifyUrl: string,
  sandbox: boolean,
  userId: string,
): Promise<{ event_id: string }> {
  const merchant = await services.merchants.get(merchantId);
  const verdict = checkAllowedUrl(notifyUrl, merchant.redirectHosts, { sandbox });
  if (!verdict.ok) throw new ApiError('1201', `notify_url ${verdict.reason}`);
  const at = services.clock.now();
  const { eventId } = await services.storage.db.transaction().execute((trx) =>
    enqueueWebhookEvent(trx, {
      merchantId,
      type: 'webhook.test',
      notifyUrl: verdict.url,
      data: { object: { object: 'test', message: 'A test event sent from the Pdirect dashboard.', sent_by: userId } },
      at,
    }),
  );
  services.webhooks.worker.wake();
  return { event_id: eventId };
}
