import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors.js';
import { isId } from '../../ids.js';
import { withMoneyRequestAudit } from '../../modules/audit/state-change-audit.js';
import type { PaymentService } from '../../modules/payments/payment-service.js';
import type { SessionService } from '../../modules/sessions/session-service.js';
import { DEFAULT_LOCALE, message, type Locale } from '../../locales/checkout-messages.js';
import { escapeHtml, loadCheckoutAssets, renderConfirmingPage } from '../pages/checkout-page.js';

/**
 * Where the customer's browser lands after the 3-D Secure challenge (the
 * `redirectResponseUrl`). The form fields it posts are ignored on purpose:
 * anyone can forge them. The payment service re-reads the authentication
 * from the network before acting, then redirects to the merchant's success
 * or fail URL. While the payment is still in flight (paid by another request,
 * or its outcome unknown until reconciled) it answers 202 with a page that
 * comes back by itself (GET on the same path) until the payment has settled.
 * Both pages speak the checkout's language and name the merchant.
 */
export function threeDsRoutes(app: FastifyInstance, deps: { payments: PaymentService; sessions: SessionService }): void {
  const assets = loadCheckoutAssets();
  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, _body, done) => done(null, {}));
    const handler = async (request: FastifyRequest<{ Params: { payment_id: string } }>, reply: FastifyReply) => {
      if (!isId('pay', request.params.payment_id)) throw new ApiError('1011', 'no such payment');
      const result = await withMoneyRequestAudit(
        request.moneyAudit((outcome) => (outcome === 'pending' ? 202 : 303)),
        () => deps.payments.completeChallenge(request.params.payment_id),
      );
      if (!result) throw new ApiError('1011', 'no such payment');
      const framed = request.headers['sec-fetch-dest'] === 'iframe';
      if ('confirming' in result) {
        const context = await deps.sessions.returnContext(result.payment.session_id, request.headers['accept-language']);
        const nonce = randomBytes(16).toString('base64');
        const html = renderConfirmingPage({
          nonce,
          assets,
          locale: context?.locale ?? DEFAULT_LOCALE,
          merchantName: context?.merchantName ?? '',
          backUrl: context?.backUrl ?? '/',
          refreshPath: `/v1/3ds/return/${encodeURIComponent(result.payment.id)}`,
        });
        // Inside the challenge frame it must be framable (like the breakout page) so that its refresh can break
        // out once settled; it carries the merchant's name and the way back, which the shopper is shown anyway.
        return reply
          .code(202)
          .header('Content-Security-Policy', pagePolicy(nonce, framed))
          .header('Cache-Control', 'no-store')
          .header('Referrer-Policy', 'no-referrer')
          .type('text/html; charset=utf-8')
          .send(html);
      }
      // The issuer's last form should post with target _parent; one that posts into the
      // challenge frame itself must not leave the merchant's page inside that frame.
      if (framed) {
        const context = await deps.sessions.returnContext(result.payment.session_id, request.headers['accept-language']);
        return sendBreakout(reply, result.redirectTo, context?.locale ?? DEFAULT_LOCALE, context?.merchantName ?? '');
      }
      return reply.code(303).header('Location', result.redirectTo).send();
    };
    scope.post('/v1/3ds/return/:payment_id', handler);
    // The "confirming" page comes back here (a refresh navigates with GET).
    scope.get('/v1/3ds/return/:payment_id', handler);
  });
}

/**
 * The return landed inside the challenge frame: a page that takes the whole window to
 * the merchant. The top window is navigated directly (same origin: the hosted checkout),
 * and the page that holds the frame is told by message (the browser SDK navigates it;
 * a cross-origin frame may not navigate its top without a user gesture); a link covers
 * the rest. The page may be framed by anyone (frame-ancestors *): it only carries the
 * merchant's URL the customer is sent to anyway.
 */
function sendBreakout(reply: FastifyReply, redirectTo: string, locale: Locale, merchantName: string): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  const url = JSON.stringify(redirectTo).replace(/</g, '\\u003c');
  const back = escapeHtml(message(locale, merchantName ? 'back.toMerchant' : 'back.toMerchantGeneric', { merchant: merchantName }));
  const html =
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${back}</title></head><body>` +
    `<p><a href="${escapeHtml(redirectTo)}" target="_top">${back}</a></p>` +
    `<script nonce="${nonce}">(function(){var u=${url};` +
    `if(window.top===window){location.replace(u);return;}` +
    `try{window.parent.postMessage({type:'pdirect.3ds.return',redirect_url:u},'*');}catch(e){}` +
    // The page holding the frame (the browser SDK) navigates on the message; navigating the top
    // from here as well would race it (the second navigation aborts the first), so this is only
    // the fallback for a page without the SDK's listener.
    `setTimeout(function(){try{window.top.location.replace(u);}catch(e){}},1000);})();</script></body></html>`;
  return reply
    .code(200)
    .header('Content-Security-Policy', `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors *; base-uri 'none'; form-action 'none'`)
    .header('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}

/** The confirming page: its one nonce'd stylesheet; framable only when it was loaded inside the challenge frame. */
function pagePolicy(nonce: string, framed: boolean): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${framed ? '*' : "'none'"}`,
  ].join('; ');
}
