import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Mode } from '../../config.js';
import { loadCheckoutAssets, renderCheckoutPage, renderFinalStatePage, renderInvalidLinkPage } from '../pages/checkout-page.js';
import { negotiateLocale } from '../../locales/checkout-messages.js';
import type { SessionService } from '../../modules/sessions/session-service.js';
import { idPattern } from '../../ids.js';

const SESSION_ID = new RegExp(idPattern('cs'));

export interface HostedCheckoutOptions {
  mode: Mode;
  /** The card network's browser origins (its scripts, hosted fields and 3-D Secure pages). */
  networkOrigins: readonly string[];
  /** To tell a shopper reopening a finished checkout what happened (and to speak the session's language). */
  sessions?: SessionService;
}

/**
 * The customer-facing browser side, both public (no credential):
 *
 *   GET /checkout/{session_id}   the hosted checkout page `checkout_url` points to
 *   GET /sdk/pdirect.js          the browser SDK (@pdirect/browser) the page uses
 *
 * The page is static HTML under a strict per-response CSP with a nonce. It
 * renders nothing about an open session but its language: its script takes
 * the session token from the URL fragment (never sent to a server) and asks
 * GET /v1/checkout. A session that can no longer be paid gets a scriptless
 * page saying so, with the merchant's name and the way back.
 */
export function hostedCheckoutRoutes(app: FastifyInstance, options: HostedCheckoutOptions): void {
  const sdk = loadBrowserSdk();
  const assets = loadCheckoutAssets();

  app.get<{ Params: { session_id: string }; Querystring: { return?: string } }>('/checkout/:session_id', async (request, reply) => {
    const nonce = randomBytes(18).toString('base64');
    const valid = SESSION_ID.test(request.params.session_id);
    const acceptLanguage = request.headers['accept-language'];
    let html: string;
    if (!valid) {
      html = renderInvalidLinkPage({ nonce, assets, locale: negotiateLocale(acceptLanguage) });
    } else {
      const landing = options.sessions ? await options.sessions.landing(request.params.session_id) : undefined;
      const locale = options.sessions ? options.sessions.localeFor(landing?.session, acceptLanguage) : negotiateLocale(acceptLanguage);
      if (landing?.final) {
        const backUrl = options.sessions!.backUrl(landing.session);
        // Back from 3-D Secure to the pending screen, but the payment already settled: straight on to the merchant.
        if (landing.final.state === 'paid' && request.query.return === 'pending')
          return reply.code(303).header('Cache-Control', 'no-store').header('Location', backUrl).send();
        html = renderFinalStatePage({ nonce, assets, locale, state: landing.final.state, merchantName: landing.final.merchantName, backUrl });
      } else {
        html = renderCheckoutPage({ nonce, sandbox: options.mode === 'sandbox', assets, locale });
      }
    }
    return (
      reply
        .code(valid ? 200 : 404)
        .header('Content-Security-Policy', checkoutPagePolicy({ nonce, networkOrigins: options.networkOrigins, mode: options.mode }))
        .header('Cache-Control', 'no-store')
        // The page must not leak its URL (the session id) to the network's frames, the ACS or the merchant.
        .header('Referrer-Policy', 'no-referrer')
        // A window that opened the checkout gets no handle on it.
        .header('Cross-Origin-Opener-Policy', 'same-origin')
        .header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), usb=()')
        .header('X-Robots-Tag', 'noindex, nofollow')
        .type('text/html; charset=utf-8')
        .send(html)
    );
  });

  app.get(
    '/sdk/pdirect.js',
    {
      // Runs after the shared security headers: merchants may load the SDK from their own pages
      // (<script type="module"> fetches in CORS mode; a classic <script> would need CORP cross-origin).
      onSend: async (_request, reply, payload) => {
        reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
        return payload;
      },
    },
    async (request, reply) => {
      reply
        .header('Access-Control-Allow-Origin', '*')
        .header('Cache-Control', 'public, max-age=300')
        .header('ETag', sdk.etag)
        .type('text/javascript; charset=utf-8');
      if (request.headers['if-none-match'] === sdk.etag) return reply.code(304).send();
      return reply.send(sdk.source);
    },
  );
}

/**
 * The checkout page's Content-Security-Policy:
 * - scripts: this response's nonce (the page script, and the SDK it imports,
 *   which inherits the nonce) and the network origin (session.js);
 * - frames: the network origin (hosted card fields, its 3-D Secure pages) and
 *   'self' (a challenge return that lands inside the challenge frame gets the
 *   gateway's small page that takes the whole window to the merchant);
 * - forms: 'self' and the network origin — the 3-D Secure redirect html
 *   posts the challenge request to the ACS into an iframe. The ACS's answer
 *   goes back to /v1/3ds/return with target _parent from the ACS's own
 *   document (its CSP governs that form), and the gateway then 303s to the
 *   merchant, so the merchant's redirect hosts are not needed here;
 * - connect: 'self' only (the SDK calls this gateway).
 *
 * Live mode: a real 3-D Secure 2 challenge is served by the card issuer's
 * ACS, on an origin nobody knows in advance, so frames and forms must also
 * allow any https: origin there. Sandbox keeps the exact network origin
 * (the simulator serves its ACS itself).
 */
export function checkoutPagePolicy(options: { nonce: string; networkOrigins: readonly string[]; mode: Mode }): string {
  const network = [...options.networkOrigins];
  const issuers = options.mode === 'live' ? ['https:'] : [];
  const list = (...sources: string[]) => (sources.length > 0 ? sources.join(' ') : "'none'");
  return [
    "default-src 'none'",
    `script-src ${list(`'nonce-${options.nonce}'`, ...network)}`,
    `style-src 'nonce-${options.nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    `frame-src ${list("'self'", ...network, ...issuers)}`,
    `form-action ${list("'self'", ...network, ...issuers)}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The SDK is read once at boot from the installed @pdirect/browser package
 * (resolved as a package, never relative to this file: the gateway may run
 * compiled from another directory).
 */
function loadBrowserSdk(): { source: Buffer; etag: string } {
  let file: string;
  try {
    file = fileURLToPath(import.meta.resolve('@pdirect/browser'));
  } catch (err) {
    throw new Error('the browser SDK (@pdirect/browser) is not installed beside the gateway', { cause: err });
  }
  const source = fs.readFileSync(file);
  return { source, etag: `"${createHash('sha256').update(source).digest('base64url').slice(0, 22)}"` };
}
