import { escapeHtml, hiddenInputs } from './html.js';
import { simLocale, simMessage, type SimLocale, type SimMessageKey } from './messages.js';

/**
 * Pages of the simulated ACS (Access Control Server). Plain HTML with
 * real buttons, so both a tester and an automated browser can pick an
 * outcome by its visible name ("Successful (Y)" …), in the shopper's
 * language (the browser language the 3-D Secure request carried).
 *
 * The challenge page is laid out for the EMV 3DS challenge window the
 * merchant asked for (CReq challengeWindowSize: 01 = 250×400, 02 = 390×400,
 * 03 = 500×600, 04 = 600×400, 05 = full screen), so it fills the frame
 * without scrolling or a large empty area. No inline style attributes: the
 * one stylesheet carries the response's nonce.
 */

export const CHALLENGE_CHOICES = [
  { value: 'Y', label: 'Successful (Y)' },
  { value: 'N', label: 'Failed (N)' },
  { value: 'CANCELLED', label: 'Cancelled' },
  { value: 'U', label: 'Unable (U)' },
  { value: 'R', label: 'Rejected (R)' },
] as const;

const STYLE = `
  html, body { block-size: 100%; }
  body { font: 16px/1.4 system-ui, sans-serif; margin: 0; background: #fff; color: #1d2330; }
  main { box-sizing: border-box; min-block-size: 100%; padding-block: 1rem; padding-inline: 1.25rem; display: flex; flex-direction: column; gap: .75rem; }
  h1 { font-size: 1.2rem; margin: 0; }
  .note { color: #5a6275; font-size: .85rem; margin: 0; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .2rem 1rem; margin: 0; }
  dt { font-weight: 600; } dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
  fieldset { border: 1px solid #ccd1db; border-radius: 6px; padding: .6rem; margin: 0; }
  legend { font-weight: 600; padding-block: 0; padding-inline: .25rem; }
  .choices { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: .5rem; }
  button { font: inherit; padding-block: .5rem; padding-inline: .9rem; border-radius: 6px; border: 1px solid #2d5bd7; background: #fff; color: #2d5bd7; cursor: pointer; }
  button.primary { background: #2d5bd7; color: #fff; }
  button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
  /* 01 (250×400): the narrowest window — smaller type, two columns of compact buttons. */
  html.w-01 body { font-size: 13px; }
  html.w-01 main { padding-block: .6rem; padding-inline: .6rem; gap: .4rem; }
  html.w-01 h1 { font-size: 1rem; }
  html.w-01 .note { font-size: .75rem; }
  html.w-01 dl { gap: 0 .5rem; }
  html.w-01 fieldset { padding: .4rem; }
  html.w-01 .choices { grid-template-columns: 1fr 1fr; gap: .3rem; }
  html.w-01 button { padding-block: .35rem; padding-inline: .3rem; font-size: 12px; }
  html.w-02 .choices, html.w-05 .choices { grid-template-columns: 1fr 1fr; }
  html.w-05 main { max-inline-size: 32rem; margin-inline: auto; }
  /* A phone's full-screen window is narrow too. */
  @media (max-width: 420px) {
    body { font-size: 14px; }
    main { padding-block: .75rem; gap: .5rem; }
    .note { font-size: .8rem; }
    button { padding-block: .4rem; padding-inline: .5rem; }
  }
`;

function page(nonce: string, locale: SimLocale, title: string, body: string, options: { script?: string; windowSize?: string } = {}): string {
  const size = options.windowSize && /^0[1-5]$/.test(options.windowSize) ? ` class="w-${options.windowSize}"` : '';
  return `<!doctype html>
<html lang="${locale}"${size}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
${options.script ? `<script nonce="${nonce}">${options.script}</script>` : ''}
</body>
</html>`;
}

export function challengePage(
  nonce: string,
  details: { acsTransactionId: string; merchantId: string; amount: string; card: string; language?: string; windowSize?: string },
): string {
  const locale = simLocale(details.language);
  const t = (key: SimMessageKey) => escapeHtml(simMessage(locale, key));
  const buttons = CHALLENGE_CHOICES.map(
    (choice, index) =>
      `<button type="submit" name="outcome" value="${choice.value}"${index === 0 ? ' class="primary"' : ''}>${t(`acs.choice.${choice.value}` as SimMessageKey)}</button>`,
  ).join('\n');
  return page(
    nonce,
    locale,
    simMessage(locale, 'acs.title'),
    `<h1>${t('acs.heading')}</h1>
<p class="note">${t('acs.note')}</p>
<dl>
<dt>${t('acs.merchant')}</dt><dd>${escapeHtml(details.merchantId)}</dd>
<dt>${t('acs.amount')}</dt><dd>${escapeHtml(details.amount)}</dd>
<dt>${t('acs.card')}</dt><dd>${escapeHtml(details.card)}</dd>
</dl>
<form method="POST" action="/acs/challenge/result">
<input type="hidden" name="acsTransID" value="${escapeHtml(details.acsTransactionId)}">
<input type="hidden" name="lang" value="${locale}">
<fieldset>
<legend>${t('acs.choose')}</legend>
<div class="choices">
${buttons}
</div>
</fieldset>
</form>`,
    { windowSize: details.windowSize ?? '05' },
  );
}

/**
 * After the choice: POSTs order.id, transaction.id, result and
 * response.gatewayRecommendation to redirectResponseUrl with
 * target="_parent" — the page that inserted redirect.html (and thus holds
 * the challengeFrame) navigates to the merchant's URL. A visible button
 * covers browsers without JavaScript.
 */
export function redirectToMerchantPage(nonce: string, redirectResponseUrl: string, fields: Record<string, string>, language?: string): string {
  const locale = simLocale(language);
  const t = (key: SimMessageKey, values?: Record<string, string>) => escapeHtml(simMessage(locale, key, values));
  return page(
    nonce,
    locale,
    simMessage(locale, 'acs.returningTitle'),
    `<h1>${t('acs.finished')}</h1>
<p>${t('acs.result', { result: fields.result ?? '' })}</p>
<form id="redirectToMerchant" method="POST" action="${escapeHtml(redirectResponseUrl)}" target="_parent">
${hiddenInputs(fields)}
<button type="submit" class="primary">${t('acs.continue')}</button>
</form>`,
    { script: `document.getElementById('redirectToMerchant').submit();` },
  );
}

export function methodPage(nonce: string): string {
  return page(nonce, 'en', simMessage('en', 'acs.methodTitle'), `<p>${escapeHtml(simMessage('en', 'acs.methodDone'))}</p>`);
}
