import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The dashboard's build output (packages/dashboard/dist), made by `npm run build` (which `npm ci` runs through `prepare`). */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../../dashboard/dist/', import.meta.url));

/**
 * The console's page has no inline script or style: everything comes from
 * the gateway's own origin, it talks only to it, and nothing may frame it.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the prebuilt single-page app: hashed assets under
 * /dashboard/assets/ (cached for a year), and index.html for every other
 * /dashboard page (the app routes on the client). Nothing is built at start.
 */
export async function registerDashboardStatic(app: FastifyInstance, dist = DASHBOARD_DIST): Promise<void> {
  const indexFile = path.join(dist, 'index.html');
  const index = fs.existsSync(indexFile) ? fs.readFileSync(indexFile, 'utf8') : undefined;
  const assets = path.join(dist, 'assets');
  if (fs.existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/dashboard/assets/',
      decorateReply: false,
      maxAge: '365d',
      immutable: true,
      index: false,
      wildcard: true,
    });
  }
  const page = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    reply.header('Content-Security-Policy', DASHBOARD_CSP).header('Cache-Control', 'no-store');
    if (!index) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The dashboard has not been built. Run: npm run build (npm ci does it through the prepare script).\n');
    }
    return reply.type('text/html; charset=utf-8').send(index);
  };
  app.get('/dashboard', page);
  app.get('/dashboard/*', page);
}
