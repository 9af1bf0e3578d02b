/**
 * How an outcome from the card network becomes state: each in one short
 * transaction, after the network call and never across it, with the webhook
 * outbox row in the same transaction as the change it announces.
 */
import type { Kysely } from 'kysely';
import { NetworkRejected, type PayInput, type PaymentOutcome } from '../../connectors/card-network.js';
import { ApiError } from '../../errors.js';
import { currencyCode } from '../../money.js';
import type { Database } from '../../storage/schema.js';
import { inMoneyRequest, recordWithStateChange, stateChangeTransaction } from '../audit/state-change-audit.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import { paymentTimings, type PaymentDeps } from './payment-deps.js';
import type { Payment, Refund } from './payment-repository.js';
import { paymentView, refundView } from './views.js';

/** Where the customer's browser ends up once a payment has settled. */
export interface ReturnResult {
  redirectTo: string;
  payment: Payment;
}

/**
 * PAY or AUTHORIZE with the recorded ids: the same request, only the
 * operation differs. A rejection is returned; an outcome the network did not
 * give (timeout, reset) is pending, for reconciliation.
 *
 * The payment always names its authentication transaction: every attempt starts 3-D
 * Secure on its order, and the network requires the id whatever the outcome was —
 * also when authentication was unavailable and the payment goes ahead without it.
 * The references the network stores are our own payment id (at most 40 characters,
 * kept on the payment record), never the merchant's order id, which may be up to
 * 255 characters and is not the network's business.
 */
export async function sendCharge(deps: PaymentDeps, payment: Payment, operation: 'PAY' | 'AUTHORIZE'): Promise<PaymentOutcome | NetworkRejected> {
  const input: PayInput = {
    orderId: payment.network_order_ref,
    payTransactionId: payment.pay_txn_id,
    authTransactionId: payment.auth_txn_id,
    hostedSessionId: payment.hosted_session_id,
    amount: payment.amount,
    currency: currencyCode(payment.currency)!,
    reference: payment.network_order_ref,
    transactionReference: payment.network_order_ref,
  };
  const sent = operation === 'PAY' ? deps.network.pay(input) : deps.network.authorize!(input);
  return sent.catch((err: unknown): PaymentOutcome | NetworkRejected => {
    if (err instanceof NetworkRejected) return err;
    deps.logger.error({ err, payment_id: payment.id }, `${operation} outcome unknown; will reconcile`);
    return { status: 'pending', reconcile: true } as PaymentOutcome;
  });
}

/** PAY (sendCharge), then settle in one short transaction. */
export async function pay(deps: PaymentDeps, payment: Payment): Promise<Payment> {
  const outcome = await sendCharge(deps, payment, 'PAY');
  if (outcome instanceof NetworkRejected) return failPayment(deps, payment, 'processing', 'card network rejected PAY', 'REJECTED');
  return settlePayment(deps, payment, 'processing', outcome, 'PAY');
}

/** For collect: a declined PAY is answered as 402 code 1601 (the payment itself is stored as failed). */
export async function payOrDecline(deps: PaymentDeps, payment: Payment): Promise<Payment> {
  const settled = await pay(deps, payment);
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
      await stateChangeTransaction(deps.storage.db, async (trx) => {
        const changes = { reconcile_after: now + paymentTimings(deps).reconcileBackoffMs, ...card };
        if (!(await deps.payments.transition(payment.id, 'processing', 'pending', `${cause}: outcome unknown`, now, changes, trx))) return;
        await recordWithStateChange(deps.auditTrail, trx, 'pending', now);
      });
    }
    return (await deps.payments.findById(payment.id))!;
  }
  if (outcome.status === 'failed')
    return failPayment(deps, payment, from, `${cause}: ${outcome.gatewayCode ?? 'declined'}`, outcome.gatewayCode ?? 'DECLINED', card);
  const stored = await stateChangeTransaction(deps.storage.db, async (trx) => {
    const changes = { gateway_code: outcome.gatewayCode, reconcile_after: null, amount_captured_minor: payment.amount_minor, ...card };
    if (!(await deps.payments.transition(payment.id, from, 'succeeded', `${cause}: ${outcome.gatewayCode}`, now, changes, trx))) return false;
    await deps.sessions.markPaid(payment.session_id, payment.id, trx);
    await announce(deps, trx, (await deps.payments.findById(payment.id, trx))!, 'payment.succeeded', now);
    await recordWithStateChange(deps.auditTrail, trx, 'succeeded', now);
    return true;
  });
  const current = (await deps.payments.findById(payment.id))!;
  if (!stored && current.status === 'failed') await reverseLateCharge(deps, current, outcome);
  return current;
}

/**
 * The network charged a payment that is already failed (its session
 * reopened, the customer told "declined"): never leave that charge. Void it
 * (refund it when the void is refused), note it in the payment's history,
 * log at error and call the alert hook.
 */
export async function reverseLateCharge(deps: PaymentDeps, payment: Payment, charge: PaymentOutcome): Promise<void> {
  const log = { payment_id: payment.id, session_id: payment.session_id, merchant_id: payment.merchant_id, gateway_code: charge.gatewayCode };
  deps.logger.error({ ...log, alert: 'late_charge' }, 'a charge arrived on a failed payment: reversing it');
  let action: 'voided' | 'refunded' | 'reversal_failed' = 'reversal_failed';
  try {
    const voided = await deps.network.voidTransaction({
      orderId: payment.network_order_ref,
      voidTransactionId: 'late-void-1',
      targetTransactionId: payment.pay_txn_id,
    });
    if (voided.status === 'succeeded') action = 'voided';
  } catch (err) {
    deps.logger.warn({ err, payment_id: payment.id }, 'voiding the late charge failed; refunding it');
  }
  if (action !== 'voided') {
    try {
      const refunded = await deps.network.refund({
        orderId: payment.network_order_ref,
        refundTransactionId: 'late-refund-1',
        amount: payment.amount,
        currency: currencyCode(payment.currency)!,
      });
      if (refunded.status === 'succeeded') action = 'refunded';
    } catch (err) {
      deps.logger.error({ err, payment_id: payment.id }, 'refunding the late charge failed');
    }
  }
  await deps.payments.note(payment.id, 'failed', `late charge on a failed payment: ${action.replace('_', ' ')}`, deps.clock.now());
  if (action === 'reversal_failed') deps.logger.error({ ...log, alert: 'late_charge' }, 'the late charge could not be reversed: an operator must refund it');
  deps.onAlert?.({ kind: 'late_charge', paymentId: payment.id, sessionId: payment.session_id, merchantId: payment.merchant_id, action });
}

/**
 * Fails the attempt and announces it (payment_attempt.failed), then lets the
 * session go — atomically. The session reopens for another card, so the
 * payment is not over; when it cannot reopen (its time is up, or card testing
 * locked it) the session module's listener announces payment.failed too.
 */
export async function failPayment(
  deps: PaymentDeps,
  payment: Payment,
  from: Payment['status'],
  cause: string,
  gatewayCode: string,
  changes: Record<string, string | null> = {},
): Promise<Payment> {
  const now = deps.clock.now();
  await stateChangeTransaction(deps.storage.db, async (trx) => {
    const failed = { gateway_code: gatewayCode, failure_reason: cause.slice(0, 255), reconcile_after: null, risk: payment.risk, ...changes };
    if (!(await deps.payments.transition(payment.id, from, 'failed', cause, now, failed, trx))) return;
    await announce(deps, trx, (await deps.payments.findById(payment.id, trx))!, 'payment_attempt.failed', now);
    // Every failed attempt counts towards the card-testing lock (docs/card-defence.md).
    await deps.sessions.reopen(payment.session_id, payment.id, trx, await deps.payments.countFailed(payment.session_id, trx));
    await recordWithStateChange(deps.auditTrail, trx, 'failed', now);
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
  const now = deps.clock.now();
  if (status === 'pending') {
    // Nothing changes (the reservation committed before the call): the request's record is written alone, as pending.
    if (inMoneyRequest()) await stateChangeTransaction(deps.storage.db, (trx) => recordWithStateChange(deps.auditTrail, trx, 'pending', now));
    return refund;
  }
  await stateChangeTransaction(deps.storage.db, async (trx) => {
    if (!(await deps.payments.settleRefund(refund.id, status, gatewayCode, now, trx))) return;
    if (status === 'failed') {
      await deps.payments.releaseRefund(payment.id, refund.amount_minor, trx);
      await recordWithStateChange(deps.auditTrail, trx, 'failed', now);
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
    await recordWithStateChange(deps.auditTrail, trx, 'succeeded', now);
  });
  return (await deps.payments.refundsOf(payment.id)).find((r) => r.id === refund.id)!;
}

/**
 * The session ended unpaid (expired, locked, cancelled), inside that change's
 * transaction: if an attempt failed on it, the payment has now failed for
 * good — payment.failed, carrying the last attempt. A session nobody tried
 * to pay has only its session.* event.
 */
export async function announceEndedUnpaid(deps: PaymentDeps, session: CheckoutSession, trx: Kysely<Database>): Promise<void> {
  if (!session.current_payment_id) return;
  const last = await deps.payments.findById(session.current_payment_id, trx);
  if (last?.status !== 'failed') return;
  await enqueueWebhookEvent(trx, {
    merchantId: last.merchant_id,
    type: 'payment.failed',
    notifyUrl: session.notify_url,
    data: { object: paymentView(last) },
    at: deps.clock.now(),
  });
}

/** Writes a payment.* event for the payment as it now is, in the caller's transaction. */
export async function announce(
  deps: PaymentDeps,
  trx: Kysely<Database>,
  payment: Payment,
  type: 'payment.succeeded' | 'payment_attempt.failed' | 'payment.requires_capture' | 'payment.review_opened' | 'payment.canceled',
  now: number,
): Promise<void> {
  const session = await deps.sessions.get(payment.session_id, trx);
  await enqueueWebhookEvent(trx, { merchantId: payment.merchant_id, type, notifyUrl: session!.notify_url, data: { object: paymentView(payment) }, at: now });
}

/** The merchant's success or fail URL, with the session and payment ids (1201 if its host is no longer allowed). */
export async function redirectFor(deps: PaymentDeps, payment: Payment): Promise<ReturnResult> {
  const session = (await deps.sessions.get(payment.session_id))!;
  // An authorization waiting for the merchant's capture is a completed checkout for the customer.
  const completed = payment.status === 'succeeded' || payment.status === 'requires_capture' || payment.status === 'capturing';
  // Re-checked now: a host the merchant has removed from its allow-list gets no customer.
  const target = await deps.sessions.allowedRedirect(session, completed ? 'success_redirect_url' : 'fail_redirect_url');
  target.searchParams.set('session_id', session.id);
  target.searchParams.set('payment_id', payment.id);
  return { redirectTo: target.toString(), payment };
}
