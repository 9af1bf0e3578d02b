/**
 * The hosted checkout page (GET /checkout/{session_id}). Static markup: no
 * amount, merchant or order is rendered here — the page's script reads the
 * session token from the URL fragment and asks GET /v1/checkout, so the
 * HTML reveals nothing to whoever fetches the URL without the token.
 *
 * Per response: the CSP nonce, the "test mode" badge and the language
 * (the session's locale, else Accept-Language). Every string comes from the
 * typed catalogue (src/locales/checkout-messages.ts); the page carries it as
 * JSON (`data-i18n` names each element's key) so the script can switch to
 * the session's locale. Everything is escaped anyway. The stylesheet and
 * script live in @pdirect/browser (src/checkout/).
 *
 * A session that can no longer be paid (paid, expired, cancelled, locked)
 * gets a page of its own with no script: what happened, in plain words, and
 * the way back to the merchant — with or without the token.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHECKOUT_MESSAGES, message, type CheckoutMessageKey, type Locale } from '../../locales/checkout-messages.js';

export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

const LOCK_ICON = `<svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/></svg>`;

/** The page's stylesheet and script: real files in @pdirect/browser, read once at boot. */
export interface CheckoutAssets {
  style: string;
  script: string;
}

/**
 * Reads checkout.css and checkout.js from the installed @pdirect/browser
 * package (resolved as a package, so it works from source and from a
 * compiled gateway alike). Both are inlined under the response's nonce.
 */
export function loadCheckoutAssets(resolve: (specifier: string) => string = (specifier) => import.meta.resolve(specifier)): CheckoutAssets {
  const read = (specifier: string, closing: string) => {
    const text = fs.readFileSync(fileURLToPath(resolve(specifier)), 'utf8');
    // Inlined in the page: the text must not be able to close its own element.
    if (text.toLowerCase().includes(closing)) throw new Error(`${specifier} contains ${closing} and cannot be inlined`);
    return text;
  };
  return { style: read('@pdirect/browser/checkout.css', '</style'), script: read('@pdirect/browser/checkout.js', '</script') };
}

/** The shared <head>: no referrer (the token may still be in the URL), not indexed, the nonce on the one <style>. */
function documentHead(nonce: string, locale: Locale, title: string, style: string, extraHead = ''): string {
  return `<!doctype html>
<html lang="${locale}" dir="ltr">
<head>
<meta charset="utf-8">${extraHead}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${style}</style>
</head>`;
}

/** JSON safe inside a <script type="application/json"> (never executed; no `</script>` breakout). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026');
}

const BACK_ICON = `<svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" class="flip-rtl"><path d="M15 18l-6-6 6-6"/></svg>`;

/** The page; `nonce` goes on the one <style> and the one <script>. */
export function renderCheckoutPage(options: { nonce: string; sandbox: boolean; assets: CheckoutAssets; locale?: Locale }): string {
  const nonce = escapeHtml(options.nonce);
  const locale = options.locale ?? 'en';
  /** The element's text in this locale, and its key for the script. */
  const t = (key: CheckoutMessageKey) => escapeHtml(message(locale, key));
  const i = (key: CheckoutMessageKey) => `data-i18n="${key}">${t(key)}`;
  return `${documentHead(nonce, locale, message(locale, 'page.title'), options.assets.style)}
<body>
<main id="main" class="checkout" aria-labelledby="amount-heading" aria-busy="true">
  <nav class="topbar" aria-label="${t('back.toMerchantGeneric')}" data-i18n-aria-label="back.toMerchantGeneric">
    <button id="back" type="button" class="back" hidden>${BACK_ICON}<span id="back-label" ${i('back.toMerchantGeneric')}</span></button>
  </nav>
  <header id="summary" class="summary">
    <div class="summary-top">
      <p class="merchant"><span class="visually-hidden" ${i('summary.pay')}</span><span id="merchant" class="skeleton">Merchant</span></p>
      ${options.sandbox ? `<span class="badge" title="${t('summary.testModeHint')}" data-i18n-title="summary.testModeHint" ${i('summary.testMode')}</span>` : ''}
    </div>
    <h1 id="amount-heading" class="amount"><span class="visually-hidden" ${i('summary.amountToPay')}</span><span id="amount" class="skeleton">&nbsp;</span></h1>
    <p class="order"><span id="order" class="skeleton">&nbsp;</span></p>
  </header>
  <div class="content">
    <div id="alert" class="alert" role="alert" tabindex="-1" hidden></div>
    <div id="expiry-warning" class="warning" role="alert" hidden></div>
    <p id="status" class="status" role="status" aria-live="polite"></p>

    <section id="step-otp" class="step" aria-labelledby="otp-title" hidden>
      <h2 id="otp-title" tabindex="-1" ${i('otp.title')}</h2>
      <p ${i('otp.intro')}</p>
      <button id="otp-send" type="button" class="primary" ${i('otp.send')}</button>
      <form id="otp-form" novalidate hidden>
        <div class="field">
          <label for="otp-code" ${i('otp.codeLabel')}</label>
          <input id="otp-code" class="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" pattern="[0-9]{6}" required aria-describedby="otp-code-error">
          <p id="otp-code-error" class="field-error" hidden></p>
        </div>
        <button id="otp-verify" type="submit" class="primary" ${i('otp.verify')}</button>
        <button id="otp-resend" type="button" class="link" ${i('otp.resend')}</button>
      </form>
    </section>

    <section id="step-card" class="step" aria-labelledby="card-title" hidden>
      <h2 id="card-title" tabindex="-1" ${i('card.title')}</h2>
      <form id="card-form" novalidate>
        <div class="field">
          <label for="card-number" ${i('card.number')}</label>
          <input id="card-number" class="hosted" readonly tabindex="-1" aria-describedby="card-number-error">
          <p id="card-number-error" class="field-error" hidden></p>
        </div>
        <div class="row">
          <div class="field">
            <label for="expiry-month" ${i('card.expiryMonth')}</label>
            <input id="expiry-month" class="hosted" readonly tabindex="-1" aria-describedby="expiry-month-error">
            <p id="expiry-month-error" class="field-error" hidden></p>
          </div>
          <div class="field">
            <label for="expiry-year" ${i('card.expiryYear')}</label>
            <input id="expiry-year" class="hosted" readonly tabindex="-1" aria-describedby="expiry-year-error">
            <p id="expiry-year-error" class="field-error" hidden></p>
          </div>
          <div class="field">
            <label for="security-code" ${i('card.securityCode')}</label>
            <input id="security-code" class="hosted" readonly tabindex="-1" aria-describedby="security-code-error">
            <p id="security-code-error" class="field-error" hidden></p>
          </div>
        </div>
        <div class="field">
          <label for="name-on-card" ${i('card.nameOnCard')}</label>
          <input id="name-on-card" class="hosted" readonly tabindex="-1" aria-describedby="name-on-card-error">
          <p id="name-on-card-error" class="field-error" hidden></p>
        </div>
        <button id="pay" type="submit" class="primary" disabled><span id="pay-label">${escapeHtml(message(locale, 'card.pay', { amount: '' }).trim())}</span></button>
      </form>
      <p class="lock">${LOCK_ICON}<span ${i('card.lock')}</span></p>
    </section>

    <section id="step-challenge" class="step" aria-labelledby="challenge-title" hidden>
      <h2 id="challenge-title" tabindex="-1" ${i('challenge.title')}</h2>
      <p ${i('challenge.intro')}</p>
      <div id="challenge" class="challenge"></div>
      <button id="challenge-cancel" type="button" class="secondary" ${i('challenge.useOther')}</button>
    </section>

    <section id="step-final" class="step final" aria-labelledby="final-title" hidden>
      <span class="final-icon" aria-hidden="true">
        <svg class="icon-success" width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"><path d="M5 12.5l4.5 4.5L19 7.5"/></svg>
        <svg class="icon-error" width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"><path d="M12 7v6M12 17h.01"/></svg>
        <svg class="icon-pending" width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"><circle cx="12" cy="12" r="8"/><path d="M12 8v4l2.5 2.5"/></svg>
      </span>
      <h2 id="final-title" tabindex="-1"></h2>
      <p id="final-text"></p>
      <p id="final-more" class="final-more" hidden></p>
      <a id="final-back" class="button-link" href="#" hidden></a>
    </section>

  </div>
</main>
<footer ${i('footer.securedBy')}</footer>
<script id="checkout-messages" type="application/json">${scriptJson(CHECKOUT_MESSAGES)}</script>
<script type="module" nonce="${nonce}">${options.assets.script}</script>
</body>
</html>`;
}

/** For a URL that cannot be a checkout (malformed session id): same look, no script. */
export function renderInvalidLinkPage(options: { nonce: string; assets: CheckoutAssets; locale?: Locale }): string {
  const nonce = escapeHtml(options.nonce);
  const locale = options.locale ?? 'en';
  return `${documentHead(nonce, locale, message(locale, 'final.invalidTitle'), options.assets.style)}
<body>
<main class="checkout"><div class="content final" data-kind="error">
  <h1 class="invalid-title">${escapeHtml(message(locale, 'final.invalidTitle'))}</h1>
  <p>${escapeHtml(message(locale, 'final.invalidText'))}</p>
</div></main>
<footer>${escapeHtml(message(locale, 'footer.securedBy'))}</footer>
</body>
</html>`;
}

export type FinalState = 'paid' | 'expired' | 'cancelled' | 'locked';

const FINAL_TEXT: Record<FinalState, [CheckoutMessageKey, CheckoutMessageKey, 'success' | 'error']> = {
  paid: ['final.paidTitle', 'final.paidText', 'success'],
  expired: ['final.expiredTitle', 'final.expiredText', 'error'],
  cancelled: ['final.cancelledTitle', 'final.cancelledText', 'error'],
  locked: ['final.lockedTitle', 'final.lockedText', 'error'],
};

/** The scriptless pages around a checkout that is over or settling: the way back above and below what they say. */
function finalPage(options: {
  nonce: string;
  assets: CheckoutAssets;
  locale: Locale;
  merchantName: string;
  backUrl: string;
  title: CheckoutMessageKey;
  paragraphs: CheckoutMessageKey[];
  section: string;
  /** `_top`: the page may be shown inside the 3-D Secure frame, and the way back must leave it. */
  linkTarget?: '_top';
  extraHead?: string;
}): string {
  const m = (key: CheckoutMessageKey) => escapeHtml(message(options.locale, key, { merchant: options.merchantName }));
  const back = escapeHtml(options.backUrl);
  const target = options.linkTarget ? ` target="${options.linkTarget}"` : '';
  return `${documentHead(escapeHtml(options.nonce), options.locale, message(options.locale, options.title), options.assets.style, options.extraHead)}
<body>
<main class="checkout" aria-labelledby="final-title">
  <nav class="topbar" aria-label="${m('back.toMerchantGeneric')}">
    <a class="back" href="${back}"${target}>${BACK_ICON}<span>${m('back.toMerchant')}</span></a>
  </nav>
  <div class="content">
    <section class="step final" ${options.section}>
      <h1 id="final-title" class="invalid-title">${m(options.title)}</h1>
${options.paragraphs.map((key) => `      <p>${m(key)}</p>\n`).join('')}      <a class="button-link" href="${back}"${target}>${m('back.toMerchant')}</a>
    </section>
  </div>
</main>
<footer>${escapeHtml(message(options.locale, 'footer.securedBy'))}</footer>
</body>
</html>`;
}

/**
 * A checkout reopened once it can no longer be paid (with or without the
 * token, e.g. Back after paying): what happened, and a link back to the
 * merchant. No script; only the merchant's name and the way back are shown.
 */
export function renderFinalStatePage(options: {
  nonce: string;
  assets: CheckoutAssets;
  locale: Locale;
  state: FinalState;
  merchantName: string;
  backUrl: string;
}): string {
  const [title, text, kind] = FINAL_TEXT[options.state];
  return finalPage({ ...options, title, paragraphs: [text], section: `data-kind="${kind}" data-state="${options.state}"` });
}

/**
 * Back from 3-D Secure while the payment is still in flight (paid by another
 * request, or its outcome unknown until reconciled): "we are confirming it,
 * do not pay again". No script: the page refreshes itself (GET on the same
 * path) every 3 s until the payment has settled, and always offers the way
 * back to the merchant (from inside the challenge frame too: target _top).
 */
export function renderConfirmingPage(options: {
  nonce: string;
  assets: CheckoutAssets;
  locale: Locale;
  merchantName: string;
  backUrl: string;
  refreshPath: string;
}): string {
  return finalPage({
    ...options,
    title: 'final.pendingTitle',
    paragraphs: ['confirming.text', 'final.pendingLater'],
    section: 'data-kind="pending" data-state="confirming" role="status"',
    linkTarget: '_top',
    extraHead: `<meta http-equiv="refresh" content="3;url=${escapeHtml(options.refreshPath)}">`,
  });
}
