/**
 * @pdirect/browser — the Pdirect browser SDK.
 *
 * One hand-written ES module, no dependencies, no build step. It talks to the
 * SDK boundary of a Pdirect gateway (docs/api.md#http-api) with a checkout
 * session's token, and helps a page run the card form and 3-D Secure:
 *
 *   import { createPdirect } from 'https://pay.example.com/sdk/pdirect.js';
 *   const pdirect = createPdirect({ baseUrl: 'https://pay.example.com', sessionToken });
 *   const checkout = await pdirect.getCheckout();
 *
 * Card data never passes through this module: the card is typed into the
 * card network's hosted fields (Mastercard Gateway session.js, iframes on the
 * network's origin) and only the hosted-session id reaches Pdirect.
 *
 * Every request carries `Authorization: Bearer <session_token>` and
 * `X-Device-Fingerprint`. Every failure is thrown as a PdirectError built
 * from the gateway's error envelope.
 *
 * Types: ./pdirect.d.ts.
 */

const TOKEN_PATTERN = /^pd_st_[A-Za-z0-9_-]{43}$/;

/** The challenge window sizes 3-D Secure 2 defines (width × height), largest first. */
const CHALLENGE_WINDOW_SIZES = [
  { value: '600_X_400', width: 600, height: 400 },
  { value: '500_X_600', width: 500, height: 600 },
  { value: '390_X_400', width: 390, height: 400 },
  { value: '250_X_400', width: 250, height: 400 },
];

/**
 * Every failure of an SDK call. `status` is the HTTP status (0 when the
 * gateway could not be reached), `code` the gateway's `error_code` (e.g.
 * "1004" session expired, "1601" card declined) or, as in @pdirect/node,
 * `connection_error` (no answer) or `invalid_response` (an answer that is
 * not the gateway's error envelope); `requestId` is what support needs;
 * `retryAfter` (seconds) comes from a `Retry-After` header (OTP rate limit).
 */
export class PdirectError extends Error {
  /**
   * @param {{ status: number, code: string, message: string, requestId?: string | null, retryAfter?: number | null, param?: string | null, errors?: Array<{ param: string, code: string, message: string }> | null, cause?: unknown }} details
   */
  constructor(details) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PdirectError';
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId ?? null;
    this.retryAfter = details.retryAfter ?? null;
    this.param = details.param ?? null;
    this.errors = details.errors ?? null;
  }
}

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

/**
 * Renders the card network's hosted card fields for a card session (from
 * openCardSession()) in place of the page's placeholder elements, through
 * the adapter of the network the session names (`cardSession.network`).
 * Pages never talk to a network's own script.
 *
 * `fields` maps the neutral field names (number, securityCode, expiryMonth,
 * expiryYear, nameOnCard) to CSS selectors of the placeholders. The answer's
 * `submit()` asks the network to take what the customer typed into the
 * hosted session: `{ status: 'ok' }`, `{ status: 'fields_in_error', errors:
 * { number: 'missing' | 'invalid', ... } }`, `{ status: 'request_timeout' }`
 * or another status with `errors.message`.
 *
 * @returns {Promise<{ network: string, hostedSessionId: string, submit(): Promise<{ status: string, errors?: Record<string, string> }> }>}
 */
export async function mountCardFields(cardSession, mountOptions) {
  const network = cardSession?.network ?? 'mpgs'; // gateways before the tag served Mastercard Gateway sessions only
  const adapter = Object.hasOwn(CARD_FIELD_ADAPTERS, network) ? CARD_FIELD_ADAPTERS[network] : undefined;
  if (!adapter) throw new TypeError(`mountCardFields: this SDK has no adapter for card network "${network}"`);
  if (!mountOptions || typeof mountOptions.fields !== 'object') throw new TypeError('mountCardFields: fields (name → CSS selector) is required');
  return adapter(cardSession, {
    fields: mountOptions.fields,
    nonce: mountOptions.nonce ?? pageNonce(),
    locale: mountOptions.locale ?? globalThis.document?.documentElement.lang ?? undefined,
    onEnter: typeof mountOptions.onEnter === 'function' ? mountOptions.onEnter : undefined,
  });
}

// -- card-field adapters: one per card network ----------------------------------

/**
 * Mastercard Gateway: session.js (from the card session's `session_js_url`)
 * replaces the placeholders with iframes on the network's origin.
 */
async function mountMpgsFields(cardSession, { fields, nonce, locale, onEnter }) {
  const unavailable = () => new Error('The secure card form could not be loaded');
  if (!globalThis.PaymentSession) {
    await new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = cardSession.session_js_url;
      if (nonce) script.nonce = nonce;
      script.onload = () => (globalThis.PaymentSession ? resolve(undefined) : reject(unavailable()));
      script.onerror = () => reject(unavailable());
      document.head.append(script);
    });
  }
  const session = globalThis.PaymentSession;
  let waiting = null;
  await new Promise((resolve, reject) => {
    session.configure({
      session: cardSession.hosted_session_id,
      fields: { card: fields },
      // The page defends itself with CSP frame-ancestors (the hosted checkout sends 'none'), so
      // session.js is told that, rather than running its JavaScript frame-busting check.
      frameEmbeddingMitigation: ['csp'],
      callbacks: {
        initialized: (r) => (r && r.status === 'ok' ? resolve(undefined) : reject(new Error((r && r.message) || unavailable().message))),
        formSessionUpdate: (r) => {
          const done = waiting;
          waiting = null;
          if (done) done(r);
        },
        enterKey: () => {
          if (onEnter) onEnter();
        },
      },
      interaction: { displayControl: { formatCard: 'EMBOSSED', invalidFieldCharacters: 'REJECT' }, ...(locale ? { locale } : {}) },
    });
  });
  return {
    network: 'mpgs',
    hostedSessionId: cardSession.hosted_session_id,
    submit() {
      return new Promise((resolve) => {
        waiting = (r) => resolve(mpgsUpdate(r));
        session.updateSessionFromForm('card');
      });
    },
  };
}

/** session.js's update answer in the neutral shape (its `cardNumber` error is the `number` field). */
function mpgsUpdate(r) {
  const status = r && typeof r.status === 'string' ? r.status : 'error';
  if (status !== 'fields_in_error') return { status, errors: r && r.errors ? r.errors : undefined };
  const errors = {};
  for (const [key, value] of Object.entries((r && r.errors) || {})) errors[key === 'cardNumber' ? 'number' : key] = value;
  return { status, errors };
}

const CARD_FIELD_ADAPTERS = Object.freeze({ mpgs: mountMpgsFields });

/**
 * Shows a 3-D Secure `next_action.html` (the network's redirect html) in
 * `container`. The html holds a form that posts to the bank's challenge page
 * (ACS) inside an iframe, and a <script> that submits it. Scripts inserted
 * with innerHTML never run, so each one is re-created — as Mastercard
 * Gateway tells clients to do. On a page with a nonce-based
 * Content-Security-Policy the re-created scripts need the page's nonce:
 * pass it, or it is taken from the page's own nonce-carrying <script>.
 *
 * Only pass html that came from the gateway's collect answer: its scripts run
 * with the page's privileges.
 *
 * @returns {HTMLIFrameElement | null} the challenge iframe, when there is one
 */
export function showChallenge(container, html, showOptions = {}) {
  if (!container || typeof container.querySelectorAll !== 'function') throw new TypeError('showChallenge: container must be an element');
  if (typeof html !== 'string' || html === '') throw new TypeError('showChallenge: html must be the next_action.html string');
  const nonce = showOptions.nonce ?? pageNonce();
  // Inline style attributes would meet the page's Content-Security-Policy (a style-src
  // without 'unsafe-inline' refuses them, even while parsing): they are set aside before
  // the html is parsed and applied through the CSSOM, which the policy does not govern.
  const parsed = new DOMParser().parseFromString(withoutInlineStyles(html), 'text/html');
  const size = CHALLENGE_WINDOW_SIZES.find((s) => s.value === showOptions.windowSize);
  for (const frame of Array.from(parsed.body.querySelectorAll('iframe'))) {
    const hidden = frame.getAttribute('width') === '0' || frame.getAttribute('height') === '0';
    if (hidden) {
      frame.setAttribute('hidden', '');
      frame.setAttribute('aria-hidden', 'true');
      frame.setAttribute('tabindex', '-1');
      frame.removeAttribute(STYLE_ATTRIBUTE);
      continue;
    }
    if (frame.getAttribute('name') === 'challengeFrame') {
      // The EMV 3DS window asked for: the ACS lays its page out for exactly that size.
      frame.setAttribute('data-window-size', size ? size.value : 'FULL_SCREEN');
      // FULL_SCREEN in an embedded page: the container's whole width, 400 pixels high.
      frame.setAttribute('width', size ? String(size.width) : '100%');
      frame.setAttribute('height', size ? String(size.height) : '400');
      frame.removeAttribute(STYLE_ATTRIBUTE);
      if (showOptions.title) frame.setAttribute('title', showOptions.title);
    }
  }
  container.replaceChildren(...Array.from(parsed.body.childNodes).map((node) => document.importNode(node, true)));
  for (const element of Array.from(container.querySelectorAll(`[${STYLE_ATTRIBUTE}]`))) {
    if (element instanceof HTMLElement) element.style.cssText = element.getAttribute(STYLE_ATTRIBUTE) ?? '';
    element.removeAttribute(STYLE_ATTRIBUTE);
  }
  for (const inert of Array.from(container.querySelectorAll('script'))) {
    const live = document.createElement('script');
    for (const attribute of Array.from(inert.attributes)) {
      if (attribute.name !== 'nonce') live.setAttribute(attribute.name, attribute.value);
    }
    if (nonce) live.nonce = nonce;
    live.text = inert.text;
    inert.replaceWith(live);
  }
  const frame = container.querySelector('iframe[name="challengeFrame"]');
  if (frame && typeof showOptions.gatewayOrigin === 'string') followReturnInFrame(frame, showOptions.gatewayOrigin);
  return frame;
}

/**
 * The issuer's return should replace this page (target _parent); when it lands inside
 * the challenge frame instead, the gateway's page there posts `pdirect.3ds.return` with
 * the merchant's URL. Only that frame's message, from the gateway's origin, is heard.
 */
function followReturnInFrame(frame, gatewayOrigin) {
  const onMessage = (event) => {
    if (event.origin !== gatewayOrigin || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (!data || data.type !== 'pdirect.3ds.return' || typeof data.redirect_url !== 'string') return;
    let target;
    try {
      target = new URL(data.redirect_url);
    } catch {
      return;
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return;
    globalThis.removeEventListener('message', onMessage);
    location.assign(target.href);
  };
  globalThis.addEventListener('message', onMessage);
}

/** Where showChallenge keeps a tag's inline style until the CSSOM applies it. */
const STYLE_ATTRIBUTE = 'data-pdirect-style';

/** The html with each tag's `style="…"` renamed to data-pdirect-style (only inside tags). */
function withoutInlineStyles(html) {
  let previous;
  let current = html;
  do {
    previous = current;
    current = current.replace(/(<[A-Za-z][^<>]*?\s)style(\s*=\s*(?:"[^"]*"|'[^']*'))/g, `$1${STYLE_ATTRIBUTE}$2`);
  } while (current !== previous);
  return current;
}

/** How long the issuer's 3-D Secure method may take (EMV 3-D Secure: 10 seconds), in ms. */
const METHOD_TIMEOUT_MS = 10_000;

/**
 * Runs the issuer's 3-D Secure method (`next_action.html` of type
 * `three_d_secure_method`): its form is posted into a hidden frame, and the
 * promise settles when the issuer's page has loaded, or after `timeoutMs`
 * (the payer is then authenticated without it, as 3-D Secure allows). The
 * html is parsed, never inserted: none of its markup or scripts run in the
 * page, so any Content-Security-Policy that allows the network's frames and
 * form targets (frame-src, form-action) allows this.
 */
function runThreeDsMethod(html, timeoutMs) {
  const source = typeof html === 'string' ? new DOMParser().parseFromString(withoutInlineStyles(html), 'text/html').querySelector('form') : null;
  let action;
  try {
    action = source ? new URL(source.getAttribute('action') ?? '', location.href) : null;
  } catch {
    action = null;
  }
  if (!source || !action || (action.protocol !== 'https:' && action.protocol !== 'http:')) return Promise.resolve();
  const name = `pdirect3dsMethod${Math.random().toString(36).slice(2)}`;
  const frame = document.createElement('iframe');
  frame.name = name;
  frame.title = '3-D Secure';
  frame.tabIndex = -1;
  frame.setAttribute('aria-hidden', 'true');
  frame.style.display = 'none';
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = action.href;
  form.target = name;
  form.style.display = 'none';
  for (const input of Array.from(source.querySelectorAll('input[name]'))) {
    const field = document.createElement('input');
    field.type = 'hidden';
    field.name = input.getAttribute('name') ?? '';
    field.value = input.getAttribute('value') ?? '';
    form.append(field);
  }
  document.body.append(frame, form);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      form.remove();
      frame.remove();
      resolve(undefined);
    };
    const timer = setTimeout(done, timeoutMs);
    frame.addEventListener('load', done, { once: true });
    form.submit();
  });
}

/**
 * The `browser` object of a collect request, for 3-D Secure 2 (the bank
 * uses it for risk checks and to size the challenge). `acceptHeaders` is not
 * set here (a page cannot read them): a value the page passes in `browser`
 * is kept and sent as given, and otherwise the gateway takes the Accept
 * header of the request itself. Java is reported as unavailable, as it is
 * in every current browser; the gateway adds the User-Agent it received.
 */
export function browserDetails() {
  const screen = globalThis.screen ?? {};
  const details = {
    challengeWindowSize: challengeWindowSize(globalThis.innerWidth, globalThis.innerHeight),
    javaEnabled: false,
    language: String(globalThis.navigator?.language || 'en').slice(0, 35),
    timeZone: new Date().getTimezoneOffset(),
  };
  if (Number.isInteger(screen.colorDepth) && screen.colorDepth >= 1 && screen.colorDepth <= 64) details.colorDepth = screen.colorDepth;
  if (Number.isFinite(screen.width) && screen.width >= 0) details.screenWidth = Math.round(screen.width);
  if (Number.isFinite(screen.height) && screen.height >= 0) details.screenHeight = Math.round(screen.height);
  return details;
}

/**
 * The EMV 3DS challenge window for a container of this width: the widest
 * 400-pixel-high window that fits (600×400, 390×400, 250×400), so the
 * issuer's page needs no scrolling and leaves no large empty area; narrower
 * containers get FULL_SCREEN (the container's width).
 */
export function challengeWindowForWidth(containerWidth) {
  if (containerWidth >= 600) return '600_X_400';
  if (containerWidth >= 390) return '390_X_400';
  if (containerWidth >= 250) return '250_X_400';
  return 'FULL_SCREEN';
}

/**
 * The largest 3-D Secure 2 challenge window that fits the viewport with
 * room to spare; phones and small windows get FULL_SCREEN.
 */
export function challengeWindowSize(viewportWidth, viewportHeight) {
  if (!(viewportWidth >= 600)) return 'FULL_SCREEN';
  const fit = CHALLENGE_WINDOW_SIZES.filter((size) => size.value !== '600_X_400').find(
    (size) => size.width + 40 <= viewportWidth && size.height + 160 <= viewportHeight,
  );
  return fit ? fit.value : 'FULL_SCREEN';
}

/**
 * The device fingerprint: SHA-256 (hex) of stable attributes of this
 * browser — user agent, language, platform, screen size and colour depth,
 * time zone, CPU count.
 *
 * It is a binding aid, not an identifier: thousands of devices share each
 * value, and it is only compared with itself. The gateway locks the first
 * value it sees on a checkout session, so a session token copied to another
 * device is refused (merchant setting `enforce`) or flagged (`warn`). It
 * stores nothing else about the device and this SDK reads no cookies,
 * canvas, fonts or other high-entropy signals.
 *
 * Screen width and height are taken as (larger, smaller), so turning a phone
 * sideways mid-checkout does not change the value.
 */
export function deviceFingerprint() {
  const nav = globalThis.navigator ?? {};
  const screen = globalThis.screen ?? {};
  const long = Math.max(screen.width || 0, screen.height || 0);
  const short = Math.min(screen.width || 0, screen.height || 0);
  let timeZone = '';
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    // Very old engines: the offset below still distinguishes most zones.
  }
  const attributes = [
    'pdirect-fp-v1',
    nav.userAgent || '',
    nav.language || '',
    nav.platform || '',
    `${long}x${short}`,
    String(screen.colorDepth || ''),
    timeZone || String(new Date(2000, 0, 1).getTimezoneOffset()),
    String(nav.hardwareConcurrency || ''),
  ];
  return sha256Hex(JSON.stringify(attributes));
}

/** SHA-256 of a string's UTF-8 bytes, lowercase hex. */
export async function sha256Hex(text) {
  const bytes = new TextEncoder().encode(text);
  const subtle = globalThis.crypto?.subtle;
  // crypto.subtle exists only in secure contexts (https://, or http://localhost):
  // a sandbox gateway opened over plain http on a LAN address falls back to JS.
  if (subtle) return toHex(new Uint8Array(await subtle.digest('SHA-256', bytes)));
  return toHex(sha256Bytes(bytes));
}

/** An Idempotency-Key: a random UUID (v4). */
export function newIdempotencyKey() {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID is secure-context only; getRandomValues is everywhere.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = toHex(b);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// -- internals ---------------------------------------------------------------

/** The send/resend body: nothing unless a channel is asked for. */
function otpBody(otpOptions) {
  const channel = otpOptions?.channel;
  if (channel === undefined) return undefined;
  if (channel !== 'sms' && channel !== 'email') throw new TypeError('sendOtp/resendOtp: channel must be "sms" or "email"');
  return { channel };
}

/** The nonce of the page's own scripts (the `nonce` attribute is hidden from the DOM; the property is not). */
function pageNonce() {
  const script = globalThis.document?.querySelector('script[nonce]');
  return script && script.nonce ? script.nonce : undefined;
}

/** Retry-After in seconds, from either form the header allows (seconds or an HTTP date). */
function parseRetryAfter(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function toHex(bytes) {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
  0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
  0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 (FIPS 180-4) in plain JavaScript, for pages without crypto.subtle. */
function sha256Bytes(message) {
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  // Padding: 0x80, zeros, then the length in bits as a 64-bit big-endian integer.
  const padded = new Uint8Array(Math.ceil((message.length + 9) / 64) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = message.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(padded.length - 4, bits >>> 0);

  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
  return out;
}
