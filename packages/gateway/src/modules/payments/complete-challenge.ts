/**
 * The browser came back from the issuer's 3-D Secure challenge. Its POST is
 * never trusted: the authentication is re-read from the network, and only a
 * payment still waiting for it (compare-and-set) goes on to PAY (or AUTHORIZE, charge.ts). Anything
 * else fails the attempt. Either way the customer is sent to the merchant.
 */
import { ApiError } from '../../errors.js';
import { charge } from './charge.js';
import { failPayment, redirectFor, type ReturnResult } from './outcomes.js';
import type { PaymentDeps } from './payment-deps.js';
import { recordChallengeOutcome, refuseUnauthenticated, requiresThreeDs } from './screen.js';

export async function completeChallenge(deps: PaymentDeps, paymentId: string): Promise<ReturnResult | undefined> {
  const payment = await deps.payments.findById(paymentId);
  if (!payment) return undefined;
  if (payment.status !== 'requires_action') return redirectFor(deps, payment);

  const auth = await deps.network.retrieveAuthentication(payment.network_order_ref, payment.auth_txn_id);
  if (auth.status === 'challenge' || auth.status === 'pending') throw new ApiError('1010', 'the 3-D Secure authentication has not completed');
  const now = deps.clock.now();
  const changes = { authentication_status: auth.authenticationStatus };

  if (auth.status === 'unavailable' && requiresThreeDs(payment)) {
    const refused = await refuseUnauthenticated(deps, payment, 'requires_action', changes);
    await recordChallengeOutcome(deps, refused);
    return redirectFor(deps, refused);
  }
  if (auth.status === 'proceed' || (auth.status === 'unavailable' && deps.payWhenAuthenticationUnavailable)) {
    const cause = `3-D Secure ${auth.authenticationStatus ?? 'completed'}`;
    const resumed = await deps.payments.transition(payment.id, 'requires_action', 'processing', cause, now, changes);
    if (!resumed) return redirectFor(deps, (await deps.payments.findById(paymentId))!);
    const settled = await charge(deps, { ...payment, status: 'processing', ...changes }, auth.status === 'proceed');
    await recordChallengeOutcome(deps, settled);
    return redirectFor(deps, settled);
  }

  const cause = `3-D Secure ${auth.authenticationStatus ?? 'failed'}`;
  const failed = await failPayment(deps, payment, 'requires_action', cause, auth.gatewayCode ?? 'AUTHENTICATION_FAILED', changes);
  await recordChallengeOutcome(deps, failed);
  return redirectFor(deps, failed);
}
