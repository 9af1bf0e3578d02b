import type { CheckoutSession } from '../sessions/session-repository.js';
import { authenticate } from './authenticate.js';
import { collect, type CollectResult, type PayerClient } from './collect.js';
import { challengeReturn, failureClass } from './challenge-return.js';
import { completeChallenge, type ChallengeReturn } from './complete-challenge.js';
import { announceEndedUnpaid, redirectFor, type ReturnResult } from './outcomes.js';
import type { PaymentDeps } from './payment-deps.js';
import type { Payment, Refund } from './payment-repository.js';
import type { AuthenticateInput, CaptureInput, CollectInput, RefundInput } from './payment-schemas.js';
import { cancel, capture, voidExpiredAuthorizations } from './capture.js';
import { expireAbandoned } from './expire-abandoned.js';
import { reconcileDue, reconcileReport, type ReconcileEntry } from './reconcile.js';
import { refund } from './refund.js';
import { ApiError } from '../../errors.js';

export type { CollectResult, NextAction, PayerClient } from './collect.js';
export type { ReturnResult } from './outcomes.js';
export type { ReconcileEntry } from './reconcile.js';
export { bindSessionOrThrow } from './collect.js';
export { paymentView, refundView } from './views.js';

/**
 * Card payments on a checkout session. Each story is its own use case
 * (collect.ts, complete-challenge.ts, refund.ts, reconcile.ts); this service
 * only scopes them to the caller. Ids for the network are recorded before
 * any call; no database transaction is held across a call; an unknown
 * outcome is reconciled by looking the transaction up, never by paying again.
 */
export class PaymentService {
  constructor(private readonly deps: PaymentDeps) {
    // A session that ends unpaid after a failed attempt: payment.failed (outcomes.ts).
    deps.sessions.onEndedUnpaid((session, trx) => announceEndedUnpaid(deps, session, trx));
  }

  collect(session: CheckoutSession, input: CollectInput, client: PayerClient): Promise<CollectResult> {
    return collect(this.deps, session, input, client);
  }

  /** After the browser ran the 3-D Secure method: authenticate the payer and go on (authenticate.ts). */
  authenticate(session: CheckoutSession, paymentId: string, input: AuthenticateInput, client: PayerClient): Promise<CollectResult> {
    return authenticate(this.deps, session, paymentId, input, client);
  }

  /**
   * The browser is back from 3-D Secure: settle, then where it goes next (challenge-return.ts) — or
   * "confirming" (202, complete-challenge.ts) while the payment is still in flight.
   */
  async completeChallenge(paymentId: string): Promise<ChallengeReturn | undefined> {
    const result = await completeChallenge(this.deps, paymentId);
    if (!result || 'confirming' in result) return result;
    return challengeReturn(this.deps, result);
  }

  /** A payment of this merchant; 1011 for anyone else's. */
  async get(merchantId: string, paymentId: string): Promise<Payment> {
    const payment = await this.deps.payments.findById(paymentId);
    if (!payment || payment.merchant_id !== merchantId) throw new ApiError('1011', `no payment ${paymentId}`);
    return payment;
  }

  listByOrder(merchantId: string, orderId: string): Promise<Payment[]> {
    return this.deps.payments.listByOrderId(merchantId, orderId);
  }

  async refund(merchantId: string, paymentId: string, input: RefundInput): Promise<Refund> {
    return refund(this.deps, await this.get(merchantId, paymentId), input);
  }

  /** POST /v1/payments/{id}/capture: all or part of a requires_capture authorization. */
  async capture(merchantId: string, paymentId: string, input: CaptureInput): Promise<Payment> {
    return capture(this.deps, await this.get(merchantId, paymentId), input);
  }

  /** POST /v1/payments/{id}/cancel: void a requires_capture authorization. */
  async cancel(merchantId: string, paymentId: string): Promise<Payment> {
    return cancel(this.deps, await this.get(merchantId, paymentId));
  }

  /** The sweeper: authorizations left uncaptured past the capture window are voided. */
  voidExpiredAuthorizations(limit?: number): Promise<number> {
    return voidExpiredAuthorizations(this.deps, limit);
  }

  refundsOf(paymentId: string): Promise<Refund[]> {
    return this.deps.payments.refundsOf(paymentId);
  }

  transitionsOf(paymentId: string) {
    return this.deps.payments.transitions(paymentId);
  }

  reconcileDue(limit?: number): Promise<number> {
    return reconcileDue(this.deps, limit);
  }

  /** The sweeper: 3-D Secure challenges abandoned past their session's time fail, and the session expires. */
  expireAbandoned(limit?: number): Promise<number> {
    return expireAbandoned(this.deps, limit);
  }

  /**
   * GET /v1/checkout/status: where the shopper stands, in any state — what the
   * hosted checkout's pending screen polls, and what it shows on reopening.
   * `redirect_url` once there is somewhere to go: the success page after a
   * payment succeeded, the way back once the session can no longer be paid.
   */
  async checkoutStatus(session: CheckoutSession) {
    const payment = session.current_payment_id ? await this.deps.payments.findById(session.current_payment_id) : undefined;
    const status = session.status === 'open' && session.expires_at <= this.deps.clock.now() ? 'expired' : session.status;
    let redirectUrl: string | null = null;
    if (payment?.status === 'succeeded' || payment?.status === 'requires_capture') redirectUrl = (await this.redirectIfAllowed(payment)) ?? null;
    else if (status === 'expired' || status === 'cancelled' || status === 'locked' || status === 'paid' || status === 'authorized')
      redirectUrl = this.deps.sessions.backUrl(session);
    return {
      object: 'checkout_status' as const,
      session_id: session.id,
      status,
      payment: payment
        ? {
            id: payment.id,
            status: payment.status,
            failure_class: payment.status === 'failed' ? failureClass(payment.gateway_code, payment.authentication_status, payment.failure_reason) : null,
          }
        : null,
      redirect_url: redirectUrl,
    };
  }

  /** One reconciliation pass, line by line (what `pdirect reconcile` prints). */
  reconcile(limit?: number): Promise<ReconcileEntry[]> {
    return reconcileReport(this.deps, limit);
  }

  /** The redirect for an answer that has a payment to give too: none (rather than an error) when the merchant no longer allows the host. */
  async redirectIfAllowed(payment: Payment): Promise<string | undefined> {
    try {
      return (await redirectFor(this.deps, payment)).redirectTo;
    } catch (err) {
      if (err instanceof ApiError && err.code === '1201') return undefined;
      throw err;
    }
  }

  /** Where to send the customer once a payment has settled (the merchant's success or fail URL, with ids). */
  redirectFor(payment: Payment): Promise<ReturnResult> {
    return redirectFor(this.deps, payment);
  }
}
