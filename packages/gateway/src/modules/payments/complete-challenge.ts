/**
 * The browser came back from the issuer's 3-D Secure challenge. Its POST is
 * never trusted: the authentication is re-read from the network, and only a
 * payment still waiting for it (compare-and-set) goes on to PAY (or AUTHORIZE, charge.ts). Anything
 * else fails the attempt. Either way the customer is sent to the merchant.
 */
import { ApiError, ERROR_CATALOGUE } from '../../errors.js';
import { expectAnswer, inMoneyRequest } from '../audit/state-change-audit.js';
import { charge } from './charge.js';
import { failPayment, redirectFor, type ReturnResult } from './outcomes.js';
import { freshLease, holdingLease } from './lease.js';
import { attemptDeadline, type PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';
import { recordChallengeOutcome, refuseUnauthenticated, requiresThreeDs } from './screen.js';

/** The return's answer: the merchant's success or fail URL once settled, or "still confirming" while the payment is in flight. */
export type ChallengeReturn = ReturnResult | { confirming: true; payment: Payment };

export async function completeChallenge(deps: PaymentDeps, paymentId: string): Promise<ChallengeReturn | undefined> {
  const payment = await deps.payments.findById(paymentId);
  if (!payment) return undefined;
  if (payment.status !== 'requires_action') return answerFor(deps, payment);
  // Waiting for the browser's 3-D Secure method: no challenge was shown, so nothing can have completed.
  if (payment.three_ds_step === 'method') throw new ApiError('1010', 'the 3-D Secure authentication has not completed');

  const auth = await deps.network.retrieveAuthentication(payment.network_order_ref, payment.auth_txn_id);
  if (auth.status === 'challenge' || auth.status === 'pending') throw new ApiError('1010', 'the 3-D Secure authentication has not completed');
  await expectRedirectAnswers(deps, payment);
  const now = deps.clock.now();
  const changes = { authentication_status: auth.authenticationStatus };
  // Resuming starts a new in-flight phase: its own lease and deadline, before PAY.
  const inFlight = { lease_expires_at: freshLease(deps), attempt_deadline_at: attemptDeadline(deps, 'challenge') };

  if (auth.status === 'unavailable' && requiresThreeDs(payment)) {
    const refused = await refuseUnauthenticated(deps, payment, 'requires_action', changes);
    await recordChallengeOutcome(deps, refused);
    return redirectFor(deps, refused);
  }
  if (auth.status === 'proceed' || (auth.status === 'unavailable' && deps.payWhenAuthenticationUnavailable)) {
    const cause = `3-D Secure ${auth.authenticationStatus ?? 'completed'}`;
    const resumed = await deps.payments.transition(payment.id, 'requires_action', 'processing', cause, now, { ...changes, ...inFlight });
    if (!resumed) return answerFor(deps, (await deps.payments.findById(paymentId))!);
    const resumedPayment = { ...payment, status: 'processing' as const, ...changes, ...inFlight };
    const settled = await holdingLease(deps, payment.id, () => charge(deps, resumedPayment));
    await recordChallengeOutcome(deps, settled);
    return answerFor(deps, settled);
  }

  const cause = `3-D Secure ${auth.authenticationStatus ?? 'failed'}`;
  const failed = await failPayment(deps, payment, 'requires_action', cause, auth.gatewayCode ?? 'AUTHENTICATION_FAILED', changes);
  await recordChallengeOutcome(deps, failed);
  return redirectFor(deps, failed);
}

/** Still moving money: being paid, outcome unknown until reconciled, or its capture in flight. */
const IN_FLIGHT = new Set<Payment['status']>(['processing', 'pending', 'capturing']);

/**
 * A payment still in flight (another request is paying it — the browser
 * posted the return twice, or the process paying it died — or its outcome is
 * unknown until reconciled) is neither a success nor a failure yet: sending
 * the customer to the fail URL would tell them "declined" while the charge
 * may still go through, and they would pay again. They get "confirming"
 * instead, and come back until it has settled.
 */
async function answerFor(deps: PaymentDeps, payment: Payment): Promise<ChallengeReturn> {
  if (IN_FLIGHT.has(payment.status)) return { confirming: true, payment };
  return redirectFor(deps, payment);
}

/**
 * The return answers 303 to the merchant's URL for the outcome — or 1201
 * when the merchant has since removed that URL's host from its allow-list.
 * Checked before the state change, whose transaction holds the request's
 * audit record with the status the answer will have.
 */
async function expectRedirectAnswers(deps: PaymentDeps, payment: Payment): Promise<void> {
  if (!inMoneyRequest()) return;
  const session = await deps.sessions.get(payment.session_id);
  if (!session) return;
  const targets = [
    ['succeeded', 'success_redirect_url'],
    ['failed', 'fail_redirect_url'],
  ] as const;
  for (const [outcome, field] of targets) {
    if (await deps.sessions.urlRefused(session.merchant_id, session[field])) expectAnswer(outcome, ERROR_CATALOGUE['1201'].status);
  }
}
