/**
 * The hosted checkout page (GET /checkout/{session_id}). Static markup: no
 * amount, merchant or order is rendered here — the page's script reads the
 * session token from the URL fragment and asks GET /v1/checkout, so the
 * HTML reveals nothing to whoever fetches the URL without the token.
 *
 * The only per-response value is the CSP nonce; the only server-side
 * switch is the "test mode" badge. Everything is escaped anyway.
 */

export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

const LOCK_ICON = `<svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/></svg>`;

const STYLE = `
:root { --ink: #1a1f36; --muted: #5b6478; --line: #dfe3eb; --bg: #f3f5f9; --accent: #2147c8; --accent-dark: #17359b;
  --error: #b42318; --error-bg: #fef3f2; --ok: #067647; --ok-bg: #ecfdf3; --warn: #8a4b00; --warn-bg: #fff6e5;
  color-scheme: light; color: var(--ink); background: var(--bg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; align-items: center; padding: 2.5rem 1rem; }
.checkout { width: 100%; max-width: 34rem; background: #fff; border: 1px solid var(--line); border-radius: 14px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, .05), 0 12px 32px rgba(16, 24, 40, .07); overflow: hidden; }
.summary { padding: 1.5rem 1.75rem 1.25rem; border-bottom: 1px solid var(--line); background: linear-gradient(#f8f9ff, #fff); }
.summary-top { display: flex; justify-content: space-between; align-items: center; gap: 1rem; min-height: 1.5rem; }
.merchant { margin: 0; font-weight: 600; color: var(--muted); overflow-wrap: anywhere; }
.badge { flex: none; font-size: .6875rem; font-weight: 700; letter-spacing: .05em; text-transform: uppercase; color: var(--warn);
  background: var(--warn-bg); border: 1px solid #f3c98b; border-radius: 999px; padding: .125rem .55rem; }
.amount { margin: .25rem 0 .125rem; font-size: 2.5rem; line-height: 1.15; font-weight: 700; letter-spacing: -.02em; font-variant-numeric: tabular-nums; }
.order { margin: 0; color: var(--muted); font-size: .875rem; overflow-wrap: anywhere; }
.skeleton { display: inline-block; min-width: 8rem; border-radius: 6px; background: #e9ecf3; color: transparent; }
.order .skeleton { min-width: 11rem; }
.content { padding: 1.5rem 1.75rem 1.75rem; }
h2 { font-size: 1.125rem; margin: 0 0 1rem; }
h2:focus { outline: none; }
p { margin: 0 0 1rem; }
.status { min-height: 1.5em; margin: 0 0 .75rem; color: var(--muted); font-size: .9375rem; }
.status:empty { min-height: 0; margin: 0; }
.alert { margin: 0 0 1.25rem; padding: .75rem 1rem; border-radius: 8px; background: var(--error-bg); border: 1px solid #fecdca; color: var(--error); }
.alert:focus { outline: none; }
.alert:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.field { margin-bottom: 1.1rem; }
label { display: block; font-weight: 600; font-size: .875rem; margin-bottom: .375rem; }
.row { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .75rem; align-items: start; }
.row .field { min-width: 0; }
input.hosted, iframe[data-mpgs-field] { display: block; width: 100% !important; height: 44px !important; border: 0; }
input.hosted { border: 1px solid #8a93a6; border-radius: 6px; background: #f8f9fb; }
.field.invalid iframe[data-mpgs-field], .field.invalid input { outline: 2px solid var(--error); outline-offset: 1px; border-radius: 6px; }
.field-error { color: var(--error); font-size: .875rem; margin: .375rem 0 0; }
input.code { width: 100%; max-width: 12rem; height: 48px; padding: 0 .75rem; font: 600 1.375rem/1 ui-monospace, SFMono-Regular, Menlo, monospace;
  letter-spacing: .3em; border: 1px solid #8a93a6; border-radius: 6px; }
input.code:focus { outline: 3px solid #ffbf47; outline-offset: 1px; border-color: var(--accent); }
button { font: inherit; cursor: pointer; }
button.primary { display: block; width: 100%; min-height: 50px; margin-top: .5rem; padding: .625rem 1rem; font-weight: 600; font-size: 1.0625rem;
  color: #fff; background: var(--accent); border: 0; border-radius: 8px; }
button.primary:hover:not(:disabled) { background: var(--accent-dark); }
button.secondary { display: block; width: 100%; min-height: 44px; margin-top: .75rem; color: var(--accent); background: #fff; border: 1px solid var(--line); border-radius: 8px; }
button.link { padding: .5rem 0; color: var(--accent); background: none; border: 0; text-decoration: underline; }
button:disabled { opacity: .55; cursor: not-allowed; }
button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.lock { display: flex; gap: .5rem; align-items: flex-start; margin: 1.25rem 0 0; color: var(--muted); font-size: .8125rem; }
.lock svg { flex: none; margin-top: .15rem; }
.challenge iframe { display: block; width: 100%; height: 600px; max-height: 75vh; border: 1px solid var(--line); border-radius: 8px; }
.challenge iframe[name="methodFrame"], #methodFrame { display: none; }
.final { text-align: center; padding: .5rem 0 .25rem; }
.final h2 { font-size: 1.375rem; margin-top: .75rem; }
.final p { color: var(--muted); margin: 0; }
.invalid-title { font-size: 1.375rem; margin: .5rem 0; }
.final-icon { display: inline-flex; width: 3.5rem; height: 3.5rem; border-radius: 50%; align-items: center; justify-content: center; }
.final[data-kind="success"] .final-icon { color: var(--ok); background: var(--ok-bg); }
.final[data-kind="error"] .final-icon { color: var(--error); background: var(--error-bg); }
.final[data-kind="pending"] .final-icon { color: var(--warn); background: var(--warn-bg); }
.final-icon svg { display: none; }
.final[data-kind="success"] .icon-success, .final[data-kind="error"] .icon-error, .final[data-kind="pending"] .icon-pending { display: block; }
.spinner { display: inline-block; width: .9em; height: .9em; margin-right: .4em; vertical-align: -.1em; border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; animation: spin .8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .spinner { animation: none; } }
footer { margin-top: 1.25rem; color: var(--muted); font-size: .8125rem; text-align: center; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 520px) {
  body { padding: 0; background: #fff; }
  .checkout { max-width: none; min-height: 100vh; border: 0; border-radius: 0; box-shadow: none; }
  .summary, .content { padding-left: 1.25rem; padding-right: 1.25rem; }
  .amount { font-size: 2.125rem; }
  .row { gap: .5rem; }
  footer { margin: 1rem 0 1.5rem; }
}
/* Very narrow phones: "Expiry month" may wrap; keep the three inputs on one line. */
@media (max-width: 359px) { .row label { display: flex; align-items: flex-end; min-height: 2.6em; } }
`;

/**
 * The page's flow; card data never touches it (session.js puts the network's
 * iframes in place of the readonly inputs). Plain string: no `${` inside.
 */
const SCRIPT = `
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
    try { sessionStorage.setItem(storageKey, value); } catch (e) { /* storage disabled: a reload will need the link again */ }
  } else {
    try { value = sessionStorage.getItem(storageKey) || ''; } catch (e) { value = ''; }
  }
  return value;
}
function forgetToken() { try { sessionStorage.removeItem(storageKey); } catch (e) { /* nothing stored */ } }

const $ = (id) => document.getElementById(id);
let sdk;
try {
  sdk = await import('/sdk/pdirect.js');
} catch (error) {
  $('status').textContent = 'The checkout could not be loaded. Check your connection and reload the page.';
  throw error;
}
const { createPdirect, PdirectError } = sdk;
const NONCE = document.querySelector('script[nonce]').nonce;
const FIELDS = { number: '#card-number', securityCode: '#security-code', expiryMonth: '#expiry-month', expiryYear: '#expiry-year', nameOnCard: '#name-on-card' };
const FIELD_ERRORS = {
  cardNumber: ['card-number', 'Enter your card number', 'Check your card number'],
  expiryMonth: ['expiry-month', 'Enter the expiry month', 'Enter the expiry month as MM'],
  expiryYear: ['expiry-year', 'Enter the expiry year', 'Check the expiry year'],
  securityCode: ['security-code', 'Enter the security code', 'Enter the 3 or 4 digit security code'],
  nameOnCard: ['name-on-card', 'Enter the name on the card', 'Check the name on the card'],
};
const state = { pdirect: null, checkout: null, amount: '', hostedSessionId: null, fieldsReady: false, busy: false, leaving: false, onUpdate: null };

// -- small UI helpers --------------------------------------------------------
function show(step) { for (const s of document.querySelectorAll('.step')) s.hidden = s.id !== 'step-' + step; }
function focusHeading(step) { const h = document.querySelector('#step-' + step + ' h2'); if (h) h.focus(); }
function say(text, working) {
  const status = $('status');
  status.textContent = '';
  if (working) { const spin = document.createElement('span'); spin.className = 'spinner'; spin.setAttribute('aria-hidden', 'true'); status.append(spin); }
  status.append(text || '');
}
function alertBox(text) { const a = $('alert'); a.textContent = text; a.hidden = false; a.focus(); }
function clearAlert() { $('alert').hidden = true; $('alert').textContent = ''; }
function sentence(text) { text = String(text || '').trim(); return text ? text.charAt(0).toUpperCase() + text.slice(1).replace(/[.!]?$/, '.') : ''; }
function withReference(text, error) { return error && error.requestId ? text + ' (Reference: ' + error.requestId + ')' : text; }
function inSeconds(seconds) { return seconds >= 90 ? Math.ceil(seconds / 60) + ' minutes' : seconds + ' seconds'; }
function fieldError(id, text) {
  const message = $(id + '-error');
  message.textContent = text;
  message.hidden = false;
  message.closest('.field').classList.add('invalid');
  const input = $(id);
  if (input && !input.classList.contains('hosted')) input.setAttribute('aria-invalid', 'true');
}
function clearFieldErrors() {
  for (const message of document.querySelectorAll('.field-error')) { message.hidden = true; message.textContent = ''; }
  for (const field of document.querySelectorAll('.field.invalid')) field.classList.remove('invalid');
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}
function setBusy(on) {
  state.busy = on;
  $('main').setAttribute('aria-busy', on ? 'true' : 'false');
  for (const button of document.querySelectorAll('button')) {
    button.disabled = on || button.dataset.locked === 'true' || (button.id === 'pay' && !state.fieldsReady);
  }
}
function finish(kind, title, text) {
  if (!state.checkout) $('summary').hidden = true; // nothing to summarise: no empty placeholders
  show('final');
  say('');
  $('step-final').dataset.kind = kind;
  $('final-title').textContent = title;
  $('final-text').textContent = text;
  focusHeading('final');
}
function formatAmount(amount, currency) {
  try { return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(amount); }
  catch (e) { return amount + ' ' + currency.toUpperCase(); }
}

// -- errors that end the checkout, and the rest ------------------------------
function ending(error) {
  switch (error.code) {
    case '1001': case '1002': return ['This payment link is not valid', 'Open the complete link the merchant gave you, or go back to the merchant and start again.'];
    case '1004': return ['This checkout has expired', 'Nothing was charged. Go back to the merchant to start a new payment.'];
    case '1005':
      if (/paid/.test(error.message)) return ['This order is already paid', 'There is nothing more to pay. The merchant will confirm your order.'];
      if (/cancel/.test(error.message)) return ['This checkout was cancelled', 'Nothing was charged. Go back to the merchant to start again.'];
      return ['A payment is already in progress', 'Please wait a moment, and check with the merchant before paying again.'];
    case '1006': return ['Please continue on your original device', 'For your security, this checkout only works on the device where it was first opened.'];
    default: return null;
  }
}
function handleError(error) {
  if (!(error instanceof PdirectError)) {
    console.error(error);
    alertBox(sentence(error && error.message ? error.message : 'Something went wrong') + ' Reload the page to try again.');
    return;
  }
  const end = ending(error);
  if (end) { forgetToken(); finish('error', end[0], end[1]); return; }
  if (error.code === '1403') { startOtp(); return; }
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
  const checkout = await state.pdirect.getCheckout();
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
function startOtp() { show('otp'); say(''); focusHeading('otp'); }
async function requestCode(kind) {
  if (state.busy) return;
  setBusy(true);
  clearAlert();
  say('Sending a code…', true);
  try {
    const answer = kind === 'send' ? await state.pdirect.sendOtp() : await state.pdirect.resendOtp();
    const to = answer && typeof answer.sent_to === 'string' ? answer.sent_to : '';
    $('otp-send').hidden = true;
    $('otp-form').hidden = false;
    say(to ? 'We sent a code to ' + to + '.' : 'We sent you a code. It may take a minute to arrive.');
    $('otp-code').focus();
  } catch (error) { otpError(error); } finally { setBusy(false); }
}
function lockOtp(seconds) {
  const buttons = [$('otp-send'), $('otp-verify'), $('otp-resend')];
  for (const b of buttons) { b.dataset.locked = 'true'; b.disabled = true; }
  setTimeout(() => { for (const b of buttons) { b.dataset.locked = ''; b.disabled = state.busy; } }, (seconds || 60) * 1000);
}
function otpError(error) {
  if (error instanceof PdirectError && error.code === '1401') { say(''); fieldError('otp-code', sentence(error.message)); $('otp-code').focus(); return; }
  if (error instanceof PdirectError && error.code === '1402') {
    say('');
    // The gateway's message may already name the wait in seconds; say it once, in words.
    const reason = error.retryAfter ? error.message.replace(/[;,.]?\\s*try again in \\d+ seconds?\\.?$/i, '') : error.message;
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
  const code = $('otp-code').value.replace(/\\s+/g, '');
  if (!/^[0-9]{6}$/.test(code)) { fieldError('otp-code', 'Enter the 6-digit code we sent you.'); $('otp-code').focus(); return; }
  setBusy(true);
  say('Checking the code…', true);
  try {
    await state.pdirect.verifyOtp(code);
    await startCard(true);
  } catch (error) { otpError(error); } finally { setBusy(false); }
});

// -- the card form: Mastercard Gateway hosted fields (session.js) ------------
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
  const card = await state.pdirect.openCardSession();
  await loadSessionJs(card.session_js_url);
  state.hostedSessionId = card.hosted_session_id;
  await new Promise((resolve, reject) => {
    window.PaymentSession.configure({
      session: card.hosted_session_id,
      fields: { card: FIELDS },
      frameEmbeddingMitigation: ['javascript'],
      callbacks: {
        initialized: (r) => (r && r.status === 'ok' ? resolve() : reject(new Error((r && r.message) || 'The secure card form could not be loaded'))),
        formSessionUpdate: (r) => { const waiting = state.onUpdate; state.onUpdate = null; if (waiting) waiting(r); },
      },
      interaction: { displayControl: { formatCard: 'EMBOSSED', invalidFieldCharacters: 'REJECT' } },
    });
  });
  state.fieldsReady = true;
  setBusy(state.busy);
}
function loadSessionJs(url) {
  if (window.PaymentSession) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.nonce = NONCE;
    script.onload = () => (window.PaymentSession ? resolve() : reject(new Error('The secure card form could not be loaded')));
    script.onerror = () => reject(new Error('The secure card form could not be loaded'));
    document.head.append(script);
  });
}
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
    const update = await new Promise((resolve) => { state.onUpdate = resolve; window.PaymentSession.updateSessionFromForm('card'); });
    if (update.status === 'fields_in_error') { showFieldErrors(update.errors || {}); return; }
    if (update.status === 'request_timeout') { say(''); alertBox('The card form timed out. Please enter your card details again.'); await openCardForm(); return; }
    if (update.status !== 'ok') { say(''); alertBox(sentence((update.errors && update.errors.message) || 'Your card details could not be checked') + ' Please try again.'); return; }
    await pay();
  } catch (error) {
    await paymentError(error);
  } finally {
    if (!state.leaving) setBusy(false);
  }
});
async function pay() {
  say('Processing your payment…', true);
  const payment = await state.pdirect.collect({ hostedSessionId: state.hostedSessionId });
  if (payment.status === 'succeeded') { leave(payment.redirect_url); return; }
  if (payment.status === 'requires_action' && payment.next_action) { challenge(payment.next_action.html); return; }
  if (payment.status === 'pending' || payment.status === 'processing') {
    forgetToken();
    finish('pending', 'We are confirming your payment', 'Your bank has not answered yet. Please do not pay again: the merchant will confirm your order once the payment settles.');
    return;
  }
  say('');
  alertBox('Your payment did not go through and no money was taken. Please try another card.');
  await openCardForm();
}
async function paymentError(error) {
  if (error instanceof PdirectError && (error.code === '1601' || error.code === '1602' || (error.code === '1010' && /hosted_session_id/.test(error.message)))) {
    say('');
    const why = /\\(([A-Z_]+)\\)/.exec(error.message);
    if (error.code === '1601') alertBox('Your card was declined' + (why ? ' (' + why[1] + ')' : '') + '. No money was taken. Please try another card.');
    else if (error.code === '1602') alertBox('This payment could not be accepted. Please try another card, or contact the merchant.');
    else alertBox('The card form expired. Please enter your card details again.');
    try { await openCardForm(); } catch (e) { handleError(e); }
    return;
  }
  handleError(error);
}
function leave(url) {
  const target = new URL(url, location.href);
  forgetToken();
  state.leaving = true;
  finish('success', 'Payment successful', 'Taking you back to ' + state.checkout.merchant_name + '…');
  if (target.protocol === 'https:' || target.protocol === 'http:') location.assign(target.href);
}
// 3-D Secure: the bank's page runs in an iframe; when it is done it posts to the
// gateway with target _parent, so this whole page moves on to the merchant.
function challenge(html) {
  show('challenge');
  say('');
  focusHeading('challenge');
  state.pdirect.showChallenge($('challenge'), html, { nonce: NONCE });
}
$('challenge-cancel').addEventListener('click', async () => {
  if (state.busy) return;
  $('challenge').textContent = '';
  show('card');
  setBusy(true);
  say('Loading the secure card form…', true);
  try { await openCardForm(); say(''); } catch (error) { handleError(error); } finally { setBusy(false); }
  focusHeading('card');
});

setBusy(true);
main().catch(handleError).finally(() => { if (!state.leaving) setBusy(false); });
`;

/** The shared <head>: no referrer (the token may still be in the URL), not indexed, the nonce on the one <style>. */
function documentHead(nonce: string, title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>`;
}

/** The page; `nonce` goes on the one <style> and the one <script>. */
export function renderCheckoutPage(options: { nonce: string; sandbox: boolean }): string {
  const nonce = escapeHtml(options.nonce);
  return `${documentHead(nonce, 'Secure checkout')}
<body>
<main id="main" class="checkout" aria-labelledby="amount-heading" aria-busy="true">
  <header id="summary" class="summary">
    <div class="summary-top">
      <p class="merchant"><span class="visually-hidden">Pay </span><span id="merchant" class="skeleton">Merchant</span></p>
      ${options.sandbox ? '<span class="badge" title="Sandbox: no real money moves">Test mode</span>' : ''}
    </div>
    <h1 id="amount-heading" class="amount"><span class="visually-hidden">Amount to pay: </span><span id="amount" class="skeleton">&nbsp;</span></h1>
    <p class="order"><span id="order" class="skeleton">&nbsp;</span></p>
  </header>
  <div class="content">
    <div id="alert" class="alert" role="alert" tabindex="-1" hidden></div>
    <p id="status" class="status" role="status" aria-live="polite"></p>

    <section id="step-otp" class="step" aria-labelledby="otp-title" hidden>
      <h2 id="otp-title" tabindex="-1">Confirm it’s you</h2>
      <p>To protect this payment, we’ll send a 6-digit code to the phone number or e-mail address you gave the merchant.</p>
      <button id="otp-send" type="button" class="primary">Send code</button>
      <form id="otp-form" novalidate hidden>
        <div class="field">
          <label for="otp-code">6-digit code</label>
          <input id="otp-code" class="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" pattern="[0-9]{6}" required aria-describedby="otp-code-error">
          <p id="otp-code-error" class="field-error" hidden></p>
        </div>
        <button id="otp-verify" type="submit" class="primary">Verify code</button>
        <button id="otp-resend" type="button" class="link">Send a new code</button>
      </form>
    </section>

    <section id="step-card" class="step" aria-labelledby="card-title" hidden>
      <h2 id="card-title" tabindex="-1">Pay by card</h2>
      <form id="card-form" novalidate>
        <div class="field">
          <label for="card-number">Card number</label>
          <input id="card-number" class="hosted" readonly tabindex="-1">
          <p id="card-number-error" class="field-error" hidden></p>
        </div>
        <div class="row">
          <div class="field">
            <label for="expiry-month">Expiry month</label>
            <input id="expiry-month" class="hosted" readonly tabindex="-1">
            <p id="expiry-month-error" class="field-error" hidden></p>
          </div>
          <div class="field">
            <label for="expiry-year">Expiry year</label>
            <input id="expiry-year" class="hosted" readonly tabindex="-1">
            <p id="expiry-year-error" class="field-error" hidden></p>
          </div>
          <div class="field">
            <label for="security-code">Security code</label>
            <input id="security-code" class="hosted" readonly tabindex="-1">
            <p id="security-code-error" class="field-error" hidden></p>
          </div>
        </div>
        <div class="field">
          <label for="name-on-card">Name on card</label>
          <input id="name-on-card" class="hosted" readonly tabindex="-1">
          <p id="name-on-card-error" class="field-error" hidden></p>
        </div>
        <button id="pay" type="submit" class="primary" disabled>Pay <span id="pay-amount"></span></button>
      </form>
      <p class="lock">${LOCK_ICON}<span>Card details are entered on Mastercard Gateway’s secure fields and never reach the merchant or Pdirect.</span></p>
    </section>

    <section id="step-challenge" class="step" aria-labelledby="challenge-title" hidden>
      <h2 id="challenge-title" tabindex="-1">Confirm with your bank</h2>
      <p>Your bank wants to check it’s really you. Follow the steps in the window below.</p>
      <div id="challenge" class="challenge"></div>
      <button id="challenge-cancel" type="button" class="secondary">Use a different card</button>
    </section>

    <section id="step-final" class="step final" aria-labelledby="final-title" hidden>
      <span class="final-icon" aria-hidden="true">
        <svg class="icon-success" width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"><path d="M5 12.5l4.5 4.5L19 7.5"/></svg>
        <svg class="icon-error" width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"><path d="M12 7v6M12 17h.01"/></svg>
        <svg class="icon-pending" width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"><circle cx="12" cy="12" r="8"/><path d="M12 8v4l2.5 2.5"/></svg>
      </span>
      <h2 id="final-title" tabindex="-1"></h2>
      <p id="final-text"></p>
    </section>

  </div>
</main>
<footer>Secured by Pdirect</footer>
<script type="module" nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

/** For a URL that cannot be a checkout (malformed session id): same look, no script. */
export function renderInvalidLinkPage(options: { nonce: string }): string {
  const nonce = escapeHtml(options.nonce);
  return `${documentHead(nonce, 'Checkout not found')}
<body>
<main class="checkout"><div class="content final" data-kind="error">
  <h1 class="invalid-title">This payment link is not valid</h1>
  <p>Check that you opened the complete link the merchant gave you, or go back to the merchant and start again.</p>
</div></main>
<footer>Secured by Pdirect</footer>
</body>
</html>`;
}
