/**
 * Where the shopper's browser goes once it is back from the issuer's 3-D
 * Secure page (POST /v1/3ds/return → 303):
 *
 * - the payment succeeded: the merchant's success page (as before);
 * - the payment is not final yet (processing, pending, or a racing return
 *   found it still requires_action): the hosted checkout's pending screen,
 *   which polls and then goes on — "not yet succeeded" is never "failed";
 * - the payment failed but the session is open again (a failed
 *   authentication or a decline, time left, not locked): the hosted
 *   checkout's card form, with a message and a fresh attempt;
 * - otherwise (expired, locked, …): the merchant's fail page.
 *
 * The checkout page finds its token again in the tab's session storage; the
 * query only says which screen to show (`return=pending|failed`, `reason`).
 */
import type { ReturnResult } from './outcomes.js';
import type { PaymentDeps } from './payment-deps.js';

/** What the shopper is told after a failed attempt, by class (the page words each class in the shopper's language). */
export type AttemptFailureClass = 'authentication' | 'declined' | 'expired_card' | 'security_code' | 'unavailable' | 'refused';

const UNAVAILABLE = new Set(['TIMED_OUT', 'ACQUIRER_SYSTEM_ERROR', 'UNSPECIFIED_FAILURE', 'SYSTEM_ERROR', 'UNKNOWN']);

/** The class of a failed attempt, from the network's code (kept for the merchant) and the authentication result. */
export function failureClass(gatewayCode: string | null, authenticationStatus: string | null, failureReason?: string | null): AttemptFailureClass {
  const code = (gatewayCode ?? '').toUpperCase();
  if (
    code === 'AUTHENTICATION_FAILED' ||
    /AUTHENTICATION_(FAILED|REJECTED|UNAVAILABLE)/.test(authenticationStatus ?? '') ||
    /3-D Secure/.test(failureReason ?? '')
  )
    return 'authentication';
  if (code === 'EXPIRED_CARD') return 'expired_card';
  if (code === 'DECLINED_CSC' || code === 'DECLINED_AVS_CSC') return 'security_code';
  if (UNAVAILABLE.has(code)) return 'unavailable';
  if (code === 'BLOCKED' || code === 'REFERRED') return 'refused';
  return 'declined';
}

export async function challengeReturn(deps: PaymentDeps, result: ReturnResult): Promise<ReturnResult> {
  const { payment } = result;
  if (payment.status === 'succeeded') return result;
  const checkout = new URL(deps.sessions.checkoutUrl(payment.session_id));
  if (payment.status === 'processing' || payment.status === 'pending' || payment.status === 'requires_action') {
    checkout.searchParams.set('return', 'pending');
    return { redirectTo: checkout.toString(), payment };
  }
  if (payment.status === 'failed') {
    const session = await deps.sessions.get(payment.session_id);
    if (session && session.status === 'open' && session.expires_at > deps.clock.now()) {
      checkout.searchParams.set('return', 'failed');
      checkout.searchParams.set('reason', failureClass(payment.gateway_code, payment.authentication_status, payment.failure_reason));
      return { redirectTo: checkout.toString(), payment };
    }
  }
  return result;
}
