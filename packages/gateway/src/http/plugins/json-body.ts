import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, for the audit fingerprint and idempotency comparison. */
    rawBody?: string;
  }
}

/**
 * JSON is the only body type. The raw text is kept (fingerprints and
 * idempotency compare bytes, not re-serialised objects); parsing goes through
 * Fastify's own parser, which rejects __proto__ and constructor poisoning.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    parseJson(request, body as string, done);
  });
}
