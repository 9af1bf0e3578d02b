/**
 * Collect: the customer pays the checkout session with the card entered in
 * the network's hosted fields.
 *
 *   the attempt is allowed (time, lock) and the hosted card session was issued for this checkout
 *   → spend the card session, claim the session and record the network ids (one transaction, before any call)
 *   → 3-D Secure: initiate → fraud screening (screen.ts: block, or require 3-D Secure) → authenticate the payer
 *   → frictionless: PAY (or AUTHORIZE first, charge.ts) and settle · challenge: hand the page its html
 *
 * The amount, currency and customer reference always come from the session.
 */
import { NetworkRejected, type AuthenticationOutcome } from '../../connectors/card-network.js';
import { ApiError, ERROR_CATALOGUE, invalidField, mismatch } from '../../errors.js';
import { expectAnswer } from '../audit/state-change-audit.js';
import { newId } from '../../ids.js';
import { currencyCode } from '../../money.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import { chargeOrDecline, refuseDeclinedSecurityCode } from './charge.js';
import { failPayment } from './outcomes.js';
import { notePending, outcomeOfError, recordOutcome, refuseUnauthenticated, requiresThreeDs, screen } from './screen.js';
import { holdingLease, freshLease } from './lease.js';
import { attemptDeadline, type PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';
import type { CollectInput } from './payment-schemas.js';

/**
 * What the browser must do next (`next_action`):
 * - `three_d_secure_method`: run `html` in a hidden frame (the issuer's 3-D Secure method
 *   collects device data), then POST `authenticate_url` (authenticate.ts);
 * - `three_d_secure_challenge`: show `html` (the issuer's challenge) to the payer.
 */
export type NextAction = { type: 'three_d_secure_method'; html: string; authenticate_url: string } | { type: 'three_d_secure_challenge'; html: string };

/** What collect answers: the payment, and for 3-D Secure what the browser does next. */
export interface CollectResult {
  payment: Payment;
  nextAction?: NextAction;
}

/** What the payer's own request says about the browser (3-D Secure device data the body cannot carry). */
export interface PayerClient {
  ip: string;
  userAgent: string;
  /** The request's Accept header: EMV 3-D Secure needs the browser's, and a page cannot read it. */
  accept?: string | undefined;
  device?: string | undefined;
}

export async function collect(deps: PaymentDeps, session: CheckoutSession, input: CollectInput, client: PayerClient): Promise<CollectResult> {
  bindSessionOrThrow(session, input);
  deps.sessions.assertAttemptAllowed(session);
  if (session.require_otp === 1 && session.otp_verified_at === null) throw new ApiError('1403', 'verify the one-time code before paying');
  if (session.capture_method === 'manual' && !deps.network.authorize) {
    throw new ApiError('1010', `capture_method manual is not supported by the card network ${deps.network.name}`);
  }
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
  try {
    // The security code, when the network checked it with the authentication: judged before any money moves.
    const payment = await refuseDeclinedSecurityCode(deps, screened.payment, initiated);
    const result = await authenticateAndPay(deps, payment, initiated, input, client);
    if (['succeeded', 'requires_capture', 'capturing'].includes(result.payment.status)) await recordOutcome(deps, screened, 'succeeded');
    else if (result.payment.status === 'requires_action') await notePending(deps, screened);
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
  client: PayerClient,
): Promise<CollectResult> {
  if (initiated.status !== 'proceed') return afterAuthentication(deps, payment, initiated);
  if (initiated.redirectHtml !== null) {
    // The issuer has a 3-D Secure method: the payer's browser runs it before the payer is
    // authenticated (without it, an issuer that could approve frictionlessly challenges).
    await deps.payments.transition(payment.id, 'processing', 'requires_action', '3-D Secure method', deps.clock.now(), {
      authentication_status: initiated.authenticationStatus,
      three_ds_step: 'method',
      risk: payment.risk,
      // Decided already, kept for the resumed attempt: the screening's review (it then authorizes only)
      // and the judged security code (so it need not authorize first to learn it).
      review: payment.review,
      security_code: payment.security_code,
    });
    return {
      payment: { ...payment, status: 'requires_action', authentication_status: initiated.authenticationStatus, three_ds_step: 'method' },
      nextAction: { type: 'three_d_secure_method', html: initiated.redirectHtml, authenticate_url: `${deps.publicUrl}/v1/payments/${payment.id}/authenticate` },
    };
  }
  return authenticatePayer(deps, payment, input.browser, client);
}

/** AUTHENTICATE_PAYER with the payer's browser, then challenge, pay or fail. */
export async function authenticatePayer(deps: PaymentDeps, payment: Payment, browser: CollectInput['browser'], client: PayerClient): Promise<CollectResult> {
  const authenticated = await authenticationStep(deps, payment, () =>
    deps.network.authenticatePayer({
      orderId: payment.network_order_ref,
      authTransactionId: payment.auth_txn_id,
      hostedSessionId: payment.hosted_session_id,
      amount: payment.amount,
      currency: currencyCode(payment.currency)!,
      redirectResponseUrl: `${deps.publicUrl}/v1/3ds/return/${payment.id}`,
      browser: {
        ...browser,
        userAgent: browser?.userAgent ?? client.userAgent,
        // The page cannot read the Accept header its browser sends; the request carrying these details can.
        ...(browser?.acceptHeaders === undefined && { acceptHeaders: acceptHeadersOf(client) }),
      },
      ipAddress: client.ip,
    }),
  );
  return afterAuthentication(deps, payment, authenticated);
}

/** The payer's Accept header, or the value browsers send for a page load when the request had none. */
function acceptHeadersOf(client: PayerClient): string {
  const accept = client.accept?.trim();
  return accept ? accept.slice(0, 2048) : 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
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

/** An authentication call moves no money: if it fails, the attempt fails and the session reopens. */
/**
 * An authentication call moves no money: if it fails, the attempt fails and the session
 * reopens. An outcome the network did not decide (unreachable, busy, failed on its side)
 * is never reported as a declined card: the customer is asked to try again, and the next
 * attempt runs under new ids (a new payment), since a repeated authentication request is
 * not documented to return the first answer.
 */
async function authenticationStep(deps: PaymentDeps, payment: Payment, call: () => Promise<AuthenticationOutcome>): Promise<AuthenticationOutcome> {
  try {
    return await call();
  } catch (err) {
    const rejected = err instanceof NetworkRejected && !err.transient;
    const cause = rejected ? `card network rejected the request (${err.reason})` : 'card network did not answer the authentication';
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

export async function afterAuthentication(deps: PaymentDeps, payment: Payment, auth: AuthenticationOutcome): Promise<CollectResult> {
  const now = deps.clock.now();
  const authenticated = { ...payment, authentication_status: auth.authenticationStatus };
  switch (auth.status) {
    case 'challenge': {
      await deps.payments.transition(payment.id, 'processing', 'requires_action', '3-D Secure challenge', now, {
        authentication_status: auth.authenticationStatus,
        three_ds_step: 'challenge',
        risk: payment.risk,
        review: payment.review,
        security_code: payment.security_code,
      });
      return {
        payment: { ...authenticated, status: 'requires_action', three_ds_step: 'challenge' },
        nextAction: { type: 'three_d_secure_challenge', html: auth.redirectHtml ?? '' },
      };
    }
    case 'proceed':
      return { payment: await chargeOrDecline(deps, authenticated) };
    case 'unavailable':
    case 'failed':
    case 'pending': {
      if (auth.status === 'unavailable' && deps.payWhenAuthenticationUnavailable) {
        if (requiresThreeDs(payment)) {
          expectAnswer('failed', ERROR_CATALOGUE['1602'].status);
          await refuseUnauthenticated(deps, payment, 'processing', { authentication_status: auth.authenticationStatus });
          throw new ApiError('1602', 'fraud screening requires 3-D Secure and this card cannot authenticate');
        }
        return { payment: await chargeOrDecline(deps, authenticated) };
      }
      const cause = `3-D Secure ${auth.authenticationStatus ?? auth.status}`;
      const failed = await failPayment(deps, payment, 'processing', cause, auth.gatewayCode ?? 'AUTHENTICATION_FAILED', {
        authentication_status: auth.authenticationStatus,
      });
      throw new ApiError('1601', `card declined (${failed.gateway_code})`);
    }
  }
}
