/**
 * Collect: the customer pays the checkout session with the card entered in
 * the network's hosted fields.
 *
 *   the attempt is allowed (time, lock) and the hosted card session was issued for this checkout
 *   → spend the card session, claim the session and record the network ids (one transaction, before any call; start-attempt.ts)
 *   → 3-D Secure: initiate → fraud screening (screen.ts: block, or require 3-D Secure) → authenticate the payer (payer-authentication.ts)
 *   → frictionless: PAY (or AUTHORIZE first, charge.ts) and settle · challenge: hand the page its html
 *
 * The amount, currency and customer reference always come from the session.
 */
import type { AuthenticationOutcome } from '../../connectors/card-network.js';
import { ApiError, mismatch } from '../../errors.js';
import { currencyCode } from '../../money.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import { refuseDeclinedSecurityCode } from './charge.js';
import { notePending, outcomeOfError, recordOutcome, screen } from './screen.js';
import { holdingLease } from './lease.js';
import type { PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';
import type { CollectInput } from './payment-schemas.js';
import { afterAuthentication, authenticatePayer, authenticationStep, type CollectResult, type PayerClient } from './payer-authentication.js';
import { startAttempt } from './start-attempt.js';

export type { CollectResult, NextAction, PayerClient } from './payer-authentication.js';

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
