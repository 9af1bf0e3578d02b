import type { FastifyInstance } from 'fastify';

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Device-Fingerprint';
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, Idempotent-Replayed';

/**
 * CORS for the SDK boundary only (routes with `config.auth: 'session'`), so
 * @pdirect/browser also works on a merchant's own page, not just on the
 * hosted checkout (which is same-origin and needs none of this).
 *
 * Any origin is allowed, without credentials: these routes authenticate by a
 * bearer session token that the calling page must hold and send explicitly —
 * no cookie or other ambient credential exists for a foreign page to ride
 * on, so CORS gives it nothing it could not do from a server. Merchant-key
 * routes get no CORS at all: a merchant secret never belongs in a browser.
 *
 * Call before the routes are declared (it learns the SDK paths as they are
 * added). Preflights are answered for SDK paths, parameters matched per segment.
 */
export function registerSdkCors(app: FastifyInstance): void {
  const sdkRoutes = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if (route.config?.auth !== 'session') return;
    const methods = sdkRoutes.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) if (method !== 'HEAD') methods.add(method);
    sdkRoutes.set(route.url, methods);
  });

  // SDK paths with a parameter (e.g. /v1/payments/:payment_id/authenticate), matched segment by segment.
  const methodsFor = (path: string): Set<string> | undefined => {
    const exact = sdkRoutes.get(path);
    if (exact) return exact;
    const segments = path.split('/');
    for (const [url, methods] of sdkRoutes) {
      const pattern = url.split('/');
      if (pattern.length !== segments.length || !url.includes('/:')) continue;
      if (pattern.every((part, i) => (part.startsWith(':') ? /^[A-Za-z0-9_-]{1,64}$/.test(segments[i] ?? '') : part === segments[i]))) return methods;
    }
    return undefined;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'OPTIONS') return;
    const methods = methodsFor(request.url.split('?')[0] ?? '');
    if (!methods) return;
    return reply
      .code(204)
      .header('Access-Control-Allow-Origin', '*')
      .header('Access-Control-Allow-Methods', [...methods].join(', '))
      .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
      .header('Access-Control-Max-Age', '600')
      .send();
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.config?.auth === 'session') {
      reply.header('Access-Control-Allow-Origin', '*');
      reply.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    return payload;
  });
}
