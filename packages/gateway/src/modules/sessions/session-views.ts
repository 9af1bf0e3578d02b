import type { CheckoutSession } from './session-repository.js';

/**
 * A session as webhook events carry it: no customer data and no metadata
 * (those stay encrypted at rest, and event payloads are stored in the outbox
 * as sent). The merchant reads them with GET /v1/sessions/{id}.
 */
export function sessionEventView(session: CheckoutSession) {
  return {
    object: 'checkout_session' as const,
    id: session.id,
    status: session.status,
    amount: session.amount,
    currency: session.currency,
    customer_reference: session.customer_reference,
    order_id: session.order_id,
    payment_id: session.current_payment_id,
    expires_at: new Date(session.expires_at).toISOString(),
    created_at: new Date(session.created_at).toISOString(),
  };
}
