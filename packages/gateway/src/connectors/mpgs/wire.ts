/**
 * The Mastercard Gateway (MPGS) wire format, exactly the subset described in
 * docs/card-network.md (REST API version 100). Nothing outside this folder should
 * import these types: the rest of Pdirect speaks the domain types in
 * connector.ts, and transformers.ts converts between the two.
 *
 * Enumerations are closed unions of the values we know, but every field that
 * arrives from the network is typed `Known | (string & {})`: the network may
 * add values at any time, and status.ts maps anything unrecognised to
 * "pending", never to success.
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

// ---------------------------------------------------------------------------
// Error answer (4xx/5xx, and any body whose result is ERROR)
// ---------------------------------------------------------------------------

export interface WireError {
  cause: Open<MpgsErrorCause>;
  explanation?: string;
  field?: string;
  validationType?: Open<MpgsValidationType>;
  supportCode?: string;
}

export interface WireErrorAnswer {
  result: 'ERROR';
  error: WireError;
}

// ---------------------------------------------------------------------------
// Health
// ---------------------------------------------------------------------------

/** `GET /api/rest/version/<N>/information` */
export interface WireInformationAnswer {
  status: Open<'OPERATING'>;
}

// ---------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------

/** `POST .../session` (body optional). */
export interface WireCreateSessionRequest {
  session?: { authenticationLimit?: number };
}

export interface WireSession {
  /** `SESSION` + 24 of [0-9A-Z]. */
  id: string;
  /** Base64 of 32 bytes. A key: never logged, never returned to callers. */
  aes256Key?: string;
  authenticationLimit?: number;
  updateStatus?: Open<'NO_UPDATE' | 'SUCCESS' | 'FAILURE'>;
  /** 10 hex characters; a stale version on update → INVALID_REQUEST. */
  version?: string;
}

export interface WireSessionAnswer {
  merchant: string;
  result: Open<MpgsResult>;
  session: WireSession;
  sourceOfFunds?: WireSourceOfFunds;
}

/**
 * `PUT .../session/{id}` filling the card server-side. The connector never
 * does this (card data goes only to the hosted fields); the simulator accepts
 * it so tests can fill a session without a browser.
 */
export interface WireSessionCardUpdateRequest {
  sourceOfFunds: {
    provided: {
      card: {
        number: string;
        expiry: { month: string; year: string };
        securityCode?: string;
      };
    };
  };
}

// ---------------------------------------------------------------------------
// Card and source of funds (answers carry the masked number only)
// ---------------------------------------------------------------------------

export interface WireCard {
  brand?: string;
  expiry?: { month?: string | number; year?: string | number };
  fundingMethod?: string;
  nameOnCard?: string;
  /** Masked by the network: first 6 + `xxxxxx` + last 4. */
  number?: string;
  scheme?: string;
}

export interface WireSourceOfFunds {
  type?: Open<'CARD'>;
  provided?: { card?: WireCard };
}

// ---------------------------------------------------------------------------
// Transaction requests (PUT .../order/{orderId}/transaction/{transactionId})
// ---------------------------------------------------------------------------

export interface WireInitiateAuthenticationRequest {
  apiOperation: 'INITIATE_AUTHENTICATION';
  authentication: { acceptVersions: '3DS2'; channel: 'PAYER_BROWSER'; purpose: 'PAYMENT_TRANSACTION' };
  order: { currency: string };
  session: { id: string };
}

export interface WireBrowserDetails {
  '3DSecureChallengeWindowSize'?: string;
  acceptHeaders?: string;
  colorDepth?: number;
  javaEnabled?: boolean;
  language?: string;
  screenHeight?: number;
  screenWidth?: number;
  timeZone?: number;
}

export interface WireAuthenticatePayerRequest {
  apiOperation: 'AUTHENTICATE_PAYER';
  authentication: { redirectResponseUrl: string };
  /** `device.browser` (the User-Agent) is required for the PAYER_BROWSER channel. */
  device: { browser: string; browserDetails?: WireBrowserDetails; ipAddress?: string };
  /** `amount` is a decimal string, sent exactly as the merchant gave it. */
  order: { amount: string; currency: string };
  session: { id: string };
}

export interface WirePayRequest {
  apiOperation: 'PAY';
  authentication?: { transactionId: string };
  order: { amount: string; currency: string; reference?: string };
  session: { id: string };
  sourceOfFunds: { type: 'CARD' };
  transaction?: { reference?: string };
}

/** AUTHORIZE: the same body as PAY, money reserved but not captured. */
export interface WireAuthorizeRequest extends Omit<WirePayRequest, 'apiOperation'> {
  apiOperation: 'AUTHORIZE';
}

export interface WireCaptureRequest {
  apiOperation: 'CAPTURE';
  transaction: { amount: string; currency: string };
}

/** `PUT .../session/{id}` with the order the session is for: the network then refuses other amounts. */
export interface WireSessionOrderUpdateRequest {
  order: { amount: string; currency: string };
}

export interface WireRefundRequest {
  apiOperation: 'REFUND';
  transaction: { amount: string; currency: string };
}

export interface WireVoidRequest {
  apiOperation: 'VOID';
  transaction: { targetTransactionId: string };
}

export type WireTransactionRequest =
  | WireInitiateAuthenticationRequest
  | WireAuthenticatePayerRequest
  | WirePayRequest
  | WireAuthorizeRequest
  | WireCaptureRequest
  | WireRefundRequest
  | WireVoidRequest;

// ---------------------------------------------------------------------------
// Transaction answer: the reply to every PUT above, and to
// GET .../order/{orderId}/transaction/{transactionId}
// ---------------------------------------------------------------------------

/** Amounts arrive as JSON numbers from the real network; some proxies send strings. */
export type WireAmount = number | string;

export interface WireOrderSummary {
  id?: string;
  amount?: WireAmount;
  currency?: string;
  status?: Open<MpgsOrderStatus>;
  reference?: string;
  authenticationStatus?: Open<MpgsAuthenticationStatus>;
  totalAuthorizedAmount?: WireAmount;
  totalCapturedAmount?: WireAmount;
  totalRefundedAmount?: WireAmount;
}

/** `response.cardSecurityCode`: the CSC check of a PAY or AUTHORIZE. */
export interface WireCardSecurityCode {
  gatewayCode?: Open<'MATCH' | 'NO_MATCH' | 'NOT_PROCESSED' | 'NOT_PRESENT' | 'NOT_SUPPORTED'>;
  acquirerCode?: string;
}

export interface WireResponse {
  cardSecurityCode?: WireCardSecurityCode;
  gatewayCode?: Open<MpgsGatewayCode>;
  gatewayRecommendation?: Open<MpgsGatewayRecommendation>;
  acquirerCode?: string;
  acquirerMessage?: string;
}

export interface WireTransaction {
  id?: string;
  type?: MpgsTransactionType;
  amount?: WireAmount;
  currency?: string;
  reference?: string;
  targetTransactionId?: string;
  authenticationStatus?: Open<MpgsAuthenticationStatus>;
}

export interface WireAuthentication {
  /** 3DS method script (INITIATE) or challenge / frictionless form (AUTHENTICATE_PAYER). */
  redirect?: { html?: string; customizedHtml?: unknown };
  /** Older field name for the same html; read as a fallback. */
  redirectHtml?: string;
  payerInteraction?: Open<'REQUIRED' | 'NOT_REQUIRED' | 'NOT_POLLED'>;
  transactionId?: string;
  version?: string;
}

export interface WireTransactionAnswer {
  merchant?: string;
  result: Open<MpgsResult>;
  response?: WireResponse;
  order?: WireOrderSummary;
  transaction?: WireTransaction;
  authentication?: WireAuthentication;
  sourceOfFunds?: WireSourceOfFunds;
  timeOfRecord?: string;
  timeOfLastUpdate?: string;
  version?: string;
}

/** `GET .../order/{orderId}`: order fields plus every transaction on it. */
export interface WireOrderAnswer extends WireOrderSummary {
  merchant?: string;
  result?: Open<MpgsResult>;
  sourceOfFunds?: WireSourceOfFunds;
  transaction?: WireTransactionAnswer[];
}
