// @ts-check
/**
 * The hosted checkout page's script (GET /checkout/{session_id}). The gateway
 * reads this file at boot and inlines it in the page under the response's
 * CSP nonce. Type-checked (checkJs) against ../pdirect.d.ts.
 *
 * Card data never touches it: the browser SDK renders the card network's
 * hosted fields (through the adapter the card session names) in place of the
 * readonly inputs, and only the hosted-session id reaches the gateway.
 *
 * Every string comes from the message catalogue the page carries as JSON
 * (#checkout-messages, from the gateway's src/locales/checkout-messages.ts);
 * elements name their key in data-i18n, so switching to the session's locale
 * re-words the whole page.
 */
const TOKEN = /^pd_st_[A-Za-z0-9_-]{43}$/;
const sessionId = location.pathname.split('/').pop() || '';
const storageKey = 'pdirect.checkout.' + sessionId;
/** How long the pending screen polls before it also offers the way back (ms), and how often. */
const PENDING_PATIENCE_MS = 60_000;
const POLL_MS = [1000, 2000, 3000, 5000];
/** The countdown warning shows this long before the session expires. */
const WARN_BEFORE_MS = 120_000;

/**
 * The page's own elements (all present in the markup).
 * @param {string} id
 * @returns {HTMLElement & HTMLInputElement & HTMLFormElement & HTMLAnchorElement}
 */
const $ = (id) => /** @type {any} */ (document.getElementById(id));

// -- messages ----------------------------------------------------------------
/** @type {Record<string, Record<string, string>>} */
const CATALOGUE = JSON.parse($('checkout-messages').textContent || '{}');
let locale = CATALOGUE[document.documentElement.lang] ? document.documentElement.lang : 'en';
/** @param {string} key @param {Record<string, string | number>} [values] */
function t(key, values) {
  const own = CATALOGUE[locale];
  const fallback = CATALOGUE.en;
  const text = (own && own[key]) || (fallback && fallback[key]) || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (values && Object.hasOwn(values, name) ? String(values[name]) : whole));
}
/** @param {string} code */
function applyLocale(code) {
  if (!CATALOGUE[code]) return;
  locale = code;
  document.documentElement.lang = code;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(/** @type {HTMLElement} */ (el).dataset.i18n || '');
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.setAttribute('title', t(/** @type {HTMLElement} */ (el).dataset.i18nTitle || ''));
  for (const el of document.querySelectorAll('[data-i18n-aria-label]'))
    el.setAttribute('aria-label', t(/** @type {HTMLElement} */ (el).dataset.i18nAriaLabel || ''));
}

// -- the token and where we came from ------------------------------------------
// The session token travels in the fragment, which browsers never send to a server.
// Take it, then drop it from the address bar at once; keep it for this tab (session
// storage and this history entry's state), so a reload, Back after paying or the
// return from the bank's page still finds it.
const params = new URLSearchParams(location.search);
/** Set by the gateway when the browser comes back from 3-D Secure: pending | failed (and why). */
const returned = { kind: params.get('return') || '', reason: params.get('reason') || '' };
const token = takeToken();
function takeToken() {
  let value = '';
  if (location.hash.length > 1) value = location.hash.slice(1);
  else if (history.state && typeof history.state.pdirectToken === 'string') value = history.state.pdirectToken;
  else {
    try {
      value = sessionStorage.getItem(storageKey) || '';
    } catch (e) {
      value = '';
    }
  }
  if (TOKEN.test(value)) {
    history.replaceState({ pdirectToken: value }, '', location.pathname);
    try {
      sessionStorage.setItem(storageKey, value);
    } catch (e) {
      /* storage disabled: this history entry still has it */
    }
  } else if (returned.kind) {
    history.replaceState(history.state, '', location.pathname);
  }
  return value;
}
function forgetToken() {
  history.replaceState(null, '', location.pathname);
  try {
    sessionStorage.removeItem(storageKey);
  } catch (e) {
    /* nothing stored */
  }
}

/** @type {typeof import('../pdirect.js')} */
let sdk;
try {
  sdk = await import(/** @type {string} */ ('/sdk/pdirect.js'));
} catch (error) {
  $('status').textContent = t('status.loadFailed');
  throw error;
}
const { createPdirect, PdirectError } = sdk;
const NONCE = /** @type {HTMLScriptElement} */ (document.querySelector('script[nonce]')).nonce;
const FIELDS = {
  number: '#card-number',
  securityCode: '#security-code',
  expiryMonth: '#expiry-month',
  expiryYear: '#expiry-year',
  nameOnCard: '#name-on-card',
};
/** Per hosted field: its element id on this page. @type {Record<string, string>} */
const FIELD_IDS = {
  number: 'card-number',
  expiryMonth: 'expiry-month',
  expiryYear: 'expiry-year',
  securityCode: 'security-code',
  nameOnCard: 'name-on-card',
};
/**
 * @type {{ pdirect: import('../pdirect.js').Pdirect | null, checkout: import('../pdirect.js').Checkout | null, amount: string,
 *   fields: import('../pdirect.js').CardFields | null, fieldsReady: boolean, busy: boolean, leaving: boolean, step: string,
 *   expiresAt: number, warnedMinutes: number, ticker: ReturnType<typeof setInterval> | null, polling: boolean }}
 */
const state = {
  pdirect: null,
  checkout: null,
  amount: '',
  fields: null,
  fieldsReady: false,
  busy: false,
  leaving: false,
  step: '',
  expiresAt: 0,
  warnedMinutes: 0,
  ticker: null,
  polling: false,
};
/** The client, once main() made it. */
const client = () => /** @type {import('../pdirect.js').Pdirect} */ (state.pdirect);
const merchantName = () => (state.checkout ? state.checkout.merchant_name : '');

// -- small UI helpers --------------------------------------------------------
/** @param {string} step */
function show(step) {
  state.step = step;
  for (const s of document.querySelectorAll('section.step')) /** @type {HTMLElement} */ (s).hidden = s.id !== 'step-' + step;
}
/** @param {string} step */
function focusHeading(step) {
  const h = /** @type {HTMLElement | null} */ (document.querySelector('#step-' + step + ' h2'));
  if (h) h.focus();
}
/** @param {string} text @param {boolean} [working] */
function say(text, working) {
  const status = $('status');
  status.textContent = '';
  if (working) {
    const spin = document.createElement('span');
    spin.className = 'spinner';
    spin.setAttribute('aria-hidden', 'true');
    status.append(spin);
  }
  status.append(text || '');
}
/** @param {string} text */
function alertBox(text) {
  const a = $('alert');
  a.textContent = text;
  a.hidden = false;
  a.focus();
}
function clearAlert() {
  $('alert').hidden = true;
  $('alert').textContent = '';
}
/** @param {string} text @param {{ requestId?: string | null } | undefined} error */
function withReference(text, error) {
  return error && error.requestId ? text + ' ' + t('error.reference', { reference: error.requestId }) : text;
}
/** @param {number} seconds */
function inWords(seconds) {
  return seconds >= 90 ? t('time.minutes', { n: Math.ceil(seconds / 60) }) : t('time.seconds', { n: seconds });
}
/** @param {string} id @param {string} text */
function fieldError(id, text) {
  const message = $(id + '-error');
  message.textContent = text;
  message.hidden = false;
  message.closest('.field')?.classList.add('invalid');
  const input = $(id);
  if (input && !input.classList.contains('hosted')) input.setAttribute('aria-invalid', 'true');
}
function clearFieldErrors() {
  for (const message of document.querySelectorAll('p.field-error')) {
    /** @type {HTMLElement} */ (message).hidden = true;
    message.textContent = '';
  }
  for (const field of document.querySelectorAll('.field.invalid')) field.classList.remove('invalid');
  for (const input of document.querySelectorAll('#main [aria-invalid]')) input.removeAttribute('aria-invalid');
}
/** @param {boolean} on */
function setBusy(on) {
  state.busy = on;
  $('main').setAttribute('aria-busy', on ? 'true' : 'false');
  for (const button of document.querySelectorAll('button')) {
    button.disabled = (on && button.id !== 'back') || button.dataset.locked === 'true' || (button.id === 'pay' && !state.fieldsReady);
  }
}
/**
 * A screen that ends the checkout (or waits): title, text, and the way back when known.
 * @param {'success' | 'error' | 'pending'} kind @param {string} titleKey @param {string} textKey @param {string | null} [backUrl]
 */
function finish(kind, titleKey, textKey, backUrl) {
  stopCountdown();
  if (!state.checkout) $('summary').hidden = true; // nothing to summarise: no empty placeholders
  show('final');
  say('');
  clearAlert();
  $('expiry-warning').hidden = true;
  $('step-final').dataset.kind = kind;
  const merchant = merchantName() || t('back.toMerchantGeneric');
  $('final-title').textContent = t(titleKey, { merchant });
  $('final-text').textContent = t(textKey, { merchant });
  $('final-more').hidden = true;
  setBackLink(backUrl || null);
  focusHeading('final');
}
/** @param {string | null} url */
function setBackLink(url) {
  const link = $('final-back');
  if (url && /^https?:/.test(new URL(url, location.href).protocol)) {
    link.href = url;
    link.textContent = merchantName() ? t('back.toMerchant', { merchant: merchantName() }) : t('back.toMerchantGeneric');
    link.hidden = false;
  } else {
    link.hidden = true;
    link.removeAttribute('href');
  }
}
/** Asks where to go back to (allowed in any state); null when the gateway cannot say. */
async function backUrl() {
  try {
    return (await client().getStatus()).redirect_url;
  } catch (e) {
    return null;
  }
}
/** Currencies shown without decimals when the amount is whole (the ISO exponent is 2; shoppers never see sen). */
const WHOLE_DISPLAY = new Set(['IDR']);
/** @param {string} amount @param {string} currency */
function formatAmount(amount, currency) {
  const code = currency.toUpperCase();
  const whole = !/\.\d*[1-9]/.test(amount);
  const tag = locale === 'id' ? 'id-ID' : locale === 'en' ? 'en-US' : locale;
  try {
    /** @type {Intl.NumberFormatOptions} */
    const options = { style: 'currency', currency: code };
    if (WHOLE_DISPLAY.has(code) && whole) {
      options.minimumFractionDigits = 0;
      options.maximumFractionDigits = 0;
    }
    return new Intl.NumberFormat(tag, options).format(Number(amount));
  } catch (e) {
    return amount + ' ' + code;
  }
}

// -- the way back ----------------------------------------------------------------
function showBack() {
  const back = $('back');
  if (state.checkout) $('back-label').textContent = t('back.toMerchant', { merchant: merchantName() });
  else $('back-label').textContent = t('back.toMerchantGeneric');
  // Without a session (incomplete link) the only way back is the browser's history.
  back.hidden = !state.checkout && history.length < 2;
}
$('back').addEventListener('click', async () => {
  if (!state.checkout || !state.pdirect) {
    history.back();
    return;
  }
  $('back').disabled = true;
  say(t('back.cancelling'), true);
  let url = null;
  try {
    url = (await client().cancel()).redirect_url;
  } catch (error) {
    url = await backUrl();
  }
  state.leaving = true;
  if (url) location.assign(url);
  else history.back();
});

// -- the countdown ----------------------------------------------------------------
function startCountdown() {
  stopCountdown();
  tick();
  state.ticker = setInterval(tick, 1000);
}
function stopCountdown() {
  if (state.ticker) clearInterval(state.ticker);
  state.ticker = null;
}
function tick() {
  if (!state.expiresAt || state.leaving) return;
  const left = state.expiresAt - Date.now();
  if (left <= 0) {
    stopCountdown();
    if (state.step === 'challenge' || state.polling) return; // the bank or the network decides now
    void expired();
    return;
  }
  if (left > WARN_BEFORE_MS || (state.step !== 'card' && state.step !== 'otp')) return;
  // Re-worded once a minute (then in seconds), not every second: a screen reader hears each change.
  const minutes = Math.ceil(left / 60_000);
  if (minutes === state.warnedMinutes) return;
  state.warnedMinutes = minutes;
  const warning = $('expiry-warning');
  warning.textContent = t('expiry.warning', { time: inWords(minutes >= 2 ? minutes * 60 : Math.ceil(left / 1000)), merchant: merchantName() });
  warning.hidden = false;
}
async function expired() {
  finish('error', 'final.expiredTitle', 'final.expiredText', null);
  setBackLink(await backUrl());
}

// -- errors that end the checkout, and the rest ------------------------------
/** @param {import('../pdirect.js').PdirectError} error @returns {[string, string] | null} */
function ending(error) {
  switch (error.code) {
    case '1001':
    case '1002':
      return ['final.invalidTitle', 'final.invalidText'];
    case '1004':
      return ['final.expiredTitle', 'final.expiredText'];
    case '1005':
      if (/paid/.test(error.message)) return ['final.paidTitle', 'final.paidText'];
      if (/cancel/.test(error.message)) return ['final.cancelledTitle', 'final.cancelledText'];
      return ['final.inProgressTitle', 'final.inProgressText'];
    case '1006':
      return ['final.deviceTitle', 'final.deviceText'];
    default:
      return null;
  }
}
/** @param {any} error an Error, a PdirectError, or whatever was thrown */
async function handleError(error) {
  if (!(error instanceof PdirectError)) {
    console.error(error);
    alertBox(t('error.generic'));
    return;
  }
  const end = ending(error);
  if (end) {
    if (error.code === '1001' || error.code === '1002') forgetToken();
    finish('error', end[0], end[1], null);
    if (error.code !== '1001' && error.code !== '1002' && error.code !== '1006') setBackLink(await backUrl());
    return;
  }
  if (error.code === '1403') {
    startOtp();
    return;
  }
  say('');
  if (error.code === '1602' || error.code === '1603') alertBox(t('decline.refused'));
  else if (error.code === 'connection_error') alertBox(t('error.connection'));
  else alertBox(withReference(t('error.server'), error));
}

// -- start -------------------------------------------------------------------
async function main() {
  if (!TOKEN.test(token)) {
    showBack();
    finish('error', 'final.incompleteTitle', 'final.incompleteText', null);
    return;
  }
  state.pdirect = createPdirect({ baseUrl: location.origin, sessionToken: token });
  if (returned.kind === 'pending') {
    // Back from the bank while the payment is still settling: wait here, never "failed".
    try {
      showCheckout(await client().getCheckout());
    } catch (error) {
      /* a session already final: the status poll below says where to go */
    }
    await startPending();
    return;
  }
  say(t('status.loading'), true);
  const checkout = await client().getCheckout();
  if (checkout.session_id !== sessionId) {
    finish('error', 'final.invalidTitle', 'final.invalidText', null);
    return;
  }
  showCheckout(checkout);
  if (checkout.status === 'processing' && returned.kind !== 'failed') {
    await startPending();
    return;
  }
  if (checkout.require_otp && !checkout.otp_verified) startOtp();
  else await startCard(false);
  if (returned.kind === 'failed') alertBox(declineMessage(returned.reason));
}
/** @param {import('../pdirect.js').Checkout} checkout */
function showCheckout(checkout) {
  state.checkout = checkout;
  applyLocale(checkout.locale || locale);
  state.amount = formatAmount(checkout.amount, checkout.currency);
  $('merchant').textContent = checkout.merchant_name;
  $('amount').textContent = state.amount;
  $('order').textContent = t('summary.order', { order: checkout.order_id });
  $('pay-label').textContent = t('card.pay', { amount: state.amount });
  document.title = t('page.titleWithMerchant', { merchant: checkout.merchant_name, amount: state.amount });
  for (const el of document.querySelectorAll('.skeleton')) el.classList.remove('skeleton');
  state.expiresAt = Date.parse(checkout.expires_at) || 0;
  showBack();
  startCountdown();
}

// -- one-time code -----------------------------------------------------------
function startOtp() {
  show('otp');
  say('');
  focusHeading('otp');
}
/** @param {'send' | 'resend'} kind */
async function requestCode(kind) {
  if (state.busy) return;
  setBusy(true);
  clearAlert();
  say(t('status.sendingCode'), true);
  try {
    const answer = kind === 'send' ? await client().sendOtp() : await client().resendOtp();
    const to = answer && typeof answer.sent_to === 'string' ? answer.sent_to : '';
    $('otp-send').hidden = true;
    $('otp-form').hidden = false;
    say(to ? t('status.codeSentTo', { to }) : t('status.codeSent'));
    $('otp-code').focus();
  } catch (error) {
    await otpError(error);
  } finally {
    setBusy(false);
  }
}
/** @param {number | null} seconds */
function lockOtp(seconds) {
  const buttons = [$('otp-send'), $('otp-verify'), $('otp-resend')];
  for (const b of buttons) {
    b.dataset.locked = 'true';
    b.disabled = true;
  }
  setTimeout(
    () => {
      for (const b of buttons) {
        b.dataset.locked = '';
        b.disabled = state.busy;
      }
    },
    (seconds || 60) * 1000,
  );
}
/** @param {unknown} error */
async function otpError(error) {
  if (error instanceof PdirectError && error.code === '1401') {
    say('');
    fieldError('otp-code', t('otp.wrongCode'));
    $('otp-code').focus();
    return;
  }
  if (error instanceof PdirectError && error.code === '1402') {
    say('');
    alertBox(t('otp.tooMany', { wait: inWords(error.retryAfter || 60) }));
    lockOtp(error.retryAfter);
    return;
  }
  await handleError(error);
}
$('otp-send').addEventListener('click', () => requestCode('send'));
$('otp-resend').addEventListener('click', () => requestCode('resend'));
$('otp-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (state.busy) return;
  clearFieldErrors();
  clearAlert();
  const code = $('otp-code').value.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(code)) {
    fieldError('otp-code', t('otp.enterCode'));
    $('otp-code').focus();
    return;
  }
  setBusy(true);
  say(t('status.checkingCode'), true);
  try {
    await client().verifyOtp(code);
    await startCard(true);
  } catch (error) {
    await otpError(error);
  } finally {
    setBusy(false);
  }
});

// -- the card form: the card network's hosted fields -------------------------
/** @param {boolean} moveFocus */
async function startCard(moveFocus) {
  show('card');
  say(t('status.loadingCard'), true);
  if (moveFocus) focusHeading('card');
  await openCardForm();
  say('');
}
async function openCardForm() {
  state.fieldsReady = false;
  setBusy(state.busy);
  const card = await client().openCardSession();
  // The SDK picks the card network's adapter from the session (card.network); the page never talks to the network's script.
  // Mounting again on the same form keeps the frames: the name typed stays, the card is typed again.
  state.fields = await client().mountCardFields(card, {
    fields: FIELDS,
    nonce: NONCE,
    locale,
    onEnter: () => $('card-form').requestSubmit(),
  });
  state.fieldsReady = true;
  setBusy(state.busy);
}
/** @param {Record<string, string>} errors */
function showFieldErrors(errors) {
  const problems = [];
  for (const key of Object.keys(errors)) {
    const id = FIELD_IDS[key];
    if (!id) continue;
    const text = t('field.' + key + '.' + (errors[key] === 'missing' ? 'missing' : 'invalid'));
    fieldError(id, text + '.');
    problems.push(text.charAt(0).toLocaleLowerCase(locale) + text.slice(1));
  }
  say('');
  alertBox(problems.length ? t('form.checkDetails', { problems: problems.join('; ') }) : t('form.checkDetailsGeneric'));
}
$('card-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (state.busy || !state.fieldsReady) return;
  setBusy(true);
  clearAlert();
  clearFieldErrors();
  say(t('status.checkingCard'), true);
  try {
    const update = await /** @type {import('../pdirect.js').CardFields} */ (state.fields).submit();
    if (update.status === 'fields_in_error') {
      showFieldErrors(update.errors || {});
      return;
    }
    if (update.status === 'request_timeout') {
      say('');
      alertBox(t('form.timedOut'));
      await openCardForm();
      return;
    }
    if (update.status !== 'ok') {
      say('');
      alertBox(t('form.couldNotCheck'));
      return;
    }
    await pay();
  } catch (error) {
    await paymentError(error);
  } finally {
    if (!state.leaving) setBusy(false);
  }
});
async function pay() {
  say(t('status.processing'), true);
  // The challenge window (EMV 3DS sizes): on a phone the full width of the screen, else the one that fits
  // this column; the bank's page speaks the checkout's language.
  const windowSize = innerWidth < 600 ? 'FULL_SCREEN' : sdk.challengeWindowForWidth($('card-form').clientWidth);
  const browser = { ...sdk.browserDetails(), challengeWindowSize: windowSize, language: locale === 'id' ? 'id-ID' : locale };
  const payment = await client().collect({ hostedSessionId: /** @type {import('../pdirect.js').CardFields} */ (state.fields).hostedSessionId, browser });
  // An authorization waiting for the merchant's capture (manual capture, review) is a completed checkout too.
  if (payment.status === 'succeeded' || payment.status === 'requires_capture') {
    leave(String(payment.redirect_url));
    return;
  }
  if (payment.status === 'requires_action' && payment.next_action) {
    challenge(payment.next_action.html, windowSize);
    return;
  }
  if (payment.status === 'pending' || payment.status === 'processing' || payment.status === 'capturing') {
    await startPending();
    return;
  }
  say('');
  alertBox(declineMessage(payment.gateway_code || ''));
  await openCardForm();
}
/**
 * What the shopper reads about a failed attempt, by class — the network's code is the merchant's business.
 * Takes a failure class (from the gateway) or a network code (from a 1601 message).
 * @param {string} codeOrClass
 */
function declineMessage(codeOrClass) {
  const code = String(codeOrClass || '').toUpperCase();
  if (code === 'AUTHENTICATION' || code === 'AUTHENTICATION_FAILED') return t('decline.authentication');
  if (code === 'EXPIRED_CARD') return t('decline.expiredCard');
  if (code === 'SECURITY_CODE' || code === 'DECLINED_CSC' || code === 'DECLINED_AVS_CSC') return t('decline.securityCode');
  if (code === 'INSUFFICIENT_FUNDS') return t('decline.insufficientFunds');
  if (['UNAVAILABLE', 'TIMED_OUT', 'ACQUIRER_SYSTEM_ERROR', 'UNSPECIFIED_FAILURE', 'SYSTEM_ERROR', 'UNKNOWN'].includes(code)) return t('decline.unavailable');
  if (code === 'REFUSED' || code === 'BLOCKED' || code === 'REFERRED') return t('decline.refused');
  if (code === 'DECLINED' || code === 'EXPIRED_CARD' || code === 'DO_NOT_HONOUR') return t('decline.declined');
  return code ? t('decline.declined') : t('decline.generic');
}
/** @param {unknown} error */
async function paymentError(error) {
  if (error instanceof PdirectError && (error.code === '1601' || error.code === '1602' || (error.code === '1010' && /hosted_session_id/.test(error.message)))) {
    say('');
    const why = /\(([A-Z_]+)\)/.exec(error.message);
    const securityCode = /\(security code (no_match|not_provided)\)/.exec(error.message);
    if (securityCode) alertBox(t('decline.securityCode'));
    else if (error.code === '1601') alertBox(declineMessage(why && why[1] ? why[1] : 'DECLINED'));
    else if (error.code === '1602') alertBox(t('decline.refused'));
    else alertBox(t('form.expired'));
    try {
      await openCardForm();
    } catch (e) {
      await handleError(e);
    }
    return;
  }
  await handleError(error);
}
/** @param {string} url */
function leave(url) {
  const target = new URL(url, location.href);
  state.leaving = true;
  finish('success', 'final.success', 'final.successText', null);
  if (target.protocol === 'https:' || target.protocol === 'http:') location.assign(target.href);
}

// -- pending: poll, then go on ---------------------------------------------------
async function startPending() {
  if (state.polling) return;
  state.polling = true;
  finish('pending', 'final.pendingTitle', 'final.pendingText', null);
  const started = Date.now();
  for (let round = 0; ; round++) {
    /** @type {import('../pdirect.js').CheckoutStatusView | null} */
    let status = null;
    try {
      status = await client().getStatus();
    } catch (error) {
      if (error instanceof PdirectError && error.status > 0 && error.status < 500) {
        state.polling = false;
        await handleError(error);
        return;
      }
    }
    if (status) {
      const payment = status.payment;
      if ((status.status === 'paid' || (payment && payment.status === 'succeeded')) && status.redirect_url) {
        state.polling = false;
        leave(status.redirect_url);
        return;
      }
      if (status.status === 'open' || (status.status === 'processing' && payment && payment.status === 'requires_action' && !returned.kind)) {
        // The attempt failed (or was left at the bank's page): the session is open again — a fresh attempt.
        state.polling = false;
        await restartCard(payment && payment.status === 'failed' ? declineMessage(payment.failure_class || 'DECLINED') : '');
        return;
      }
      if (status.status === 'expired' || status.status === 'cancelled' || status.status === 'locked') {
        state.polling = false;
        const key = status.status === 'expired' ? 'expired' : status.status === 'cancelled' ? 'cancelled' : 'locked';
        finish('error', 'final.' + key + 'Title', 'final.' + key + 'Text', status.redirect_url);
        return;
      }
    }
    if (Date.now() - started >= PENDING_PATIENCE_MS && $('final-more').hidden) {
      // Still not settled: say so, and offer the way back (the merchant hears the outcome by webhook).
      $('final-more').textContent = t('final.pendingLater', { merchant: merchantName() || t('back.toMerchantGeneric') });
      $('final-more').hidden = false;
      // The way back is the "Back to {merchant}" control above: asked only when the shopper presses it
      // (a session still settling is left, not cancelled).
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS[Math.min(round, POLL_MS.length - 1)]));
  }
}
/** @param {string} message */
async function restartCard(message) {
  if (!state.checkout) {
    try {
      showCheckout(await client().getCheckout());
    } catch (error) {
      await handleError(error);
      return;
    }
  } else startCountdown();
  $('challenge').textContent = '';
  try {
    await startCard(true);
  } catch (error) {
    await handleError(error);
    return;
  }
  if (message) alertBox(message);
}

// 3-D Secure: the bank's page runs in an iframe; when it is done it posts to the
// gateway with target _parent, so this whole page moves on (to the merchant, or
// back here: the pending screen, or the form after a failed authentication).
/** @param {string} html @param {import('../pdirect.js').ChallengeWindowSize} windowSize */
function challenge(html, windowSize) {
  show('challenge');
  say('');
  $('expiry-warning').hidden = true;
  focusHeading('challenge');
  client().showChallenge($('challenge'), html, { nonce: NONCE, windowSize, title: t('challenge.frameTitle') });
}
$('challenge-cancel').addEventListener('click', async () => {
  if (state.busy) return;
  $('challenge').textContent = '';
  show('card');
  setBusy(true);
  say(t('status.loadingCard'), true);
  try {
    await openCardForm();
    say('');
  } catch (error) {
    await handleError(error);
  } finally {
    setBusy(false);
  }
  focusHeading('card');
});

setBusy(true);
main()
  .catch(handleError)
  .finally(() => {
    if (!state.leaving) setBusy(false);
  });

// A module script (top-level await); nothing is exported.
export {};
