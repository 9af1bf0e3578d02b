/**
 * Collect: the customer pays the checkout session with the card entered in
 * the network's hosted fields.
 *
 *   the attempt is allowed (time, lock) and the hosted card session was issued for this checkout
 *   → spend the card session, claim the session and record the network ids (one transaction, before any call)
 *   → 3-D Secure: initiate → fraud screening (screen.ts: block, or require 3-D Secure) → authenticate the payer
 *   → frictionless: PAY and settle · challenge: hand the page its html
 *
 * The amount, currency and customer reference always come from the session.
 */
import { NetworkRejected, type AuthenticationOutcome } from '../../connectors/card-network.js';
import { ApiError, ERROR_CATALOGUE, invalidField, mismatch } from '../../errors.js';
import { expectAnswer } from '../audit/state-change-audit.js';
import { newId } from '../../ids.js';
import { currencyCode } from '../../money.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import { failPayment, payOrDecline } from './outcomes.js';
import { outcomeOfError, recordOutcome, refuseUnauthenticated, requiresThreeDs, screen } from './screen.js';
import { holdingLease, freshLease } from './lease.js';
import { attemptDeadline, type PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';
import type { CollectInput } from './payment-schemas.js';

/** What collect answers: the payment, and for a 3-D Secure challenge what to show. */
export interface CollectResult {
  payment: Payment;
  nextAction?: { type: 'three_d_secure_challenge'; html: string };
}

export async function collect(
  deps: PaymentDeps,
  session: CheckoutSession,
  input: CollectInput,
  client: { ip: string; userAgent: string; device?: string | undefined },
): Promise<CollectResult> {
  bindSessionOrThrow(session, input);
  deps.sessions.assertAttemptAllowed(session);
  if (session.require_otp === 1 && session.otp_verified_at === null) throw new ApiError('1403', 'verify the one-time code before paying');
  const attempt = await startAttempt(deps, session, input.hosted_session_id);
  // The reconciler leaves the attempt alone while this process lives (lease) and until its deadline.
  return holdingLease(deps, attempt.id, () => runAttempt(deps, session, attempt, input, client));
}

async function runAttempt(
  deps: PaymentDeps,
  session: CheckoutSession,
  attempt: Payment,
  input: CollectInput,
  client: { ip: string; userAgent: string; device?: string | undefined },
): Promise<CollectResult> {
  const initiated = await authenticationStep(deps, attempt, () =>
    deps.network.initiateAuthentication({
      orderId: attempt.network_order_ref,
      authTransactionId: attempt.auth_txn_id,
      hostedSessionId: attempt.hosted_session_id,
      currency: currencyCode(attempt.currency)!,
    }),
  );
  // Before money moves: the risk engine scores the attempt (a block throws 1602 with the payment failed).
  const screened = await screen(deps, session, attempt, { ip: client.ip, device: client.device }, initiated.card);
  const { payment } = screened;
  try {
    const result = await authenticateAndPay(deps, payment, initiated, input, client);
    if (result.payment.status === 'succeeded') await recordOutcome(deps, screened, 'succeeded');
    return result;
  } catch (err) {
    await recordOutcome(deps, screened, outcomeOfError(err));
    throw err;
  }
}

async function authenticateAndPay(
  deps: PaymentDeps,
  payment: Payment,
  initiated: AuthenticationOutcome,
  input: CollectInput,
  client: { ip: string; userAgent: string },
): Promise<CollectResult> {
  if (initiated.status !== 'proceed') return afterAuthentication(deps, payment, initiated);
  const authenticated = await authenticationStep(deps, payment, () =>
    deps.network.authenticatePayer({
      orderId: payment.network_order_ref,
      authTransactionId: payment.auth_txn_id,
      hostedSessionId: payment.hosted_session_id,
      amount: payment.amount,
      currency: currencyCode(payment.currency)!,
      redirectResponseUrl: `${deps.publicUrl}/v1/3ds/return/${payment.id}`,
      browser: { ...input.browser, userAgent: input.browser?.userAgent ?? client.userAgent },
      ipAddress: client.ip,
    }),
  );
  return afterAuthentication(deps, payment, authenticated);
}

/**
 * Body binding: amount, currency and customer_reference come from the
 * session. Legacy callers that still send them must send exactly what the
 * session holds — byte for byte — checked in this order.
 */
export function bindSessionOrThrow(
  session: Pick<CheckoutSession, 'amount' | 'currency' | 'customer_reference'>,
  body: Pick<CollectInput, 'amount' | 'currency' | 'customer_reference'>,
): void {
  if (body.amount !== undefined && body.amount !== session.amount) throw mismatch('amount');
  if (body.currency !== undefined && body.currency !== session.currency) throw mismatch('currency');
  if (body.customer_reference !== undefined && body.customer_reference !== session.customer_reference) throw mismatch('customer_reference');
}

/** Rolls the attempt's transaction back (the card session stays unspent) when the session cannot be claimed. */
class NotClaimed extends Error {}

/** Spends the card session, claims the session for one attempt and records the network ids, in one transaction, before any call. */
async function startAttempt(deps: PaymentDeps, session: CheckoutSession, hostedSessionId: string): Promise<Payment> {
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

/** An authentication call moves no money: if it fails, the attempt fails and the session reopens. */
async function authenticationStep(deps: PaymentDeps, payment: Payment, call: () => Promise<AuthenticationOutcome>): Promise<AuthenticationOutcome> {
  try {
    return await call();
  } catch (err) {
    const rejected = err instanceof NetworkRejected;
    const cause = rejected ? `card network rejected the request (${err.reason})` : 'card network unreachable';
    expectAnswer('failed', ERROR_CATALOGUE[rejected ? (err.hostedSessionUnknown ? '1010' : '1601') : '1900'].status);
    await failPayment(deps, payment, 'processing', cause, rejected ? err.reason : 'SYSTEM_ERROR');
    if (rejected && err.hostedSessionUnknown) {
      throw invalidField('hosted_session_id', 'the card network does not know this hosted session (expired or never filled in)');
    }
    if (rejected) throw new ApiError('1601', `card declined (${err.reason})`);
    deps.logger.error({ err, payment_id: payment.id }, 'card network call failed');
    throw new ApiError('1900', 'the card network could not be reached; try again');
  }
}

async function afterAuthentication(deps: PaymentDeps, payment: Payment, auth: AuthenticationOutcome): Promise<CollectResult> {
  const now = deps.clock.now();
  const authenticated = { ...payment, authentication_status: auth.authenticationStatus };
  switch (auth.status) {
    case 'challenge': {
      await deps.payments.transition(payment.id, 'processing', 'requires_action', '3-D Secure challenge', now, {
        authentication_status: auth.authenticationStatus,
        risk: payment.risk,
      });
      return {
        payment: { ...authenticated, status: 'requires_action' },
        nextAction: { type: 'three_d_secure_challenge', html: auth.redirectHtml ?? '' },
      };
    }
    case 'proceed':
      return { payment: await payOrDecline(deps, authenticated, true) };
    case 'unavailable':
    case 'failed':
    case 'pending': {
      if (auth.status === 'unavailable' && deps.payWhenAuthenticationUnavailable) {
        if (requiresThreeDs(payment)) {
          expectAnswer('failed', ERROR_CATALOGUE['1602'].status);
          await refuseUnauthenticated(deps, payment, 'processing', { authentication_status: auth.authenticationStatus });
          throw new ApiError('1602', 'fraud screening requires 3-D Secure and this card cannot authenticate');
        }
        return { payment: await payOrDecline(deps, authenticated, false) };
      }
      const cause = `3-D Secure ${auth.authenticationStatus ?? auth.status}`;
      const failed = await failPayment(deps, payment, 'processing', cause, auth.gatewayCode ?? 'AUTHENTICATION_FAILED', {
        authentication_status: auth.authenticationStatus,
      });
      throw new ApiError('1601', `card declined (${failed.gateway_code})`);
    }
  }
}
