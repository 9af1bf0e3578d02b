import type { FastifyInstance } from 'fastify';

/**
 * Strict defaults for an API that serves JSON: nothing may frame it, sniff
 * it, cache it or load anything from it. HSTS whenever the gateway is
 * reached over TLS (its own, or a trusted proxy's in live mode).
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { hsts: boolean }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('X-Request-Id', request.id);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!reply.hasHeader('Content-Security-Policy')) {
      reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    if (options.hsts) reply.header('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    return payload;
  });
}
