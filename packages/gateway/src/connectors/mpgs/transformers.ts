/**
 * Pure conversions between Pdirect's domain and the MPGS wire format.
 * No I/O here. Key order in every request body follows docs/card-network.md so
 * the JSON is byte-identical to the documented examples.
 */
import type { AuthenticationOutcome, BrowserDetails, MaskedCard, PaymentOutcome } from '../card-network.js';
import type { HostedSession } from './types.js';
import { mapAuthenticationStatus, mapPaymentStatus, mapSecurityCode } from './status.js';
import type {
  WireAmount,
  WireAuthenticatePayerRequest,
  WireAuthorizeRequest,
  WireBrowserDetails,
  WireCaptureRequest,
  WireCard,
  WireCreateSessionRequest,
  WireInitiateAuthenticationRequest,
  WirePayRequest,
  WireRefundRequest,
  WireSessionAnswer,
  WireSessionOrderUpdateRequest,
  WireTransactionAnswer,
  WireVoidRequest,
} from './wire.js';

// ---------------------------------------------------------------------------
// Input checks: reject what the network would reject, before the network call,
// and keep anything path-breaking out of URLs.
// ---------------------------------------------------------------------------

const DECIMAL_AMOUNT = /^(0|[1-9]\d{0,13})(\.\d{1,3})?$/;
const CURRENCY = /^[A-Za-z]{3}$/;
/** MPGS order and transaction ids: up to 40 characters; we allow the URL-safe subset. */
const MPGS_ID = /^[A-Za-z0-9._-]{1,40}$/;
const SESSION_ID = /^SESSION[0-9A-Z]{1,64}$/;

/** Amounts travel as the decimal string the merchant gave — never through a float. */
export function decimalAmount(amount: string, field = 'amount'): string {
  if (typeof amount !== 'string' || !DECIMAL_AMOUNT.test(amount)) {
    throw new TypeError(`${field} must be a decimal string such as "12.50"`);
  }
  return amount;
}

/** ISO 4217 alphabetic code, upper-cased for the wire. */
export function wireCurrency(currency: string): string {
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
    throw new TypeError('currency must be a three-letter ISO 4217 code');
  }
  return currency.toUpperCase();
}

export function mpgsId(id: string, field: string): string {
  if (typeof id !== 'string' || !MPGS_ID.test(id)) {
    throw new TypeError(`${field} must be 1-40 characters of [A-Za-z0-9._-]`);
  }
  return id;
}

/** order.reference and transaction.reference: 1-40 characters at the network (longer ones are refused after 3-D Secure has run). */
export function wireReference(reference: string, field: string): string {
  if (typeof reference !== 'string' || reference.length < 1 || reference.length > 40) {
    throw new TypeError(`${field} must be 1-40 characters`);
  }
  return reference;
}

export function hostedSessionId(id: string): string {
  if (typeof id !== 'string' || !SESSION_ID.test(id)) {
    throw new TypeError('hostedSessionId must be an MPGS session id (SESSION…)');
  }
  return id;
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

export function createSessionRequest(authenticationLimit: number): WireCreateSessionRequest {
  return { session: { authenticationLimit } };
}

export function initiateAuthenticationRequest(i: { hostedSessionId: string; currency: string }): WireInitiateAuthenticationRequest {
  return {
    apiOperation: 'INITIATE_AUTHENTICATION',
    authentication: { acceptVersions: '3DS2', channel: 'PAYER_BROWSER', purpose: 'PAYMENT_TRANSACTION' },
    order: { currency: wireCurrency(i.currency) },
    session: { id: hostedSessionId(i.hostedSessionId) },
  };
}

function wireBrowserDetails(b: BrowserDetails): WireBrowserDetails | undefined {
  const details: WireBrowserDetails = {};
  if (b.challengeWindowSize !== undefined) details['3DSecureChallengeWindowSize'] = b.challengeWindowSize;
  if (b.acceptHeaders !== undefined) details.acceptHeaders = b.acceptHeaders;
  if (b.colorDepth !== undefined) details.colorDepth = b.colorDepth;
  if (b.javaEnabled !== undefined) details.javaEnabled = b.javaEnabled;
  if (b.language !== undefined) details.language = b.language;
  if (b.screenHeight !== undefined) details.screenHeight = b.screenHeight;
  if (b.screenWidth !== undefined) details.screenWidth = b.screenWidth;
  if (b.timeZone !== undefined) details.timeZone = b.timeZone;
  return Object.keys(details).length > 0 ? details : undefined;
}

export function authenticatePayerRequest(i: {
  hostedSessionId: string;
  amount: string;
  currency: string;
  redirectResponseUrl: string;
  browser: BrowserDetails;
  ipAddress?: string | undefined;
}): WireAuthenticatePayerRequest {
  if (typeof i.browser?.userAgent !== 'string' || i.browser.userAgent.length === 0) {
    throw new TypeError('browser.userAgent is required (MPGS device.browser)');
  }
  let redirect: URL;
  try {
    redirect = new URL(i.redirectResponseUrl);
  } catch {
    throw new TypeError('redirectResponseUrl must be an absolute URL');
  }
  if (redirect.protocol !== 'https:' && redirect.protocol !== 'http:') {
    throw new TypeError('redirectResponseUrl must be an http(s) URL');
  }

  const details = wireBrowserDetails(i.browser);
  const device: WireAuthenticatePayerRequest['device'] = {
    browser: i.browser.userAgent,
    ...(details && { browserDetails: details }),
    ...(i.ipAddress !== undefined && { ipAddress: i.ipAddress }),
  };

  return {
    apiOperation: 'AUTHENTICATE_PAYER',
    authentication: { redirectResponseUrl: i.redirectResponseUrl },
    device,
    order: { amount: decimalAmount(i.amount), currency: wireCurrency(i.currency) },
    session: { id: hostedSessionId(i.hostedSessionId) },
  };
}

export function payRequest(i: {
  authTransactionId?: string | undefined;
  hostedSessionId: string;
  amount: string;
  currency: string;
  reference?: string | undefined;
  transactionReference?: string | undefined;
}): WirePayRequest {
  const transactionReference = i.transactionReference ?? i.reference;
  if (i.reference !== undefined) wireReference(i.reference, 'reference');
  if (transactionReference !== undefined) wireReference(transactionReference, 'transactionReference');
  return {
    apiOperation: 'PAY',
    ...(i.authTransactionId !== undefined && {
      authentication: { transactionId: mpgsId(i.authTransactionId, 'authTransactionId') },
    }),
    order: {
      amount: decimalAmount(i.amount),
      currency: wireCurrency(i.currency),
      ...(i.reference !== undefined && { reference: i.reference }),
    },
    session: { id: hostedSessionId(i.hostedSessionId) },
    sourceOfFunds: { type: 'CARD' },
    ...(transactionReference !== undefined && { transaction: { reference: transactionReference } }),
  };
}

/** AUTHORIZE: PAY's body under another operation (the CSC result comes back; nothing is captured yet). */
export function authorizeRequest(i: Parameters<typeof payRequest>[0]): WireAuthorizeRequest {
  return { ...payRequest(i), apiOperation: 'AUTHORIZE' };
}

export function captureRequest(i: { amount: string; currency: string }): WireCaptureRequest {
  return {
    apiOperation: 'CAPTURE',
    transaction: { amount: decimalAmount(i.amount), currency: wireCurrency(i.currency) },
  };
}

/** The order a hosted session is for: written into the session so the network refuses any other amount. */
export function sessionOrderRequest(i: { amount: string; currency: string }): WireSessionOrderUpdateRequest {
  return { order: { amount: decimalAmount(i.amount), currency: wireCurrency(i.currency) } };
}

export function refundRequest(i: { amount: string; currency: string }): WireRefundRequest {
  return {
    apiOperation: 'REFUND',
    transaction: { amount: decimalAmount(i.amount), currency: wireCurrency(i.currency) },
  };
}

export function voidRequest(i: { targetTransactionId: string }): WireVoidRequest {
  return {
    apiOperation: 'VOID',
    transaction: { targetTransactionId: mpgsId(i.targetTransactionId, 'targetTransactionId') },
  };
}

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

/**
 * The session id only. The answer's `aes256Key` is deliberately dropped:
 * Pdirect does not use it and it must never reach a log or a client.
 */
export function toHostedSessionId(answer: WireSessionAnswer): string {
  const id = answer?.session?.id;
  if (typeof id !== 'string' || !SESSION_ID.test(id)) {
    throw new TypeError('MPGS create-session answer carries no valid session id');
  }
  return id;
}

export function hostedSession(i: { id: string; baseUrl: string; apiVersion: number; merchantId: string }): HostedSession {
  return {
    hostedSessionId: i.id,
    sessionJsUrl: `${i.baseUrl}/form/version/${i.apiVersion}/merchant/${encodeURIComponent(i.merchantId)}/session.js`,
    apiVersion: i.apiVersion,
    merchantId: i.merchantId,
  };
}

/**
 * First 6 + `xxxxxx`… + last 4. The network already masks; this re-masks
 * defensively so a full PAN can never leave the connector, even if an
 * answer (or a misbehaving proxy) carried one.
 */
export function maskCardNumber(number: string): string {
  const n = number.replace(/\s+/g, '');
  if (n.length <= 10) return n.replace(/\d(?=.{4})/g, 'x');
  return n.slice(0, 6) + n.slice(6, -4).replace(/\d/g, 'x') + n.slice(-4);
}

function text(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function toMaskedCard(card: WireCard | undefined): MaskedCard | null {
  if (!card || typeof card !== 'object') return null;
  const number = text(card.number);
  const month = text(card.expiry?.month);
  const year = text(card.expiry?.year);
  const masked: MaskedCard = {
    brand: text(card.brand),
    maskedNumber: number === null ? null : maskCardNumber(number),
    expiryMonth: month === null ? null : month.padStart(2, '0'),
    expiryYear: year,
  };
  if (masked.brand === null && masked.maskedNumber === null && month === null && year === null) return null;
  return masked;
}

/** Decimal strings from the answer's JSON numbers, for display and reconciliation only. */
function amountText(value: WireAmount | undefined): string | null {
  return text(value);
}

export function toPaymentOutcome(answer: WireTransactionAnswer, ids: { orderId: string; transactionId: string }): PaymentOutcome {
  const status = mapPaymentStatus({
    result: answer.result,
    ...(answer.response?.gatewayCode !== undefined && { gatewayCode: answer.response.gatewayCode }),
  });
  return {
    status,
    reconcile: status === 'pending',
    orderId: text(answer.order?.id) ?? ids.orderId,
    transactionId: text(answer.transaction?.id) ?? ids.transactionId,
    transactionType: text(answer.transaction?.type),
    result: text(answer.result),
    gatewayCode: text(answer.response?.gatewayCode),
    orderStatus: text(answer.order?.status),
    amount: amountText(answer.transaction?.amount),
    currency: text(answer.transaction?.currency),
    card: toMaskedCard(answer.sourceOfFunds?.provided?.card),
    securityCode: mapSecurityCode(text(answer.response?.cardSecurityCode?.gatewayCode) ?? undefined),
  };
}

export function toAuthenticationOutcome(answer: WireTransactionAnswer, ids: { orderId: string; authTransactionId: string }): AuthenticationOutcome {
  const authenticationStatus = text(answer.transaction?.authenticationStatus) ?? text(answer.order?.authenticationStatus);
  const gatewayRecommendation = text(answer.response?.gatewayRecommendation);
  const orderStatus = text(answer.order?.status);
  const status = mapAuthenticationStatus({
    result: answer.result,
    ...(gatewayRecommendation !== null && { gatewayRecommendation }),
    ...(authenticationStatus !== null && { authenticationStatus }),
    ...(orderStatus !== null && { orderStatus }),
  });
  return {
    status,
    orderId: text(answer.order?.id) ?? ids.orderId,
    authTransactionId: text(answer.transaction?.id) ?? ids.authTransactionId,
    result: text(answer.result),
    gatewayCode: text(answer.response?.gatewayCode),
    gatewayRecommendation,
    authenticationStatus,
    orderStatus,
    payerInteraction: text(answer.authentication?.payerInteraction),
    redirectHtml: text(answer.authentication?.redirect?.html) ?? text(answer.authentication?.redirectHtml),
    card: toMaskedCard(answer.sourceOfFunds?.provided?.card),
    securityCode: mapSecurityCode(text(answer.response?.cardSecurityCode?.gatewayCode) ?? undefined),
  };
}
