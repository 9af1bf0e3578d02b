import { NetworkRejected, type AuthenticationOutcome } from '../../connectors/card-network.js';
import { ApiError, ERROR_CATALOGUE, invalidField } from '../../errors.js';
import { expectAnswer } from '../audit/state-change-audit.js';
import { currencyCode } from '../../money.js';
import { chargeOrDecline } from './charge.js';
import { failPayment } from './outcomes.js';
import { refuseUnauthenticated, requiresThreeDs } from './screen.js';
import type { PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';
import type { CollectInput } from './payment-schemas.js';

/**
 * 3-D Secure for an attempt (collect.ts, authenticate.ts): the calls that
 * authenticate the payer, and what their outcome leads to — the challenge
 * page, the charge, or a failed payment.
 */

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
 * An authentication call moves no money: if it fails, the attempt fails and the session
 * reopens. An outcome the network did not decide (unreachable, busy, failed on its side)
 * is never reported as a declined card: the customer is asked to try again, and the next
 * attempt runs under new ids (a new payment), since a repeated authentication request is
 * not documented to return the first answer.
 */
export async function authenticationStep(deps: PaymentDeps, payment: Payment, call: () => Promise<AuthenticationOutcome>): Promise<AuthenticationOutcome> {
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
