import type { CheckoutSession } from '../sessions/session-repository.js';
import { collect, type CollectResult } from './collect.js';
import { completeChallenge, type ChallengeReturn } from './complete-challenge.js';
import { redirectFor, type ReturnResult } from './outcomes.js';
import type { PaymentDeps } from './payment-deps.js';
import type { Payment, Refund } from './payment-repository.js';
import type { CollectInput, RefundInput } from './payment-schemas.js';
import { expireAbandoned } from './expire-abandoned.js';
import { reconcileDue, reconcileReport, type ReconcileEntry } from './reconcile.js';
import { refund } from './refund.js';
import { ApiError } from '../../errors.js';

export type { CollectResult } from './collect.js';
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
  constructor(private readonly deps: PaymentDeps) {}

  collect(session: CheckoutSession, input: CollectInput, client: { ip: string; userAgent: string; device?: string | undefined }): Promise<CollectResult> {
    return collect(this.deps, session, input, client);
  }

  completeChallenge(paymentId: string): Promise<ChallengeReturn | undefined> {
    return completeChallenge(this.deps, paymentId);
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
