/**
 * Charge: move the money once the payer is authenticated — PAY, or
 * AUTHORIZE first and decide before anything is captured.
 *
 *   AUTHORIZE first when the session asks for manual capture, the fraud
 *   screening opened a review, or the merchant declines some security-code
 *   results (the network reports the check with the authorization only):
 *     approved, security code declined → VOID, the payment fails (never captured)
 *     approved, manual or review        → requires_capture (the merchant captures or cancels)
 *     approved, automatic               → CAPTURE the whole amount
 *
 * Every CAPTURE and VOID id is recorded with the state change that starts it,
 * before the call; an unknown outcome stays `capturing` / `canceling` and is
 * reconciled by looking the transaction up (reconcile.ts) — never sent anew
 * under another id.
 */
import { randomBytes } from 'node:crypto';
import { NetworkRejected, type AuthenticationOutcome, type PaymentOutcome, type SecurityCodeResult } from '../../connectors/card-network.js';
import { ApiError } from '../../errors.js';
import { currencyCode, formatMinor } from '../../money.js';
import { securityCodeDecline } from '../merchants/merchant-service.js';
import { announce, failPayment, outcomeChanges, pay, sendCharge, settlePayment } from './outcomes.js';
import { paymentTimings, type PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';

/** A network transaction id for a CAPTURE or VOID: unique per attempt, at most 40 characters. */
export function networkTxnId(kind: 'capture' | 'void'): string {
  return `${kind}-${randomBytes(8).toString('hex')}`;
}

/** The security-code results this payment's merchant declines (empty when the network cannot authorize separately). */
async function declinedCodes(deps: PaymentDeps, payment: Payment): Promise<SecurityCodeResult[]> {
  return securityCodeDecline(await deps.merchants.get(payment.merchant_id));
}

/** Whether the capture waits for the merchant: a manual session, or a review opened by the fraud screening. */
export function waitsForMerchant(payment: Pick<Payment, 'capture_method' | 'review'>): boolean {
  return payment.capture_method === 'manual' || payment.review !== null;
}

/**
 * Whether this payment is authorized first (see the top of this file). A
 * security code the network already reported with the authentication was
 * judged before this (collect.ts): only an unknown one needs the authorization.
 */
async function authorizesFirst(deps: PaymentDeps, payment: Payment): Promise<boolean> {
  if (!deps.network.authorize || !deps.network.capture) return false;
  return waitsForMerchant(payment) || (payment.security_code === null && (await declinedCodes(deps, payment)).length > 0);
}

/**
 * The security-code policy where the network reports the check with the
 * authentication: a declined result fails the attempt before PAY or
 * AUTHORIZE (402 1601), so no money is ever reserved.
 */
export async function refuseDeclinedSecurityCode(deps: PaymentDeps, payment: Payment, authentication: AuthenticationOutcome): Promise<Payment> {
  const securityCode = authentication.securityCode;
  if (!securityCode) return payment;
  const checked = { ...payment, security_code: securityCode };
  if (!(await declinedCodes(deps, payment)).includes(securityCode)) return checked;
  const card = authentication.card;
  const failed = await failPayment(deps, checked, 'processing', `security code ${securityCode}: declined before payment`, 'DECLINED_CSC', {
    security_code: securityCode,
    failure_reason: `security_code_${securityCode}`,
    ...(card
      ? {
          card_brand: card.brand,
          card_masked: card.maskedNumber,
          card_expiry: card.expiryMonth && card.expiryYear ? `${card.expiryMonth}/${card.expiryYear}` : null,
        }
      : {}),
  });
  throw new ApiError('1601', `card declined (${declineReason(failed)})`);
}

/** PAY or AUTHORIZE with the recorded ids (sendCharge), then settle in one short transaction. */
export async function charge(deps: PaymentDeps, payment: Payment): Promise<Payment> {
  if (!(await authorizesFirst(deps, payment))) return pay(deps, payment);
  const outcome = await sendCharge(deps, payment, 'AUTHORIZE');
  if (outcome instanceof NetworkRejected) {
    return failPayment(deps, payment, 'processing', `card network rejected AUTHORIZE (${outcome.reason})`, outcome.reason);
  }
  if (outcome.status !== 'succeeded') return settlePayment(deps, payment, 'processing', outcome, 'AUTHORIZE');
  return afterAuthorization(deps, payment, 'processing', outcome);
}

/** For collect: a decline (a refused security code included) is answered as 402 code 1601; the payment is stored as it is. */
export async function chargeOrDecline(deps: PaymentDeps, payment: Payment): Promise<Payment> {
  const settled = await charge(deps, payment);
  if (settled.status === 'failed' || settled.status === 'canceling') throw new ApiError('1601', `card declined (${declineReason(settled)})`);
  return settled;
}

function declineReason(payment: Payment): string {
  if (payment.gateway_code === 'DECLINED_CSC') return `security code ${payment.security_code ?? 'not_processed'}`;
  return payment.gateway_code ?? 'DECLINED';
}

/**
 * An approved authorization (just now, or learned by reconciliation):
 * void it when the security code is declined, wait for the merchant, or
 * capture it all.
 */
export async function afterAuthorization(deps: PaymentDeps, payment: Payment, from: 'processing' | 'pending', outcome: PaymentOutcome): Promise<Payment> {
  const now = deps.clock.now();
  const securityCode = (payment.security_code as SecurityCodeResult | null) ?? outcome.securityCode ?? 'not_processed';
  const changes = { ...outcomeChanges(payment, outcome), security_code: securityCode, gateway_code: outcome.gatewayCode };

  if (payment.security_code === null && (await declinedCodes(deps, payment)).includes(securityCode)) {
    const voiding = {
      ...changes,
      gateway_code: 'DECLINED_CSC',
      failure_reason: `security_code_${securityCode}`,
      void_txn_id: networkTxnId('void'),
      reconcile_after: now + paymentTimings(deps).reconcileBackoffMs,
    };
    const cause = `AUTHORIZE approved; security code ${securityCode} is declined by the merchant's policy: VOID`;
    if (!(await deps.payments.transition(payment.id, from, 'canceling', cause, now, voiding))) return (await deps.payments.findById(payment.id))!;
    return voidAuthorization(deps, (await deps.payments.findById(payment.id))!);
  }

  if (waitsForMerchant(payment)) {
    await deps.storage.db.transaction().execute(async (trx) => {
      const waiting = { ...changes, capture_before: now + deps.captureWindowMs, reconcile_after: null };
      const cause = payment.review ? 'AUTHORIZE approved; under review' : 'AUTHORIZE approved; manual capture';
      if (!(await deps.payments.transition(payment.id, from, 'requires_capture', cause, now, waiting, trx))) return;
      await deps.sessions.markAuthorized(payment.session_id, payment.id, trx);
      const authorized = (await deps.payments.findById(payment.id, trx))!;
      await announce(deps, trx, authorized, 'payment.requires_capture', now);
      if (authorized.review) await announce(deps, trx, authorized, 'payment.review_opened', now);
    });
    return (await deps.payments.findById(payment.id))!;
  }

  const capturing = {
    ...changes,
    capture_txn_id: networkTxnId('capture'),
    capture_requested_minor: payment.amount_minor,
    reconcile_after: now + paymentTimings(deps).reconcileBackoffMs,
  };
  if (!(await deps.payments.transition(payment.id, from, 'capturing', 'AUTHORIZE approved: CAPTURE', now, capturing))) {
    return (await deps.payments.findById(payment.id))!;
  }
  return sendCapture(deps, (await deps.payments.findById(payment.id))!);
}

/** CAPTURE with the ids recorded on the `capturing` payment, then settle. */
export async function sendCapture(deps: PaymentDeps, payment: Payment): Promise<Payment> {
  const code = currencyCode(payment.currency)!;
  const outcome = await deps.network.capture!({
    orderId: payment.network_order_ref,
    captureTransactionId: payment.capture_txn_id!,
    amount: formatMinor(payment.capture_requested_minor!, code),
    currency: code,
  }).catch((err: unknown): PaymentOutcome | NetworkRejected => {
    if (err instanceof NetworkRejected) return err;
    deps.logger.error({ err, payment_id: payment.id }, 'CAPTURE outcome unknown; will reconcile');
    return { status: 'pending', reconcile: true } as PaymentOutcome;
  });
  return settleCapture(deps, payment, outcome);
}

/** Stores a CAPTURE's outcome: captured → succeeded (the session is paid); refused → requires_capture again; unknown → stays. */
export async function settleCapture(deps: PaymentDeps, payment: Payment, outcome: PaymentOutcome | NetworkRejected): Promise<Payment> {
  const now = deps.clock.now();
  if (!(outcome instanceof NetworkRejected) && outcome.status === 'pending') {
    await deps.payments.setReconcileAfter(payment.id, now + paymentTimings(deps).reconcileBackoffMs);
    return (await deps.payments.findById(payment.id))!;
  }
  if (outcome instanceof NetworkRejected || outcome.status === 'failed') {
    const reason = outcome instanceof NetworkRejected ? outcome.reason : (outcome.gatewayCode ?? 'DECLINED');
    await deps.storage.db.transaction().execute(async (trx) => {
      const back = {
        capture_txn_id: null,
        capture_requested_minor: null,
        reconcile_after: null,
        capture_before: payment.capture_before ?? now + deps.captureWindowMs,
      };
      if (!(await deps.payments.transition(payment.id, 'capturing', 'requires_capture', `CAPTURE refused (${reason})`, now, back, trx))) return;
      // An automatic capture refused leaves an authorization: the session waits with it (captured or voided later).
      await deps.sessions.markAuthorized(payment.session_id, payment.id, trx);
    });
    return (await deps.payments.findById(payment.id))!;
  }
  await deps.storage.db.transaction().execute(async (trx) => {
    const captured = { amount_captured_minor: payment.capture_requested_minor!, reconcile_after: null, capture_before: null };
    if (!(await deps.payments.transition(payment.id, 'capturing', 'succeeded', `CAPTURE ${outcome.gatewayCode ?? 'approved'}`, now, captured, trx))) return;
    await deps.sessions.markPaid(payment.session_id, payment.id, trx);
    await announce(deps, trx, (await deps.payments.findById(payment.id, trx))!, 'payment.succeeded', now);
  });
  return (await deps.payments.findById(payment.id))!;
}

/** VOID the authorization of a `canceling` payment (ids recorded), then settle. */
export async function voidAuthorization(deps: PaymentDeps, payment: Payment): Promise<Payment> {
  const outcome = await deps.network
    .voidTransaction({ orderId: payment.network_order_ref, voidTransactionId: payment.void_txn_id!, targetTransactionId: payment.pay_txn_id })
    .catch((err: unknown): PaymentOutcome | NetworkRejected => {
      if (err instanceof NetworkRejected) return err;
      deps.logger.error({ err, payment_id: payment.id }, 'VOID outcome unknown; will reconcile');
      return { status: 'pending', reconcile: true } as PaymentOutcome;
    });
  return settleVoid(deps, payment, outcome);
}

/**
 * Stores a VOID's outcome. Voided: a declined security code fails the
 * payment (the session reopens for another card); otherwise it is canceled
 * and the session with it. Refused: a merchant's cancel goes back to
 * requires_capture; a declined security code stays `canceling` and is tried
 * again by the reconciler (never captured). Unknown: stays, reconciled.
 */
export async function settleVoid(deps: PaymentDeps, payment: Payment, outcome: PaymentOutcome | NetworkRejected): Promise<Payment> {
  const now = deps.clock.now();
  const declined = payment.gateway_code === 'DECLINED_CSC';
  const refused = outcome instanceof NetworkRejected || outcome.status === 'failed';
  if (!refused && outcome.status === 'pending') {
    await deps.payments.setReconcileAfter(payment.id, now + paymentTimings(deps).reconcileBackoffMs);
    return (await deps.payments.findById(payment.id))!;
  }
  if (refused) {
    const reason = outcome instanceof NetworkRejected ? outcome.reason : (outcome.gatewayCode ?? 'DECLINED');
    if (declined) {
      deps.logger.error({ payment_id: payment.id, reason }, 'VOID after a declined security code refused; will try again');
      await deps.payments.setReconcileAfter(payment.id, now + paymentTimings(deps).reconcileBackoffMs);
      return (await deps.payments.findById(payment.id))!;
    }
    await deps.payments.transition(payment.id, 'canceling', 'requires_capture', `VOID refused (${reason})`, now, { void_txn_id: null, reconcile_after: null });
    return (await deps.payments.findById(payment.id))!;
  }
  if (declined) {
    return failPayment(deps, payment, 'canceling', `security code ${payment.security_code}: authorization voided, never captured`, 'DECLINED_CSC', {
      failure_reason: payment.failure_reason,
      reconcile_after: null,
    });
  }
  await deps.storage.db.transaction().execute(async (trx) => {
    if (!(await deps.payments.transition(payment.id, 'canceling', 'canceled', 'VOID approved', now, { reconcile_after: null, capture_before: null }, trx)))
      return;
    await deps.sessions.cancelAuthorized(payment.session_id, `${payment.id} canceled`, trx);
    await announce(deps, trx, (await deps.payments.findById(payment.id, trx))!, 'payment.canceled', now);
  });
  return (await deps.payments.findById(payment.id))!;
}
