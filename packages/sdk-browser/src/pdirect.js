/**
 * @pdirect/browser — the Pdirect browser SDK.
 *
 * Hand-written ES modules, no dependencies: this one (the client) and the
 * ones in ./pdirect/, joined by `npm run build` into dist/pdirect.js, the one
 * file the gateway serves. It talks to the SDK boundary of a Pdirect gateway
 * (docs/api.md#http-api) with a checkout session's token, and helps a page
 * run the card form and 3-D Secure:
 *
 *   import { createPdirect } from 'https://pay.example.com/sdk/pdirect.js';
 *   const pdirect = createPdirect({ baseUrl: 'https://pay.example.com', sessionToken });
 *   const checkout = await pdirect.getCheckout();
 *
 * Card data never passes through this SDK: the card is typed into the
 * card network's hosted fields (Mastercard Gateway session.js, iframes on the
 * network's origin) and only the hosted-session id reaches Pdirect.
 *
 * Every request carries `Authorization: Bearer <session_token>` and
 * `X-Device-Fingerprint`. Every failure is thrown as a PdirectError built
 * from the gateway's error envelope.
 *
 * Types: ./pdirect.d.ts.
 */
import { PdirectError, parseRetryAfter } from './pdirect/errors.js';
import { newIdempotencyKey } from './pdirect/crypto.js';
import { deviceFingerprint } from './pdirect/fingerprint.js';
import { mountCardFields } from './pdirect/card-fields.js';
import { browserDetails, METHOD_TIMEOUT_MS, runThreeDsMethod, showChallenge } from './pdirect/three-ds.js';

export { PdirectError } from './pdirect/errors.js';
export { sha256Hex, newIdempotencyKey } from './pdirect/crypto.js';
export { deviceFingerprint } from './pdirect/fingerprint.js';
export { mountCardFields } from './pdirect/card-fields.js';
export { showChallenge, browserDetails, challengeWindowForWidth, challengeWindowSize } from './pdirect/three-ds.js';

const TOKEN_PATTERN = /^pd_st_[A-Za-z0-9_-]{43}$/;

/**
 * A client for one checkout session.
 *
 * @param {{ baseUrl: string, sessionToken: string }} options
 */
export function createPdirect(options) {
  const { baseUrl, sessionToken } = options ?? {};
  if (typeof baseUrl !== 'string' || !/^https?:\/\/[^/]+/.test(baseUrl)) {
    throw new TypeError('createPdirect: baseUrl must be the gateway origin, e.g. "https://pay.example.com"');
  }
  if (typeof sessionToken !== 'string' || !TOKEN_PATTERN.test(sessionToken)) {
    throw new TypeError('createPdirect: sessionToken must be the session_token ("pd_st_...") of a checkout session');
  }
  const origin = baseUrl.replace(/\/+$/, '');
  let fingerprintOnce;
  // The last collect attempt, so a retry after a lost answer reuses its Idempotency-Key.
  let lastAttempt;

  /** Computed once: the gateway locks the first fingerprint it sees on the session. */
  function fingerprint() {
    fingerprintOnce ??= deviceFingerprint();
    return fingerprintOnce;
  }

  async function call(method, path, { body, idempotencyKey } = {}) {
    const headers = {
      Accept: 'application/json',
      Authorization: `Bearer ${sessionToken}`,
      'X-Device-Fingerprint': await fingerprint(),
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;

    let response;
    try {
      response = await fetch(origin + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // Bearer tokens only: no cookies, no cache, no Referer to leak the page URL.
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
      });
    } catch (cause) {
      throw new PdirectError({
        status: 0,
        code: 'connection_error',
        message: 'The payment service could not be reached. Check your connection and try again.',
        cause,
      });
    }

    const requestId = response.headers.get('X-Request-Id');
    const payload = await response.json().catch(() => undefined);
    if (response.ok) {
      if (payload === undefined || payload === null || typeof payload !== 'object') {
        throw new PdirectError({ status: response.status, code: 'invalid_response', message: 'The payment service sent an unreadable answer.', requestId });
      }
      return payload;
    }
    const envelope = payload && typeof payload === 'object' && payload.error && typeof payload.error === 'object' ? payload.error : undefined;
    throw new PdirectError({
      status: typeof envelope?.status === 'number' ? envelope.status : response.status,
      code: typeof envelope?.error_code === 'string' ? envelope.error_code : 'invalid_response',
      message: typeof envelope?.message === 'string' ? envelope.message : `The payment service answered HTTP ${response.status}.`,
      requestId: typeof envelope?.request_id === 'string' ? envelope.request_id : requestId,
      retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
      param: typeof envelope?.param === 'string' ? envelope.param : null,
      errors: Array.isArray(envelope?.errors) ? envelope.errors : null,
    });
  }

  /** GET /v1/checkout: amount, currency, merchant name, order id, OTP state, session state. */
  function getCheckout() {
    return call('GET', '/v1/checkout');
  }

  /** GET /v1/checkout/status: where the shopper stands, in any state (paid, expired and cancelled too). */
  function getStatus() {
    return call('GET', '/v1/checkout/status');
  }

  /** POST /v1/checkout/cancel: the shopper goes back to the merchant; an open session is cancelled. Answers `redirect_url`. */
  function cancel() {
    return call('POST', '/v1/checkout/cancel');
  }

  /** POST /v1/card/sessions: a fresh Mastercard Gateway hosted session for the card form. */
  function openCardSession() {
    return call('POST', '/v1/card/sessions');
  }

  /**
   * POST /v1/payments/collect: pays the checkout session with the card the
   * customer entered in the hosted fields of `hostedSessionId`. The amount
   * is never sent: the gateway reads it from the session.
   *
   * One Idempotency-Key per attempt. If the previous attempt on the same
   * hosted session never got a definitive answer (connection lost, request
   * still in flight, internal error), this call repeats it with the same key
   * and body, so the gateway answers it once rather than paying twice.
   */
  async function collect(collectOptions) {
    const { hostedSessionId, browser, idempotencyKey, methodTimeoutMs } = collectOptions ?? {};
    if (typeof hostedSessionId !== 'string' || hostedSessionId === '') {
      throw new TypeError('collect: hostedSessionId is required (from openCardSession())');
    }
    const repeat = lastAttempt && lastAttempt.hostedSessionId === hostedSessionId && lastAttempt.unanswered && idempotencyKey === undefined;
    const attempt = repeat
      ? lastAttempt
      : { hostedSessionId, key: idempotencyKey ?? newIdempotencyKey(), browser: browser ?? browserDetails(), unanswered: false };
    lastAttempt = attempt;
    let payment;
    try {
      payment = await call('POST', '/v1/payments/collect', {
        body: { payment_method: 'card', hosted_session_id: hostedSessionId, browser: attempt.browser },
        idempotencyKey: attempt.key,
      });
      attempt.unanswered = false;
    } catch (error) {
      // No answer, still in flight (1302), or a server error (5xx answers are never stored): same key next time.
      attempt.unanswered = error instanceof PdirectError && (error.status === 0 || error.status >= 500 || error.code === '1302');
      throw error;
    }
    if (payment?.status !== 'requires_action' || payment.next_action?.type !== 'three_d_secure_method') return payment;
    // The issuer's 3-D Secure method: its page runs in a hidden frame, then the payer is
    // authenticated. The answer is the same shape as collect's (challenge, success, ...).
    await runThreeDsMethod(payment.next_action.html, methodTimeoutMs ?? METHOD_TIMEOUT_MS);
    return call('POST', `/v1/payments/${encodeURIComponent(payment.id)}/authenticate`, { body: { browser: attempt.browser } });
  }

  /**
   * POST /v1/otp/send: sends the one-time code to the customer's phone (by
   * default, when the merchant gave one) or e-mail; `channel` picks one.
   * Answers where it went, masked (`sent_to`).
   */
  function sendOtp(otpOptions) {
    return call('POST', '/v1/otp/send', { body: otpBody(otpOptions) });
  }

  /** POST /v1/otp/resend: a new code (rate limited: 429 code 1402 with retryAfter). */
  function resendOtp(otpOptions) {
    return call('POST', '/v1/otp/resend', { body: otpBody(otpOptions) });
  }

  /** POST /v1/otp/verify with the 6-digit code (wrong or expired: 400 code 1401). */
  function verifyOtp(code) {
    if (typeof code !== 'string' || !/^[0-9]{6}$/.test(code)) throw new TypeError('verifyOtp: code must be 6 digits');
    return call('POST', '/v1/otp/verify', { body: { code } });
  }

  /** showChallenge() that also follows a return which landed inside the challenge frame (the gateway's message). */
  function showChallengeHere(container, html, showOptions = {}) {
    return showChallenge(container, html, { gatewayOrigin: new URL(origin).origin, ...showOptions });
  }

  return Object.freeze({
    fingerprint,
    getCheckout,
    getStatus,
    cancel,
    openCardSession,
    mountCardFields,
    collect,
    sendOtp,
    resendOtp,
    verifyOtp,
    showChallenge: showChallengeHere,
  });
}

/** The send/resend body: nothing unless a channel is asked for. */
function otpBody(otpOptions) {
  const channel = otpOptions?.channel;
  if (channel === undefined) return undefined;
  if (channel !== 'sms' && channel !== 'email') throw new TypeError('sendOtp/resendOtp: channel must be "sms" or "email"');
  return { channel };
}
