/**
 * The hosted checkout page (GET /checkout/{session_id}). Static markup: no
 * amount, merchant or order is rendered here — the page's script reads the
 * session token from the URL fragment and asks GET /v1/checkout, so the
 * HTML reveals nothing to whoever fetches the URL without the token.
 *
 * The only per-response value is the CSP nonce; the only server-side
 * switch is the "test mode" badge. Everything is escaped anyway. The
 * stylesheet and script live in @pdirect/browser (src/checkout/).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

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
function documentHead(nonce: string, title: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${style}</style>
</head>`;
}

/** The page; `nonce` goes on the one <style> and the one <script>. */
export function renderCheckoutPage(options: { nonce: string; sandbox: boolean; assets: CheckoutAssets }): string {
  const nonce = escapeHtml(options.nonce);
  return `${documentHead(nonce, 'Secure checkout', options.assets.style)}
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
      <p class="lock">${LOCK_ICON}<span>Card details are entered in the card network’s secure fields and never reach the merchant or Pdirect.</span></p>
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
<script type="module" nonce="${nonce}">${options.assets.script}</script>
</body>
</html>`;
}

/** For a URL that cannot be a checkout (malformed session id): same look, no script. */
export function renderInvalidLinkPage(options: { nonce: string; assets: CheckoutAssets }): string {
  const nonce = escapeHtml(options.nonce);
  return `${documentHead(nonce, 'Checkout not found', options.assets.style)}
<body>
<main class="checkout"><div class="content final" data-kind="error">
  <h1 class="invalid-title">This payment link is not valid</h1>
  <p>Check that you opened the complete link the merchant gave you, or go back to the merchant and start again.</p>
</div></main>
<footer>Secured by Pdirect</footer>
</body>
</html>`;
}
