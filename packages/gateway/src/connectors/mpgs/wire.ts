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
import type {
  MpgsAuthenticationStatus,
  MpgsErrorCause,
  MpgsGatewayCode,
  MpgsGatewayRecommendation,
  MpgsOrderStatus,
  MpgsResult,
  MpgsTransactionType,
  MpgsValidationType,
  Open,
} from './wire-enums.js';

// Enumerations (wire-enums.ts) and transaction requests (wire-requests.ts).
export * from './wire-enums.js';
export type * from './wire-requests.js';

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
