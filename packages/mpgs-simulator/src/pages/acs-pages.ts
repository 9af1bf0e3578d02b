import { escapeHtml, hiddenInputs } from './html.js';

/**
 * Pages of the simulated ACS (Access Control Server). Plain HTML with
 * real buttons, so both a tester and an automated browser can pick an
 * outcome by its visible name ("Successful (Y)" …).
 */

export const CHALLENGE_CHOICES = [
  { value: 'Y', label: 'Successful (Y)' },
  { value: 'N', label: 'Failed (N)' },
  { value: 'CANCELLED', label: 'Cancelled' },
  { value: 'U', label: 'Unable (U)' },
  { value: 'R', label: 'Rejected (R)' },
] as const;

const STYLE = `
  body { font: 16px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  main { max-width: 30rem; margin: 1.5rem auto; background: #fff; padding: 1.25rem 1.5rem; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 1.25rem; margin: 0 0 .5rem; }
  .note { color: #5a6275; font-size: .9rem; margin-top: 0; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem 1rem; margin: 1rem 0; }
  dt { font-weight: 600; } dd { margin: 0; font-family: ui-monospace, monospace; }
  fieldset { border: 1px solid #ccd1db; border-radius: 6px; padding: .75rem; }
  legend { font-weight: 600; padding: 0 .25rem; }
  .choices { display: flex; flex-wrap: wrap; gap: .5rem; }
  button { font: inherit; padding: .5rem .9rem; border-radius: 6px; border: 1px solid #2d5bd7; background: #fff; color: #2d5bd7; cursor: pointer; }
  button.primary { background: #2d5bd7; color: #fff; }
  button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
`;

function page(nonce: string, title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
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
${script ? `<script nonce="${nonce}">${script}</script>` : ''}
</body>
</html>`;
}

export function challengePage(nonce: string, details: { acsTransactionId: string; merchantId: string; amount: string; card: string }): string {
  const buttons = CHALLENGE_CHOICES.map(
    (choice, index) =>
      `<button type="submit" name="outcome" value="${choice.value}"${index === 0 ? ' class="primary"' : ''}>${escapeHtml(choice.label)}</button>`,
  ).join('\n');
  return page(
    nonce,
    '3-D Secure challenge (simulator)',
    `<h1>3-D Secure challenge</h1>
<p class="note">Simulated issuer page of the Pdirect MPGS simulator. No bank is contacted.</p>
<dl>
<dt>Merchant</dt><dd>${escapeHtml(details.merchantId)}</dd>
<dt>Amount</dt><dd>${escapeHtml(details.amount)}</dd>
<dt>Card</dt><dd>${escapeHtml(details.card)}</dd>
</dl>
<form method="POST" action="/acs/challenge/result">
<input type="hidden" name="acsTransID" value="${escapeHtml(details.acsTransactionId)}">
<fieldset>
<legend>Choose the authentication result</legend>
<div class="choices">
${buttons}
</div>
</fieldset>
</form>`,
  );
}

/**
 * After the choice: POSTs order.id, transaction.id, result and
 * response.gatewayRecommendation to redirectResponseUrl with
 * target="_parent" — the page that inserted redirect.html (and thus holds
 * the challengeFrame) navigates to the merchant's URL. A visible button
 * covers browsers without JavaScript.
 */
export function redirectToMerchantPage(nonce: string, redirectResponseUrl: string, fields: Record<string, string>): string {
  return page(
    nonce,
    'Returning to the merchant',
    `<h1>Authentication finished</h1>
<p>Result: ${escapeHtml(fields.result ?? '')}. Returning to the merchant…</p>
<form id="redirectToMerchant" method="POST" action="${escapeHtml(redirectResponseUrl)}" target="_parent">
${hiddenInputs(fields)}
<button type="submit" class="primary">Continue to the merchant</button>
</form>`,
    `document.getElementById('redirectToMerchant').submit();`,
  );
}

export function methodPage(nonce: string): string {
  return page(nonce, '3-D Secure method', '<p>3-D Secure method completed.</p>');
}
