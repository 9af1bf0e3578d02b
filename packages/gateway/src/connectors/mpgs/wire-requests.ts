/**
 * The MPGS transaction requests (wire.ts): the bodies of
 * PUT .../order/{orderId}/transaction/{transactionId}, and the session's
 * order update.
 */

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
