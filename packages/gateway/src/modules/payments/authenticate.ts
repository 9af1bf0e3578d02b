/**
 * Authenticate: the payer's browser has run the issuer's 3-D Secure method (the
 * hidden frame collect asked for with `next_action.type = three_d_secure_method`)
 * and asks to go on.
 *
 *   the payment belongs to this checkout session and waits for the method (three_ds_step)
 *   → compare-and-set requires_action → processing (a second call loses the race)
 *   → authenticate the payer with this request's browser details
 *   → frictionless: PAY and settle · challenge: hand the page its html · refused: fail
 *
 * Nothing is taken from the body but the browser's details; the amount, ids and
 * card come from the payment recorded by collect.
 */
import { ApiError } from '../../errors.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import { authenticatePayer, type CollectResult, type PayerClient } from './payer-authentication.js';
import { freshLease, holdingLease } from './lease.js';
import { attemptDeadline, type PaymentDeps } from './payment-deps.js';
import type { AuthenticateInput } from './payment-schemas.js';
import { recordChallengeOutcome } from './screen.js';

export async function authenticate(
  deps: PaymentDeps,
  session: CheckoutSession,
  paymentId: string,
  input: AuthenticateInput,
  client: PayerClient,
): Promise<CollectResult> {
  const payment = await deps.payments.findById(paymentId);
  // Another session's payment is as unknown as a missing one.
  if (!payment || payment.session_id !== session.id) throw new ApiError('1011', `no payment ${paymentId}`);
  if (payment.status !== 'requires_action' || payment.three_ds_step !== 'method') {
    throw new ApiError('1005', 'this payment is not waiting for 3-D Secure authentication');
  }
  // Resuming starts a new in-flight phase (AUTHENTICATE_PAYER, then PAY): its own lease and
  // deadline, so the reconciler never calls it "not charged" while it may still be on its way.
  const inFlight = { lease_expires_at: freshLease(deps), attempt_deadline_at: attemptDeadline(deps, 'challenge') };
  const resumed = await deps.payments.transition(payment.id, 'requires_action', 'processing', '3-D Secure method done', deps.clock.now(), inFlight);
  if (!resumed) throw new ApiError('1005', 'this payment is not waiting for 3-D Secure authentication');

  const resumedPayment = { ...payment, status: 'processing' as const, three_ds_step: null, ...inFlight };
  const result = await holdingLease(deps, payment.id, () => authenticatePayer(deps, resumedPayment, input.browser, client)).catch(async (err: unknown) => {
    const current = await deps.payments.findById(payment.id);
    if (current) await recordChallengeOutcome(deps, current);
    throw err;
  });
  await recordChallengeOutcome(deps, result.payment);
  return result;
}
