import { currencyCode, formatMinor } from '../../money.js';
import type { Payment, Refund } from './payment-repository.js';

/** A payment as the API and webhook events show it. */
export function paymentView(payment: Payment) {
  const code = currencyCode(payment.currency)!;
  return {
    object: 'payment' as const,
    id: payment.id,
    session_id: payment.session_id,
    order_id: payment.order_id,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    customer_reference: payment.customer_reference,
    amount_refunded: formatMinor(payment.amount_refunded_minor, code),
    capture_method: payment.capture_method,
    amount_captured: formatMinor(payment.amount_captured_minor, code),
    /** What a capture can still take: the authorized amount while the payment is requires_capture. */
    amount_capturable: formatMinor(payment.status === 'requires_capture' ? payment.amount_minor : 0, code),
    capture_before: payment.capture_before === null ? null : new Date(payment.capture_before).toISOString(),
    card: payment.card_masked
      ? {
          brand: payment.card_brand,
          masked_number: payment.card_masked,
          expiry: payment.card_expiry,
          // The network's check of the security code; a network that did not report one did not check it.
          checks: { security_code: payment.security_code ?? 'not_processed' },
        }
      : null,
    three_d_secure: payment.authentication_status ? { authentication_status: payment.authentication_status } : null,
    gateway_code: payment.gateway_code,
    failure_reason: payment.failure_reason,
    risk: payment.risk ? (JSON.parse(payment.risk) as Record<string, unknown>) : null,
    review: payment.review ? (JSON.parse(payment.review) as { reason: string; rule_id?: string }) : null,
    created_at: new Date(payment.created_at).toISOString(),
    updated_at: new Date(payment.updated_at).toISOString(),
  };
}

export function refundView(refund: Refund) {
  return {
    object: 'refund' as const,
    id: refund.id,
    payment_id: refund.payment_id,
    amount: refund.amount,
    currency: refund.currency,
    status: refund.status,
    gateway_code: refund.gateway_code,
    created_at: new Date(refund.created_at).toISOString(),
  };
}
