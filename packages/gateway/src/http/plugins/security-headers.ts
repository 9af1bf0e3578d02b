import type { FastifyInstance } from 'fastify';

const BASE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const HSTS = 'max-age=63072000; includeSubDomains';

/** The headers every answer carries, also those written straight to the socket (parser errors). */
export function securityHeaders(hsts: boolean): Record<string, string> {
  return { ...BASE_HEADERS, 'Content-Security-Policy': DEFAULT_CSP, 'Cache-Control': 'no-store', ...(hsts ? { 'Strict-Transport-Security': HSTS } : {}) };
}

/**
 * Strict defaults for an API that serves JSON: nothing may frame it, sniff
 * it, cache it or load anything from it. HSTS only on an answer that travels
 * over TLS: the gateway's own, or a trusted proxy's that said so with
 * `X-Forwarded-Proto: https` (a browser ignores HSTS over plain HTTP, and
 * sending it there would claim a protection the connection does not have).
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { tls: boolean }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('X-Request-Id', request.id);
    for (const [name, value] of Object.entries(BASE_HEADERS)) reply.header(name, value);
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', DEFAULT_CSP);
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    if (options.tls || request.protocol === 'https') reply.header('Strict-Transport-Security', HSTS);
    return payload;
  });
}
