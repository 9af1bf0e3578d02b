/**
 * Pure conversions between Pdirect's domain and the MPGS wire format.
 * No I/O here. Key order in every request body follows docs/card-network.md so
 * the JSON is byte-identical to the documented examples. The input checks are
 * in input-checks.ts, the answers' conversions in answer-transformers.ts.
 */
import type { BrowserDetails } from '../card-network.js';
import { decimalAmount, hostedSessionId, mpgsId, wireCurrency, wireReference } from './input-checks.js';
import type {
  WireAuthenticatePayerRequest,
  WireAuthorizeRequest,
  WireBrowserDetails,
  WireCaptureRequest,
  WireCreateSessionRequest,
  WireInitiateAuthenticationRequest,
  WirePayRequest,
  WireRefundRequest,
  WireSessionOrderUpdateRequest,
  WireVoidRequest,
} from './wire.js';

export { decimalAmount, hostedSessionId, mpgsId, wireCurrency, wireReference } from './input-checks.js';
export { hostedSession, maskCardNumber, toAuthenticationOutcome, toHostedSessionId, toMaskedCard, toPaymentOutcome } from './answer-transformers.js';

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
