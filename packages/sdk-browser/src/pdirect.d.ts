/**
 * Types of @pdirect/browser (./pdirect.js). The SDK boundary of the gateway
 * is described in docs/api.md#http-api; field names are the gateway's.
 */

export interface PdirectOptions {
  /** The gateway's origin, e.g. "https://pay.example.com" (on the hosted checkout page: location.origin). */
  baseUrl: string;
  /** The checkout session's `session_token` ("pd_st_..."). */
  sessionToken: string;
}

export type CheckoutStatus = 'open' | 'processing' | 'authorized' | 'paid' | 'expired' | 'cancelled' | 'locked';

/** The checkout's language (`locale` of the session, else the shopper's Accept-Language). */
export type CheckoutLocale = 'en' | 'id';

/** GET /v1/checkout/status: where the shopper stands, in any state (the token of a spent session still reads it). */
export interface CheckoutStatusView {
  object: 'checkout_status';
  session_id: string;
  status: CheckoutStatus;
  /** The session's current payment attempt, if any. */
  payment: {
    id: string;
    status: PaymentStatus;
    /** Why a failed attempt failed, as a class the page words for the shopper (the network's code is for the merchant). */
    failure_class: 'authentication' | 'declined' | 'expired_card' | 'security_code' | 'unavailable' | 'refused' | null;
  } | null;
  /** Where to go now: the success page once paid, the way back once the session can no longer be paid; null while it can. */
  redirect_url: string | null;
}

/** POST /v1/checkout/cancel: "Back to {merchant}". */
export interface CheckoutCancel {
  object: 'checkout_cancel';
  session_id: string;
  /** `cancelled`, or the state the session kept (a payment attempt may still settle while `processing`). */
  status: CheckoutStatus;
  /** The merchant's cancel_url (else its fail page), with `session_id`. */
  redirect_url: string;
}

/** GET /v1/checkout: what the customer sees. */
export interface Checkout {
  object: 'checkout';
  session_id: string;
  status: CheckoutStatus;
  /** Decimal string, exactly as the merchant minted it ("12.50"). */
  amount: string;
  /** ISO 4217 code as the merchant sent it ("usd"). */
  currency: string;
  merchant_name: string;
  order_id: string;
  require_otp: boolean;
  otp_verified: boolean;
  /** ISO 8601. */
  expires_at: string;
  locale: CheckoutLocale;
}

/**
 * POST /v1/card/sessions: a hosted card-fields session of the gateway's card
 * network, tagged with the network's name; the SDK renders it through that
 * network's adapter. For `mpgs` (Mastercard Gateway) the other fields are below.
 */
export interface CardSession {
  object: 'card_session';
  /** Which card network's hosted fields these are (e.g. "mpgs"). */
  network: string;
  hosted_session_id: string;
  /** Load this script (session.js); it defines the global `PaymentSession`. */
  session_js_url: string;
  api_version?: string | number;
  merchant_id?: string;
  /** Other networks add their own fields for their adapter. */
  [field: string]: unknown;
}

export type ChallengeWindowSize = 'FULL_SCREEN' | '250_X_400' | '390_X_400' | '500_X_600' | '600_X_400';

/** The `browser` object of a collect request (3-D Secure 2 browser data). */
export interface BrowserDetails {
  /** The browser's Accept header, when the page knows it (sent as given); otherwise the gateway takes the request's own. */
  acceptHeaders?: string;
  challengeWindowSize?: ChallengeWindowSize;
  colorDepth?: number;
  javaEnabled?: boolean;
  language?: string;
  screenHeight?: number;
  screenWidth?: number;
  /** Minutes from local time to UTC, as Date#getTimezoneOffset() gives it. */
  timeZone?: number;
}

/** `requires_capture`: authorized, the merchant captures it later (a completed checkout for the customer). */
export type PaymentStatus = 'processing' | 'requires_action' | 'pending' | 'requires_capture' | 'capturing' | 'succeeded' | 'failed';

/** POST /v1/payments/collect: the payment, plus what to do next. */
export interface Payment {
  object: 'payment';
  id: string;
  session_id: string;
  order_id: string;
  status: PaymentStatus;
  amount: string;
  currency: string;
  customer_reference: string;
  amount_refunded: string;
  card: {
    brand: string | null;
    masked_number: string;
    expiry: string | null;
    /** The network's check of the card security code. */
    checks: { security_code: 'match' | 'no_match' | 'not_processed' | 'not_provided' };
  } | null;
  capture_method: 'automatic' | 'manual';
  three_d_secure: { authentication_status: string } | null;
  gateway_code: string | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
  /**
   * `requires_action`: for `three_d_secure_challenge` show `html` with showChallenge().
   * `three_d_secure_method` is handled inside collect() (hidden frame, then authenticate);
   * a page calling the HTTP API itself runs `html` in a hidden frame and POSTs `authenticate_url`.
   */
  next_action?: { type: 'three_d_secure_challenge'; html: string } | { type: 'three_d_secure_method'; html: string; authenticate_url: string };
  /** `succeeded`: where to send the customer (the merchant's success URL). */
  /** `requires_action`: show `html` with showChallenge(). */
  next_action?: { type: 'three_d_secure_challenge'; html: string };
  /** `succeeded` or `requires_capture`: where to send the customer (the merchant's success URL). */
  redirect_url?: string;
}

export interface CollectOptions {
  /** From openCardSession(), after PaymentSession.updateSessionFromForm('card') answered "ok". */
  hostedSessionId: string;
  /** Defaults to browserDetails(). */
  browser?: BrowserDetails;
  /** Defaults to a new random UUID per attempt (reused when repeating an attempt that got no answer). */
  idempotencyKey?: string;
  /** Longest wait for the issuer's 3-D Secure method frame, in ms (default 10000, as EMV 3-D Secure allows). */
  methodTimeoutMs?: number;
}

/** POST /v1/otp/send and /v1/otp/resend. */
export interface OtpChallenge {
  object: 'otp_challenge';
  channel: 'sms' | 'email';
  /** Masked: "+44•••••0123", "a•••@example.com". */
  sent_to: string;
  expires_at: string;
}

/** POST /v1/otp/verify. */
export interface OtpVerification {
  object: 'otp_verification';
  session_id: string;
  verified: true;
  verified_at: string;
}

export interface OtpSendOptions {
  /** Default: the phone when the merchant gave one, else the e-mail; resend keeps the previous channel. */
  channel?: 'sms' | 'email';
}

export interface ShowChallengeOptions {
  /** The page's CSP nonce for the re-created scripts; default: the nonce of the page's own <script nonce>. */
  nonce?: string;
  /**
   * The gateway's origin: when the issuer's return lands inside the challenge frame, the
   * gateway's page there asks (by message) for this page to move on to the merchant.
   * Set by the client's own showChallenge().
   */
  gatewayOrigin?: string;
  /** The challenge window asked for in collect's `browser.challengeWindowSize`: the frame gets that size (FULL_SCREEN: the container's width). */
  windowSize?: ChallengeWindowSize;
  /** The challenge frame's accessible title. */
  title?: string;
}

/** The neutral names of the hosted card fields, mapped to CSS selectors of the page's placeholders. */
export interface CardFieldSelectors {
  number: string;
  securityCode: string;
  expiryMonth: string;
  expiryYear: string;
  nameOnCard?: string;
}

export interface MountCardFieldsOptions {
  fields: CardFieldSelectors;
  /** The page's CSP nonce for the network's script; default: the nonce of the page's own <script nonce>. */
  nonce?: string;
  /** The fields' language (e.g. "id"); default: the page's <html lang>. */
  locale?: string;
  /** Called when Enter is pressed in a field (usually: submit the form). */
  onEnter?: () => void;
}

/** What the customer typed, as the network took it into the hosted session. */
export interface CardFieldsUpdate {
  /** "ok", "fields_in_error", "request_timeout", or another status with errors.message. */
  status: string;
  /** fields_in_error: per field name, "missing" or "invalid". */
  errors?: Record<string, string>;
}

/** The mounted hosted fields of one card session. */
export interface CardFields {
  network: string;
  hostedSessionId: string;
  submit(): Promise<CardFieldsUpdate>;
}

export interface Pdirect {
  /** SHA-256 hex of stable device attributes (a binding aid, not an identifier); computed once. */
  fingerprint(): Promise<string>;
  getCheckout(): Promise<Checkout>;
  /** Where the shopper stands, also once the session is paid, expired or cancelled. */
  getStatus(): Promise<CheckoutStatusView>;
  /** The shopper goes back to the merchant: an open session is cancelled. */
  cancel(): Promise<CheckoutCancel>;
  openCardSession(): Promise<CardSession>;
  /** Renders the card network's hosted fields through the adapter named by `cardSession.network`. */
  mountCardFields(cardSession: CardSession, options: MountCardFieldsOptions): Promise<CardFields>;
  collect(options: CollectOptions): Promise<Payment>;
  sendOtp(options?: OtpSendOptions): Promise<OtpChallenge>;
  resendOtp(options?: OtpSendOptions): Promise<OtpChallenge>;
  verifyOtp(code: string): Promise<OtpVerification>;
  showChallenge(container: Element, html: string, options?: ShowChallengeOptions): HTMLIFrameElement | null;
}

export class PdirectError extends Error {
  constructor(details: {
    status: number;
    code: string;
    message: string;
    requestId?: string | null;
    retryAfter?: number | null;
    param?: string | null;
    errors?: Array<{ param: string; code: string; message: string }> | null;
    cause?: unknown;
  });
  readonly name: 'PdirectError';
  /** HTTP status; 0 when the gateway could not be reached. */
  readonly status: number;
  /** The gateway's error_code ("1004", "1601", ...) or, as in @pdirect/node, "connection_error" (no answer) or "invalid_response" (an answer that is not the error envelope). */
  readonly code: string;
  /** X-Request-Id of the failed request, for support. */
  readonly requestId: string | null;
  /** Seconds to wait, from Retry-After (OTP rate limit, 1402). */
  readonly retryAfter: number | null;
  /** The request field the error is about (1010 for one field, 1101-1103, 1201), when there is one. */
  readonly param: string | null;
  /** 1010: every invalid field, in plain words. */
  readonly errors: Array<{ param: string; code: string; message: string }> | null;
}

export function createPdirect(options: PdirectOptions): Pdirect;
export function mountCardFields(cardSession: CardSession, options: MountCardFieldsOptions): Promise<CardFields>;
export function showChallenge(container: Element, html: string, options?: ShowChallengeOptions): HTMLIFrameElement | null;
export function browserDetails(): BrowserDetails;
export function challengeWindowSize(viewportWidth: number, viewportHeight: number): ChallengeWindowSize;
/** The EMV 3DS challenge window that fits a container of this width (400 px tall windows preferred). */
export function challengeWindowForWidth(containerWidth: number): ChallengeWindowSize;
export function deviceFingerprint(): Promise<string>;
export function sha256Hex(text: string): Promise<string>;
export function newIdempotencyKey(): string;
