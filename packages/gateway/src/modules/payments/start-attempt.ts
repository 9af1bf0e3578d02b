import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import { freshLease } from './lease.js';
import { attemptDeadline, type PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';

/** Rolls the attempt's transaction back (the card session stays unspent) when the session cannot be claimed. */
class NotClaimed extends Error {}

/** Spends the card session, claims the session for one attempt and records the network ids, in one transaction, before any call. */
export async function startAttempt(deps: PaymentDeps, session: CheckoutSession, hostedSessionId: string): Promise<Payment> {
  const now = deps.clock.now();
  const id = newId('pay');
  const payment: Payment = {
    id,
    session_id: session.id,
    merchant_id: session.merchant_id,
    order_id: session.order_id,
    amount: session.amount,
    amount_minor: session.amount_minor,
    currency: session.currency,
    customer_reference: session.customer_reference,
    status: 'processing',
    hosted_session_id: hostedSessionId,
    network: deps.network.name,
    network_order_ref: id,
    auth_txn_id: 'auth-1',
    pay_txn_id: 'pay-1',
    authentication_status: null,
    card_brand: null,
    card_masked: null,
    card_expiry: null,
    gateway_code: null,
    failure_reason: null,
    amount_refunded_minor: 0,
    reconcile_after: null,
    network_data: null,
    risk: null,
    lease_expires_at: freshLease(deps),
    attempt_deadline_at: attemptDeadline(deps, 'collect'),
    three_ds_step: null,
    reconcile_attempts: 0,
    capture_method: session.capture_method,
    security_code: null,
    review: null,
    capture_txn_id: null,
    void_txn_id: null,
    capture_requested_minor: null,
    amount_captured_minor: 0,
    capture_before: null,
    created_at: now,
    updated_at: now,
  };
  const claimed = await deps.storage.db
    .transaction()
    .execute(async (trx) => {
      const current = await deps.sessions.get(session.id, trx);
      if (!current) throw new NotClaimed();
      deps.sessions.assertAttemptAllowed(current);
      // First PAY attempt spends the card session, whatever its outcome: a retry needs a new one.
      await deps.sessions.spendCardSession(current, hostedSessionId, id, trx);
      if (current.status === 'processing' && current.current_payment_id) {
        // A challenge the customer walked away from may be replaced by a new attempt; anything else is in flight.
        const abandoned = await deps.payments.transition(
          current.current_payment_id,
          'requires_action',
          'failed',
          'superseded by a new attempt',
          now,
          { failure_reason: 'abandoned' },
          trx,
        );
        if (!abandoned) throw new NotClaimed();
      }
      if (!(await deps.sessions.claimForPayment(current, id, trx))) throw new NotClaimed();
      await deps.payments.insert(payment, 'collect', trx);
      return true;
    })
    .catch((err: unknown) => {
      if (err instanceof NotClaimed) return false;
      throw err;
    });
  if (!claimed) {
    const current = await deps.sessions.get(session.id);
    if (current?.status === 'paid' || current?.status === 'cancelled') throw new ApiError('1005', `the checkout session is already ${current.status}`);
    if (current?.status === 'expired') throw new ApiError('1004', 'the checkout session has expired');
    throw new ApiError('1005', 'a payment for this checkout session is already in progress');
  }
  return payment;
}
