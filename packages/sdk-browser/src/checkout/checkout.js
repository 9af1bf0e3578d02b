// @ts-check
/**
 * The hosted checkout page's script (GET /checkout/{session_id}). The gateway
 * reads this file at boot and inlines it in the page under the response's
 * CSP nonce. Type-checked (checkJs) against ../pdirect.d.ts.
 *
 * Card data never touches it: the browser SDK renders the card network's
 * hosted fields (through the adapter the card session names) in place of the
 * readonly inputs, and only the hosted-session id reaches the gateway.
 */
const TOKEN = /^pd_st_[A-Za-z0-9_-]{43}$/;
const sessionId = location.pathname.split('/').pop() || '';
const storageKey = 'pdirect.checkout.' + sessionId;
// The session token travels in the fragment, which browsers never send to a server.
// Take it, then drop it from the address bar (and history) at once; keep it for this tab only, so a reload works.
const token = takeToken();
function takeToken() {
  let value = '';
  if (location.hash.length > 1) {
    value = location.hash.slice(1);
    history.replaceState(null, '', location.pathname);
    try {
      sessionStorage.setItem(storageKey, value);
    } catch (e) {
      /* storage disabled: a reload will need the link again */
    }
  } else {
    try {
      value = sessionStorage.getItem(storageKey) || '';
    } catch (e) {
      value = '';
    }
  }
  return value;
}
function forgetToken() {
  try {
    sessionStorage.removeItem(storageKey);
  } catch (e) {
    /* nothing stored */
  }
}

/**
 * The page's own elements (all present in the markup).
 * @param {string} id
 * @returns {HTMLElement & HTMLInputElement & HTMLFormElement}
 */
const $ = (id) => /** @type {any} */ (document.getElementById(id));
/** @type {typeof import('../pdirect.js')} */
let sdk;
try {
  sdk = await import(/** @type {string} */ ('/sdk/pdirect.js'));
} catch (error) {
  $('status').textContent = 'The checkout could not be loaded. Check your connection and reload the page.';
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
/** Per hosted field: its element id, what to say when it is missing, when it is invalid. @type {Record<string, [string, string, string]>} */
const FIELD_ERRORS = {
  number: ['card-number', 'Enter your card number', 'Check your card number'],
  expiryMonth: ['expiry-month', 'Enter the expiry month', 'Enter the expiry month as MM'],
  expiryYear: ['expiry-year', 'Enter the expiry year', 'Check the expiry year'],
  securityCode: ['security-code', 'Enter the security code', 'Enter the 3 or 4 digit security code'],
  nameOnCard: ['name-on-card', 'Enter the name on the card', 'Check the name on the card'],
};
/**
 * @type {{ pdirect: import('../pdirect.js').Pdirect | null, checkout: import('../pdirect.js').Checkout | null, amount: string,
 *   fields: import('../pdirect.js').CardFields | null, fieldsReady: boolean, busy: boolean, leaving: boolean }}
 */
const state = { pdirect: null, checkout: null, amount: '', fields: null, fieldsReady: false, busy: false, leaving: false };
/** The client, once main() made it. */
const client = () => /** @type {import('../pdirect.js').Pdirect} */ (state.pdirect);

// -- small UI helpers --------------------------------------------------------
/** @param {string} step */
function show(step) {
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
/** @param {unknown} value @returns {string} */
function sentence(value) {
  const text = String(value || '').trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1).replace(/[.!]?$/, '.') : '';
}
/** @param {string} text @param {{ requestId?: string | null } | undefined} error */
function withReference(text, error) {
  return error && error.requestId ? text + ' (Reference: ' + error.requestId + ')' : text;
}
/** @param {number} seconds */
function inSeconds(seconds) {
  return seconds >= 90 ? Math.ceil(seconds / 60) + ' minutes' : seconds + ' seconds';
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
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}
/** @param {boolean} on */
function setBusy(on) {
  state.busy = on;
  $('main').setAttribute('aria-busy', on ? 'true' : 'false');
  for (const button of document.querySelectorAll('button')) {
    button.disabled = on || button.dataset.locked === 'true' || (button.id === 'pay' && !state.fieldsReady);
  }
}
/** @param {'success' | 'error' | 'pending'} kind @param {string} title @param {string} text */
function finish(kind, title, text) {
  if (!state.checkout) $('summary').hidden = true; // nothing to summarise: no empty placeholders
  show('final');
  say('');
  $('step-final').dataset.kind = kind;
  $('final-title').textContent = title;
  $('final-text').textContent = text;
  focusHeading('final');
}
/** @param {string} amount @param {string} currency */
function formatAmount(amount, currency) {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(Number(amount));
  } catch (e) {
    return amount + ' ' + currency.toUpperCase();
  }
}

// -- errors that end the checkout, and the rest ------------------------------
/** @param {import('../pdirect.js').PdirectError} error @returns {[string, string] | null} */
function ending(error) {
  switch (error.code) {
    case '1001':
    case '1002':
      return ['This payment link is not valid', 'Open the complete link the merchant gave you, or go back to the merchant and start again.'];
    case '1004':
      return ['This checkout has expired', 'Nothing was charged. Go back to the merchant to start a new payment.'];
    case '1005':
      if (/paid/.test(error.message)) return ['This order is already paid', 'There is nothing more to pay. The merchant will confirm your order.'];
      if (/cancel/.test(error.message)) return ['This checkout was cancelled', 'Nothing was charged. Go back to the merchant to start again.'];
      return ['A payment is already in progress', 'Please wait a moment, and check with the merchant before paying again.'];
    case '1006':
      return ['Please continue on your original device', 'For your security, this checkout only works on the device where it was first opened.'];
    default:
      return null;
  }
}
/** @param {any} error an Error, a PdirectError, or whatever was thrown */
function handleError(error) {
  if (!(error instanceof PdirectError)) {
    console.error(error);
    alertBox(sentence(error && error.message ? error.message : 'Something went wrong') + ' Reload the page to try again.');
    return;
  }
  const end = ending(error);
  if (end) {
    forgetToken();
    finish('error', end[0], end[1]);
    return;
  }
  if (error.code === '1403') {
    startOtp();
    return;
  }
  say('');
  if (error.code === 'connection_error') alertBox(error.message);
  else if (error.status >= 500) alertBox(withReference('Something went wrong on our side. Please try again.', error));
  else alertBox(withReference(sentence(error.message), error));
}

// -- start -------------------------------------------------------------------
async function main() {
  if (!TOKEN.test(token)) {
    finish('error', 'This payment link is incomplete', 'Open the complete link the merchant gave you, or go back to the merchant and start again.');
    return;
  }
  state.pdirect = createPdirect({ baseUrl: location.origin, sessionToken: token });
  say('Loading your checkout…', true);
  const checkout = await client().getCheckout();
  if (checkout.session_id !== sessionId) {
    finish('error', 'This payment link is not valid', 'Open the complete link the merchant gave you, or go back to the merchant and start again.');
    return;
  }
  state.checkout = checkout;
  state.amount = formatAmount(checkout.amount, checkout.currency);
  $('merchant').textContent = checkout.merchant_name;
  $('amount').textContent = state.amount;
  $('order').textContent = 'Order ' + checkout.order_id;
  $('pay-amount').textContent = state.amount;
  document.title = 'Pay ' + checkout.merchant_name + ' · ' + state.amount;
  for (const el of document.querySelectorAll('.skeleton')) el.classList.remove('skeleton');
  if (checkout.require_otp && !checkout.otp_verified) startOtp();
  else await startCard(false);
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
  say('Sending a code…', true);
  try {
    const answer = kind === 'send' ? await client().sendOtp() : await client().resendOtp();
    const to = answer && typeof answer.sent_to === 'string' ? answer.sent_to : '';
    $('otp-send').hidden = true;
    $('otp-form').hidden = false;
    say(to ? 'We sent a code to ' + to + '.' : 'We sent you a code. It may take a minute to arrive.');
    $('otp-code').focus();
  } catch (error) {
    otpError(error);
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
function otpError(error) {
  if (error instanceof PdirectError && error.code === '1401') {
    say('');
    fieldError('otp-code', sentence(error.message));
    $('otp-code').focus();
    return;
  }
  if (error instanceof PdirectError && error.code === '1402') {
    say('');
    // The gateway's message may already name the wait in seconds; say it once, in words.
    const reason = error.retryAfter ? error.message.replace(/[;,.]?\s*try again in \d+ seconds?\.?$/i, '') : error.message;
    alertBox(sentence(reason) + (error.retryAfter ? ' Try again in ' + inSeconds(error.retryAfter) + '.' : ''));
    lockOtp(error.retryAfter);
    return;
  }
  handleError(error);
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
    fieldError('otp-code', 'Enter the 6-digit code we sent you.');
    $('otp-code').focus();
    return;
  }
  setBusy(true);
  say('Checking the code…', true);
  try {
    await client().verifyOtp(code);
    await startCard(true);
  } catch (error) {
    otpError(error);
  } finally {
    setBusy(false);
  }
});

// -- the card form: Mastercard Gateway hosted fields (session.js) ------------
/** @param {boolean} moveFocus */
async function startCard(moveFocus) {
  show('card');
  say('Loading the secure card form…', true);
  if (moveFocus) focusHeading('card');
  await openCardForm();
  say('');
}
async function openCardForm() {
  state.fieldsReady = false;
  setBusy(state.busy);
  const card = await client().openCardSession();
  // The SDK picks the card network's adapter from the session (card.network); the page never talks to the network's script.
  state.fields = await client().mountCardFields(card, { fields: FIELDS, nonce: NONCE });
  state.fieldsReady = true;
  setBusy(state.busy);
}
/** @param {Record<string, string>} errors */
function showFieldErrors(errors) {
  const problems = [];
  for (const key of Object.keys(errors)) {
    const known = FIELD_ERRORS[key];
    if (!known) continue;
    const text = known[errors[key] === 'missing' ? 1 : 2];
    fieldError(known[0], text + '.');
    problems.push(text.charAt(0).toLowerCase() + text.slice(1));
  }
  say('');
  alertBox(problems.length ? 'Please check your card details: ' + problems.join('; ') + '.' : 'Please check your card details.');
}
$('card-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (state.busy || !state.fieldsReady) return;
  setBusy(true);
  clearAlert();
  clearFieldErrors();
  say('Checking your card details…', true);
  try {
    const update = await /** @type {import('../pdirect.js').CardFields} */ (state.fields).submit();
    if (update.status === 'fields_in_error') {
      showFieldErrors(update.errors || {});
      return;
    }
    if (update.status === 'request_timeout') {
      say('');
      alertBox('The card form timed out. Please enter your card details again.');
      await openCardForm();
      return;
    }
    if (update.status !== 'ok') {
      say('');
      alertBox(sentence((update.errors && update.errors.message) || 'Your card details could not be checked') + ' Please try again.');
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
  say('Processing your payment…', true);
  const payment = await client().collect({ hostedSessionId: /** @type {import('../pdirect.js').CardFields} */ (state.fields).hostedSessionId });
  // An authorization waiting for the merchant's capture (manual capture, review) is a completed checkout too.
  if (payment.status === 'succeeded' || payment.status === 'requires_capture') {
    leave(String(payment.redirect_url));
    return;
  }
  if (payment.status === 'requires_action' && payment.next_action) {
    challenge(payment.next_action.html);
    return;
  }
  if (payment.status === 'pending' || payment.status === 'processing' || payment.status === 'capturing') {
    forgetToken();
    finish(
      'pending',
      'We are confirming your payment',
      'Your bank has not answered yet. Please do not pay again: the merchant will confirm your order once the payment settles.',
    );
    return;
  }
  say('');
  alertBox('Your payment did not go through and no money was taken. Please try another card.');
  await openCardForm();
}
/** @param {unknown} error */
async function paymentError(error) {
  if (error instanceof PdirectError && (error.code === '1601' || error.code === '1602' || (error.code === '1010' && /hosted_session_id/.test(error.message)))) {
    say('');
    const why = /\(([A-Z_]+)\)/.exec(error.message);
    const securityCode = /\(security code (no_match|not_provided)\)/.exec(error.message);
    if (securityCode)
      alertBox(
        securityCode[1] === 'not_provided'
          ? 'Please enter the security code (CVC) from the back of your card. No money was taken.'
          : 'The security code (CVC) does not match this card. No money was taken. Please check it, or try another card.',
      );
    else if (error.code === '1601') alertBox('Your card was declined' + (why ? ' (' + why[1] + ')' : '') + '. No money was taken. Please try another card.');
    else if (error.code === '1602') alertBox('This payment could not be accepted. Please try another card, or contact the merchant.');
    else alertBox('The card form expired. Please enter your card details again.');
    try {
      await openCardForm();
    } catch (e) {
      handleError(e);
    }
    return;
  }
  handleError(error);
}
/** @param {string} url */
function leave(url) {
  const target = new URL(url, location.href);
  forgetToken();
  state.leaving = true;
  finish('success', 'Payment successful', 'Taking you back to ' + (state.checkout ? state.checkout.merchant_name : 'the merchant') + '…');
  if (target.protocol === 'https:' || target.protocol === 'http:') location.assign(target.href);
}
// 3-D Secure: the bank's page runs in an iframe; when it is done it posts to the
// gateway with target _parent, so this whole page moves on to the merchant.
/** @param {string} html */
function challenge(html) {
  show('challenge');
  say('');
  focusHeading('challenge');
  client().showChallenge($('challenge'), html, { nonce: NONCE });
}
$('challenge-cancel').addEventListener('click', async () => {
  if (state.busy) return;
  $('challenge').textContent = '';
  show('card');
  setBusy(true);
  say('Loading the secure card form…', true);
  try {
    await openCardForm();
    say('');
  } catch (error) {
    handleError(error);
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
