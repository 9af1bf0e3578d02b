import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fastifySwagger } from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { describe, ERROR_ENVELOPE, errorResponses, openApiPath } from './openapi-describe.js';

/**
 * The OpenAPI 3.1 document, generated from the route schemas as they are
 * declared (any route with a TypeBox schema is picked up: nothing here lists
 * parameters or bodies by hand). What a schema cannot say is added from
 * openapi-operations.ts (summary, description, tag, success response with an
 * example) and openapi-describe.ts (credential, and the error envelope on
 * every operation). Served at GET /openapi.json and
 * rendered at GET /docs (Redoc, self-hosted); `npm run build` writes it to
 * docs/openapi.json.
 */

function version(): string {
  return (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * Registers the OpenAPI generator before any route (its onRoute hook must see
 * them all), plus GET /openapi.json and the rendered reference at GET /docs.
 */
export function registerOpenApi(app: FastifyInstance, options: { publicUrl: string }): void {
  const errorsByRoute = new Map<string, string[]>();
  // Called directly, not through app.register: the plugin installs its onRoute hook synchronously, so every route declared after this line is documented.
  fastifySwagger(
    app,
    {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Pdirect API',
          version: version(),
          description:
            'Card payments through a self-hosted gateway. Merchant backends authenticate with a `merchant_secret` key; the browser SDK with the single-use `session_token` of a checkout session. Every error uses one envelope with a catalogue code. The full reference, with webhooks and configuration, is docs/api.md in the repository.',
          license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        },
        servers: [{ url: options.publicUrl }],
        tags: [
          { name: 'Checkout sessions', description: 'Merchant backend: mint a session per order, send the customer to its checkout_url.' },
          { name: 'Payments', description: 'Merchant backend: the authoritative payment status, and refunds.' },
          { name: 'Merchant', description: 'Merchant backend: who the key belongs to.' },
          { name: 'Checkout (browser SDK)', description: 'Called by the browser SDK with the session token, from the hosted checkout page.' },
          { name: 'Customer one-time code', description: 'Called by the browser SDK when the session requires a one-time code.' },
          { name: 'Hosted checkout', description: 'The page and script customers load.' },
          { name: 'Sandbox', description: 'Only in sandbox mode.' },
          { name: 'Operations', description: 'Health, metrics and this reference.' },
        ],
        components: {
          securitySchemes: {
            merchantKey: { type: 'http', scheme: 'bearer', description: 'A merchant_secret key: pd_test_sk_… (sandbox) or pd_live_sk_… (live)' },
            sessionToken: { type: 'http', scheme: 'bearer', description: 'The session_token of a checkout session (pd_st_…), used by the browser SDK' },
          },
          schemas: { ErrorEnvelope: ERROR_ENVELOPE as unknown as Record<string, unknown> },
        },
      },
      transform: ({ schema, url, route }) => {
        const described = describe(route as RouteOptions & { schema?: Record<string, unknown> }, url);
        const { _errors, ...rest } = described as { _errors?: string[] } & Record<string, unknown>;
        if (_errors) errorsByRoute.set(`${[route.method].flat()[0]} ${openApiPath(url)}`, _errors);
        void schema;
        return { schema: rest as never, url };
      },
      transformObject: (documentObject) => {
        const openapiObject = (documentObject as { openapiObject: Record<string, unknown> }).openapiObject;
        const doc = openapiObject as { paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
        for (const [path, item] of Object.entries(doc.paths ?? {})) {
          for (const [method, operation] of Object.entries(item)) {
            const codes = errorsByRoute.get(`${method.toUpperCase()} ${path}`);
            if (!codes || !operation.responses) continue;
            operation.responses = { ...operation.responses, ...errorResponses(codes) };
          }
        }
        return openapiObject;
      },
    },
    (err) => {
      if (err) throw err;
    },
  );

  app.get('/openapi.json', async (_request, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()));

  const redoc = fs.readFileSync(createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js'));
  app.get('/docs/redoc.standalone.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(redoc),
  );
  app.get('/docs', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      // Redoc renders with inline styles and a blob: web worker for search; no script but our own file, nothing from another origin.
      .header(
        'Content-Security-Policy',
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      )
      .send(DOCS_PAGE),
  );
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pdirect API reference</title>
</head>
<body>
<redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
<script src="/docs/redoc.standalone.js"></script>
</body>
</html>
`;
