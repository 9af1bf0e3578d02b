/**
 * The closed enumerations of the MPGS wire format (wire.ts): the values we
 * know. Fields arriving from the network are typed `Open<...>` of these, since
 * the network may add values at any time.
 */

/** A string the network may extend: autocompletes the known values, accepts any. */
export type Open<Known extends string> = Known | (string & {});

// ---------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------

export const MPGS_RESULTS = ['SUCCESS', 'FAILURE', 'PENDING', 'UNKNOWN', 'ERROR'] as const;
export type MpgsResult = (typeof MPGS_RESULTS)[number];

/** `response.gatewayCode`. The first group is listed in docs/card-network.md; the rest are the rarer v100 values. */
export const MPGS_GATEWAY_CODES = [
  // Listed in docs/card-network.md.
  'APPROVED',
  'DECLINED',
  'EXPIRED_CARD',
  'INSUFFICIENT_FUNDS',
  'INVALID_CSC',
  'TIMED_OUT',
  'ACQUIRER_SYSTEM_ERROR',
  'SYSTEM_ERROR',
  'UNSPECIFIED_FAILURE',
  'UNKNOWN',
  'BLOCKED',
  'AUTHENTICATION_FAILED',
  'REFERRED',
  'PENDING',
  // "And more, rarer" (v100 enumeration).
  'ABORTED',
  'APPROVED_AUTO',
  'APPROVED_PENDING_SETTLEMENT',
  'AUTHENTICATION_IN_PROGRESS',
  'BALANCE_AVAILABLE',
  'BALANCE_UNKNOWN',
  'CANCELLED',
  'DECLINED_AVS',
  'DECLINED_AVS_CSC',
  'DECLINED_CSC',
  'DECLINED_DO_NOT_CONTACT',
  'DECLINED_INVALID_PIN',
  'DECLINED_PAYMENT_PLAN',
  'DECLINED_PIN_REQUIRED',
  'DEFERRED_TRANSACTION_RECEIVED',
  'DUPLICATE_BATCH',
  'EXCEEDED_RETRY_LIMIT',
  'LOCK_FAILURE',
  'NO_BALANCE',
  'NOT_ENROLLED_3D_SECURE',
  'NOT_SUPPORTED',
  'PARTIALLY_APPROVED',
  'SUBMITTED',
] as const;
export type MpgsGatewayCode = (typeof MPGS_GATEWAY_CODES)[number];

export const MPGS_GATEWAY_RECOMMENDATIONS = ['PROCEED', 'DO_NOT_PROCEED', 'RESUBMIT_WITH_ALTERNATIVE_PAYMENT_DETAILS', 'DO_NOT_PROCEED_ABANDON_ORDER'] as const;
export type MpgsGatewayRecommendation = (typeof MPGS_GATEWAY_RECOMMENDATIONS)[number];

export const MPGS_AUTHENTICATION_STATUSES = [
  'AUTHENTICATION_ATTEMPTED',
  'AUTHENTICATION_AVAILABLE',
  'AUTHENTICATION_EXEMPT',
  'AUTHENTICATION_FAILED',
  'AUTHENTICATION_NOT_IN_EFFECT',
  'AUTHENTICATION_NOT_SUPPORTED',
  'AUTHENTICATION_PENDING',
  'AUTHENTICATION_REJECTED',
  'AUTHENTICATION_REQUIRED',
  'AUTHENTICATION_SUCCESSFUL',
  'AUTHENTICATION_UNAVAILABLE',
] as const;
export type MpgsAuthenticationStatus = (typeof MPGS_AUTHENTICATION_STATUSES)[number];

/** `order.status` (v100). */
export const MPGS_ORDER_STATUSES = [
  'AUTHENTICATED',
  'AUTHENTICATION_INITIATED',
  'AUTHENTICATION_NOT_NEEDED',
  'AUTHENTICATION_UNSUCCESSFUL',
  'AUTHORIZED',
  'CANCELLED',
  'CAPTURED',
  'CHARGEBACK_PROCESSED',
  'DISPUTED',
  'EXCESSIVELY_REFUNDED',
  'FAILED',
  'INITIATED',
  'PARTIALLY_CAPTURED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'REFUND_REQUESTED',
  'VERIFIED',
] as const;
export type MpgsOrderStatus = (typeof MPGS_ORDER_STATUSES)[number];

export const MPGS_ERROR_CAUSES = ['INVALID_REQUEST', 'REQUEST_REJECTED', 'SERVER_BUSY', 'SERVER_FAILED'] as const;
export type MpgsErrorCause = (typeof MPGS_ERROR_CAUSES)[number];

export type MpgsValidationType = 'INVALID' | 'MISSING' | 'UNSUPPORTED';

export type MpgsApiOperation = 'INITIATE_AUTHENTICATION' | 'AUTHENTICATE_PAYER' | 'PAY' | 'AUTHORIZE' | 'CAPTURE' | 'REFUND' | 'VOID';

export type MpgsTransactionType = Open<
  'AUTHENTICATION' | 'PAYMENT' | 'AUTHORIZATION' | 'CAPTURE' | 'REFUND' | 'VOID_AUTHORIZATION' | 'VOID_CAPTURE' | 'VOID_PAYMENT' | 'VOID_REFUND'
>;
