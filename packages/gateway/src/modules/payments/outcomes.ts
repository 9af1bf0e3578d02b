/**
 * How an outcome from the card network becomes state: each in one short
 * transaction, after the network call and never across it, with the webhook
 * outbox row in the same transaction as the change it announces.
 */
import type { Kysely } from 'kysely';
import { NetworkRejected, type PaymentOutcome } from '../../connectors/card-network.js';
import { ApiError } from '../../errors.js';
import { currencyCode } from '../../money.js';
import type { Database } from '../../storage/schema.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import { RECONCILE_BACKOFF_MS, type PaymentDeps } from './payment-deps.js';
import type { Payment, Refund } from './payment-repository.js';
import { paymentView, refundView } from './views.js';

/** Where the customer's browser ends up once a payment has settled. */
export interface ReturnResult {
  redirectTo: string;
  payment: Payment;
}

/** PAY with the recorded ids, then settle in one short transaction. */
export async function pay(deps: PaymentDeps, payment: Payment, authenticated: boolean): Promise<Payment> {
  const outcome = await deps.network
    .pay({
      orderId: payment.network_order_ref,
      payTransactionId: payment.pay_txn_id,
      authTransactionId: authenticated ? payment.auth_txn_id : undefined,
      hostedSessionId: payment.hosted_session_id,
      amount: payment.amount,
      currency: currencyCode(payment.currency)!,
      reference: payment.order_id,
    })
    .catch((err: unknown): PaymentOutcome | 'rejected' => {
      if (err instanceof NetworkRejected) return 'rejected';
      deps.logger.error({ err, payment_id: payment.id }, 'PAY outcome unknown; will reconcile');
      return { status: 'pending', reconcile: true } as PaymentOutcome;
    });
  if (outcome === 'rejected') return failPayment(deps, payment, 'processing', 'card network rejected PAY', 'REJECTED');
  return settlePayment(deps, payment, 'processing', outcome, 'PAY');
}

/** For collect: a declined PAY is answered as 402 code 1601 (the payment itself is stored as failed). */
export async function payOrDecline(deps: PaymentDeps, payment: Payment, authenticated: boolean): Promise<Payment> {
  const settled = await pay(deps, payment, authenticated);
  if (settled.status === 'failed') throw new ApiError('1601', `card declined (${settled.gateway_code ?? 'DECLINED'})`);
  return settled;
}

/** What a network outcome adds to the payment: the masked card, the security-code check, and what travels with the attempt. */
export function outcomeChanges(payment: Payment, outcome: PaymentOutcome): Record<string, string | null> {
  return {
    authentication_status: payment.authentication_status,
    // The screening's view travels with the payment and is stored with its outcome (screen.ts).
    risk: payment.risk,
    review: payment.review,
    ...(outcome.card
      ? {
          card_brand: outcome.card.brand,
          card_masked: outcome.card.maskedNumber,
          card_expiry: outcome.card.expiryMonth && outcome.card.expiryYear ? `${outcome.card.expiryMonth}/${outcome.card.expiryYear}` : null,
        }
      : {}),
    // Checked with the authentication, or reported now; no report on a final outcome means the code was not checked.
    ...(outcome.status !== 'pending' ? { security_code: payment.security_code ?? outcome.securityCode ?? 'not_processed' } : {}),
  };
}

/** Stores a network outcome: pending waits for reconciliation, failed fails, succeeded pays the session and announces it. */
export async function settlePayment(deps: PaymentDeps, payment: Payment, from: Payment['status'], outcome: PaymentOutcome, cause: string): Promise<Payment> {
  const now = deps.clock.now();
  const card = outcomeChanges(payment, outcome);
  if (outcome.status === 'pending') {
    if (from === 'processing') {
      await deps.payments.transition(payment.id, 'processing', 'pending', `${cause}: outcome unknown`, now, {
        reconcile_after: now + RECONCILE_BACKOFF_MS,
        ...card,
      });
    }
    return (await deps.payments.findById(payment.id))!;
  }
  if (outcome.status === 'failed')
    return failPayment(deps, payment, from, `${cause}: ${outcome.gatewayCode ?? 'declined'}`, outcome.gatewayCode ?? 'DECLINED', card);
  await deps.storage.db.transaction().execute(async (trx) => {
    const changes = { gateway_code: outcome.gatewayCode, reconcile_after: null, amount_captured_minor: payment.amount_minor, ...card };
    if (!(await deps.payments.transition(payment.id, from, 'succeeded', `${cause}: ${outcome.gatewayCode}`, now, changes, trx))) return;
    await deps.sessions.markPaid(payment.session_id, payment.id, trx);
    await announce(deps, trx, (await deps.payments.findById(payment.id, trx))!, 'payment.succeeded', now);
  });
  return (await deps.payments.findById(payment.id))!;
}

/** Fails the attempt, reopens the session for another card, and announces payment.failed — atomically. */
export async function failPayment(
  deps: PaymentDeps,
  payment: Payment,
  from: Payment['status'],
  cause: string,
  gatewayCode: string,
  changes: Record<string, string | null> = {},
): Promise<Payment> {
  const now = deps.clock.now();
  await deps.storage.db.transaction().execute(async (trx) => {
    const failed = { gateway_code: gatewayCode, failure_reason: cause.slice(0, 255), reconcile_after: null, risk: payment.risk, ...changes };
    if (!(await deps.payments.transition(payment.id, from, 'failed', cause, now, failed, trx))) return;
    // Every failed attempt counts towards the card-testing lock (docs/card-defence.md).
    await deps.sessions.reopen(payment.session_id, payment.id, trx, await deps.payments.countFailed(payment.session_id, trx));
    await announce(deps, trx, (await deps.payments.findById(payment.id, trx))!, 'payment.failed', now);
  });
  return (await deps.payments.findById(payment.id))!;
}

/** Stores a refund's outcome: a failed refund gives its amount back; a succeeded one is announced. */
export async function settleRefund(
  deps: PaymentDeps,
  payment: Payment,
  refund: Refund,
  status: PaymentOutcome['status'],
  gatewayCode: string | null,
): Promise<Refund> {
  if (status === 'pending') return refund;
  const now = deps.clock.now();
  await deps.storage.db.transaction().execute(async (trx) => {
    if (!(await deps.payments.settleRefund(refund.id, status, gatewayCode, now, trx))) return;
    if (status === 'failed') {
      await deps.payments.releaseRefund(payment.id, refund.amount_minor, trx);
      return;
    }
    const session = await deps.sessions.get(payment.session_id, trx);
    await enqueueWebhookEvent(trx, {
      merchantId: payment.merchant_id,
      type: 'refund.succeeded',
      notifyUrl: session!.notify_url,
      data: { object: refundView({ ...refund, status, gateway_code: gatewayCode, updated_at: now }) },
      at: now,
    });
  });
  return (await deps.payments.refundsOf(payment.id)).find((r) => r.id === refund.id)!;
}

/** Writes a payment.* event for the payment as it now is, in the caller's transaction. */
export async function announce(
  deps: PaymentDeps,
  trx: Kysely<Database>,
  payment: Payment,
  type: 'payment.succeeded' | 'payment.failed' | 'payment.requires_capture' | 'payment.review_opened' | 'payment.canceled',
  now: number,
): Promise<void> {
  const session = await deps.sessions.get(payment.session_id, trx);
  await enqueueWebhookEvent(trx, { merchantId: payment.merchant_id, type, notifyUrl: session!.notify_url, data: { object: paymentView(payment) }, at: now });
}

/** The merchant's success or fail URL, with the session and payment ids. */
export async function redirectFor(deps: PaymentDeps, payment: Payment): Promise<ReturnResult> {
  const session = (await deps.sessions.get(payment.session_id))!;
  // An authorization waiting for the merchant's capture is a completed checkout for the customer.
  const completed = payment.status === 'succeeded' || payment.status === 'requires_capture' || payment.status === 'capturing';
  const target = new URL(completed ? session.success_redirect_url : session.fail_redirect_url);
  target.searchParams.set('session_id', session.id);
  target.searchParams.set('payment_id', payment.id);
  return { redirectTo: target.toString(), payment };
}
