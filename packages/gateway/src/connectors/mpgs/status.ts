/**
 * The one place where Mastercard Gateway statuses become Pdirect outcomes.
 *
 * Rules that hold everywhere in this file:
 *  - Success is claimed only for `result SUCCESS` together with an approval
 *    code: `APPROVED`, or the two the gateway's reference names as approved
 *    transactions — `APPROVED_AUTO` ("approved automatically by the gateway",
 *    not sent to the acquirer) and `APPROVED_PENDING_SETTLEMENT` ("approved,
 *    pending batch settlement"). Nothing else, ever.
 *  - A contradictory or incomplete answer (SUCCESS with a decline code,
 *    FAILURE with APPROVED, no gateway code) is "pending": the core reconciles
 *    it by retrieving the transaction later.
 *  - Any string we do not recognise maps to "pending", never to success. Each
 *    switch below runs over a closed union with a `never` check, so adding a
 *    value to wire.ts without deciding what it means fails to compile.
 */
// The outcomes are the core's (connectors/card-network.ts); this file only maps onto them.
import type { AuthenticationStatus, NetworkPaymentStatus, SecurityCodeResult } from '../card-network.js';
import type { MpgsAuthenticationStatus, MpgsGatewayCode, MpgsGatewayRecommendation, MpgsOrderStatus, MpgsResult } from './wire.js';

export type { AuthenticationStatus, NetworkPaymentStatus } from '../card-network.js';

/** What a gateway code says on its own, before it is checked against `result`. */
export type GatewayCodeClass = 'approved' | 'declined' | 'indeterminate';

export type RecommendationClass = 'proceed' | 'stop' | 'none';

function unreachable(value: never): void {
  // Only the type matters: reaching here at runtime means an unrecognised
  // string, which the caller's default branch treats as pending.
  void value;
}

export function classifyGatewayCode(code: string | undefined): GatewayCodeClass {
  if (code === undefined) return 'indeterminate';
  const known = code as MpgsGatewayCode;
  switch (known) {
    // Approved. The two variants are charged payments (docs/card-network.md): the
    // issuer (or the gateway) approved and only the batch settlement is to come;
    // mapping them to pending left reconciliation asking about them forever.
    case 'APPROVED':
    case 'APPROVED_AUTO':
    case 'APPROVED_PENDING_SETTLEMENT':
      return 'approved';

    // Declines and refusals: the issuer, acquirer or gateway said no.
    case 'DECLINED':
    case 'DECLINED_AVS':
    case 'DECLINED_AVS_CSC':
    case 'DECLINED_CSC':
    case 'DECLINED_DO_NOT_CONTACT':
    case 'DECLINED_INVALID_PIN':
    case 'DECLINED_PAYMENT_PLAN':
    case 'DECLINED_PIN_REQUIRED':
    case 'EXPIRED_CARD':
    case 'INSUFFICIENT_FUNDS':
    case 'NO_BALANCE':
    case 'INVALID_CSC':
    case 'BLOCKED':
    case 'AUTHENTICATION_FAILED':
    case 'NOT_ENROLLED_3D_SECURE':
    case 'REFERRED':
    case 'NOT_SUPPORTED':
    case 'ABORTED':
    case 'CANCELLED':
    case 'EXCEEDED_RETRY_LIMIT':
    case 'DUPLICATE_BATCH':
    case 'LOCK_FAILURE':
    // Processing errors reported with result FAILURE: the gateway states the
    // transaction did not succeed (no funds moved), so they are failures,
    // not unknowns.
    case 'ACQUIRER_SYSTEM_ERROR':
    case 'SYSTEM_ERROR':
    case 'UNSPECIFIED_FAILURE':
    // TIMED_OUT: the acquirer did not answer the gateway in time. With result
    // FAILURE the gateway has settled it as not approved (it reverses a late
    // acquirer approval itself), so Pdirect reports failed and the customer
    // may try again. With result UNKNOWN or PENDING it stays pending.
    case 'TIMED_OUT':
      return 'declined';

    // Not a final answer: partial approvals (money may have moved for a
    // different amount — a human or a reconcile must look), and in-flight codes.
    case 'PARTIALLY_APPROVED':
    case 'PENDING':
    case 'SUBMITTED':
    case 'UNKNOWN':
    case 'AUTHENTICATION_IN_PROGRESS':
    case 'DEFERRED_TRANSACTION_RECEIVED':
    case 'BALANCE_AVAILABLE':
    case 'BALANCE_UNKNOWN':
      return 'indeterminate';

    default:
      unreachable(known);
      return 'indeterminate';
  }
}

/**
 * Outcome of a money-moving transaction (PAY, REFUND, VOID) from its answer
 * or from a retrieve of it.
 */
export function mapPaymentStatus(answer: { result?: string; gatewayCode?: string }): NetworkPaymentStatus {
  const codeClass = classifyGatewayCode(answer.gatewayCode);
  const result = answer.result as MpgsResult | undefined;
  switch (result) {
    case 'SUCCESS':
      return codeClass === 'approved' ? 'succeeded' : 'pending';
    case 'FAILURE':
      return codeClass === 'declined' ? 'failed' : 'pending';
    case 'PENDING':
    case 'UNKNOWN':
    // ERROR inside a transaction answer is not a rejection of our request
    // (those arrive as error answers and throw MpgsError); we cannot tell
    // what happened, so the core must reconcile.
    case 'ERROR':
    case undefined:
      return 'pending';
    default:
      unreachable(result);
      return 'pending';
  }
}

export function classifyRecommendation(recommendation: string | undefined): RecommendationClass {
  if (recommendation === undefined) return 'none';
  // docs/card-network.md: treat any value starting with PROCEED as proceed (the network
  // has sent variants such as PROCEED_WITH_PAYMENT).
  if (recommendation.startsWith('PROCEED')) return 'proceed';
  const known = recommendation as Exclude<MpgsGatewayRecommendation, 'PROCEED'>;
  switch (known) {
    case 'DO_NOT_PROCEED':
    case 'DO_NOT_PROCEED_ABANDON_ORDER':
    case 'RESUBMIT_WITH_ALTERNATIVE_PAYMENT_DETAILS':
      return 'stop';
    default:
      unreachable(known);
      // An unrecognised recommendation is not permission to proceed.
      return 'none';
  }
}

function authenticationFromStatus(status: string | undefined, recommendation: RecommendationClass, unsuccessful: boolean): AuthenticationStatus {
  if (status === undefined) return unsuccessful ? 'failed' : 'pending';
  const known = status as MpgsAuthenticationStatus;
  switch (known) {
    case 'AUTHENTICATION_PENDING':
      return unsuccessful ? 'failed' : 'challenge';

    // Completed (or, for AVAILABLE, ready for AUTHENTICATE_PAYER): proceed
    // only when the answer is not a failure and the gateway recommends it.
    case 'AUTHENTICATION_SUCCESSFUL':
    case 'AUTHENTICATION_ATTEMPTED':
    case 'AUTHENTICATION_EXEMPT':
    case 'AUTHENTICATION_AVAILABLE':
      if (unsuccessful) return 'failed';
      return recommendation === 'proceed' ? 'proceed' : 'pending';

    // 3-D Secure could not run for this card or issuer. The network reports
    // this with result SUCCESS (INITIATE, not enrolled) or FAILURE
    // (AUTHENTICATE_PAYER, ACS unavailable) — both mean "no authentication,
    // and the network did not advise against paying" (a stop recommendation
    // was already turned into failed). The core decides by policy.
    case 'AUTHENTICATION_UNAVAILABLE':
    case 'AUTHENTICATION_NOT_SUPPORTED':
    case 'AUTHENTICATION_NOT_IN_EFFECT':
      return 'unavailable';

    // REQUIRED: the issuer demands authentication that was not performed; a
    // PAY would be refused, so this attempt has failed.
    case 'AUTHENTICATION_FAILED':
    case 'AUTHENTICATION_REJECTED':
    case 'AUTHENTICATION_REQUIRED':
      return 'failed';

    default:
      unreachable(known);
      return unsuccessful ? 'failed' : 'pending';
  }
}

/**
 * Outcome of an authentication transaction (INITIATE_AUTHENTICATION,
 * AUTHENTICATE_PAYER, or a retrieve after the challenge). Precedence:
 *  1. a stop recommendation (DO_NOT_PROCEED…, RESUBMIT…) → failed, always;
 *  2. the authentication status decides (table above), where result FAILURE
 *     or order status AUTHENTICATION_UNSUCCESSFUL vetoes proceed and
 *     challenge but not unavailable;
 *  3. no or unknown authentication status → failed if the answer says
 *     unsuccessful, otherwise pending.
 */
export function mapAuthenticationStatus(answer: {
  result?: string;
  gatewayRecommendation?: string;
  authenticationStatus?: string;
  orderStatus?: string;
}): AuthenticationStatus {
  const recommendation = classifyRecommendation(answer.gatewayRecommendation);
  if (recommendation === 'stop') return 'failed';
  const unsuccessful =
    (answer.result as MpgsResult | undefined) === 'FAILURE' || (answer.orderStatus as MpgsOrderStatus | undefined) === 'AUTHENTICATION_UNSUCCESSFUL';
  return authenticationFromStatus(answer.authenticationStatus, recommendation, unsuccessful);
}

/**
 * `response.cardSecurityCode.gatewayCode` in Pdirect's terms. MPGS answers
 * NOT_PRESENT when no code was entered (NOT_PROVIDED is read the same way);
 * NOT_SUPPORTED and any value we do not know mean the code was not checked.
 * No block at all (an acquirer that does not report the check) is null: the
 * core records it as not_processed.
 */
export function mapSecurityCode(gatewayCode: string | undefined): SecurityCodeResult | null {
  switch (gatewayCode) {
    case undefined:
      return null;
    case 'MATCH':
      return 'match';
    case 'NO_MATCH':
      return 'no_match';
    case 'NOT_PRESENT':
    case 'NOT_PROVIDED':
      return 'not_provided';
    default:
      return 'not_processed';
  }
}
