import { escapeHtml, hiddenInputs } from './html.js';

/**
 * The `authentication.redirect.html` snippets of INITIATE_AUTHENTICATION and
 * AUTHENTICATE_PAYER. They copy the structure of real MPGS snippets (a div,
 * a form, an iframe, a script that submits the form) so a client that works
 * here — inserting with innerHTML and then running the <script> — works
 * against MPGS too.
 */

/** INITIATE_AUTHENTICATION: posts threeDSMethodData to the ACS 3DS-method URL in a hidden iframe. */
export function threeDsMethodHtml(methodUrl: string, threeDsMethodData: string): string {
  return (
    `<div id="initiate3dsSimpleRedirect" xmlns="http://www.w3.org/1999/html">` +
    ` <iframe id="methodFrame" name="methodFrame" title="3-D Secure method" height="0" width="0" style="display:none;border:0"></iframe>` +
    ` <form id="initiate3dsSimpleRedirectForm" method="POST" action="${escapeHtml(methodUrl)}" target="methodFrame">` +
    ` <input type="hidden" name="threeDSMethodData" value="${escapeHtml(threeDsMethodData)}" /> </form>` +
    ` <script id="initiate-authentication-script"> var e=document.getElementById("initiate3dsSimpleRedirectForm");` +
    ` if (e) { e.submit(); if (e.parentNode !== null) { e.parentNode.removeChild(e); } } </script> </div>`
  );
}

/**
 * AUTHENTICATE_PAYER with a challenge: a form that POSTs `creq` to the ACS
 * into the iframe named `challengeFrame`, plus the script that submits it.
 */
export function challengeRedirectHtml(acsUrl: string, creq: string): string {
  return (
    `<div id="threedsChallengeRedirect" xmlns="http://www.w3.org/1999/html" style="height: 100vh">` +
    ` <form id="threedsChallengeRedirectForm" method="POST" action="${escapeHtml(acsUrl)}" target="challengeFrame">` +
    ` <input type="hidden" name="creq" value="${escapeHtml(creq)}" /> </form>` +
    ` <iframe id="challengeFrame" name="challengeFrame" title="3-D Secure challenge" width="100%" height="100%"></iframe>` +
    ` <script id="authenticate-payer-script"> var e=document.getElementById("threedsChallengeRedirectForm");` +
    ` if (e) { e.submit(); if (e.parentNode !== null) { e.parentNode.removeChild(e); } } </script> </div>`
  );
}

/**
 * AUTHENTICATE_PAYER without a challenge (frictionless, attempted, rejected):
 * auto-POSTs the outcome to redirectResponseUrl, navigating the browsing
 * context the snippet was inserted into (`target="_self"`).
 */
export function frictionlessRedirectHtml(redirectResponseUrl: string, fields: Record<string, string>): string {
  return (
    `<div id="threedsFrictionLessRedirect" xmlns="http://www.w3.org/1999/html">` +
    ` <form id="threedsFrictionLessRedirectForm" method="POST" action="${escapeHtml(redirectResponseUrl)}" target="_self">` +
    ` ${hiddenInputs(fields)} </form>` +
    ` <script id="authenticate-payer-script"> var e=document.getElementById("threedsFrictionLessRedirectForm");` +
    ` if (e) { e.submit(); if (e.parentNode !== null) { e.parentNode.removeChild(e); } } </script> </div>`
  );
}

/** The form fields the browser POSTs to redirectResponseUrl when authentication ends. */
export function redirectResponseFields(orderId: string, transactionId: string, result: string, gatewayRecommendation: string): Record<string, string> {
  return {
    'order.id': orderId,
    'transaction.id': transactionId,
    result,
    'response.gatewayRecommendation': gatewayRecommendation,
  };
}
