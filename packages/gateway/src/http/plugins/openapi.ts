import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fastifySwagger } from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ERROR_CATALOGUE } from '../../errors.js';

/**
 * The OpenAPI 3.1 document, generated from the route schemas as they are
 * declared (any route with a TypeBox schema is picked up: nothing here lists
 * parameters or bodies by hand). This file adds what a schema cannot say:
 * summary, description, tag, credential, success response with an example,
 * and the error envelope on every operation. Served at GET /openapi.json and
 * rendered at GET /docs (Redoc, self-hosted); `npm run build` writes it to
 * docs/openapi.json.
 */

type Auth = 'merchant' | 'session' | undefined;

function version(): string {
  return (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

interface Operation {
  summary: string;
  description?: string;
  tag: string;
  /** Success status → description and example JSON body; or a media type (non-JSON body), or null (no body). */
  success: [status: number, description: string, example?: unknown];
  media?: string | null;
  /** Catalogue codes this operation can answer besides the ones every call can. */
  errors?: string[];
}

const SESSION_ID = 'cs_abcdefghijklmnopqrst';
const PAYMENT_ID = 'pay_abcdefghijklmnopqrst';
const AT = '2026-01-15T10:30:00.000Z';

const sessionExample = {
  object: 'checkout_session',
  id: SESSION_ID,
  status: 'open',
  amount: '10.00',
  currency: 'EUR',
  customer_reference: 'cust_42',
  order_id: 'order_1001',
  expires_at: '2026-01-15T11:00:00.000Z',
  created_at: AT,
};

const paymentExample = {
  object: 'payment',
  id: PAYMENT_ID,
  session_id: SESSION_ID,
  order_id: 'order_1001',
  status: 'succeeded',
  amount: '10.00',
  currency: 'EUR',
  customer_reference: 'cust_42',
  created_at: AT,
};

const OPERATIONS: Record<string, Operation> = {
  'GET /healthz': {
    tag: 'Operations',
    summary: 'Liveness and database reachability',
    description: 'For load balancers and container health checks. Answers 503 when the database cannot be reached.',
    success: [200, 'The gateway is up and its database answers', { status: 'ok', mode: 'sandbox' }],
  },
  'GET /metrics': {
    media: 'text/plain',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description:
      'Prometheus text format: HTTP requests by route, status and error code, latencies, payment outcomes, webhook attempts, OTP sends, database pool and event-loop lag. In live mode only for loopback callers or with `Authorization: Bearer $PDIRECT_METRICS_TOKEN`.',
    success: [200, 'Metrics in Prometheus text exposition format'],
    errors: ['1001', '1002'],
  },
  'GET /openapi.json': { tag: 'Operations', summary: 'This OpenAPI document', success: [200, 'The OpenAPI 3.1 document'] },
  'GET /docs': { media: 'text/html', tag: 'Operations', summary: 'The rendered API reference', success: [200, 'An HTML page'] },
  'GET /docs/redoc.standalone.js': {
    media: 'text/javascript',
    tag: 'Operations',
    summary: 'Script of the rendered API reference (Redoc, self-hosted)',
    success: [200, 'JavaScript'],
  },
  'GET /v1/merchant': {
    tag: 'Merchant',
    summary: "The calling merchant's profile and keys",
    description: 'Key ids, creation and expiry dates and IP allow-lists; never a secret.',
    success: [200, 'The merchant', { object: 'merchant', id: 'mch_abcdefghijklmnopqrst', name: 'My Shop', redirect_hosts: ['shop.example'] }],
  },
  'POST /v1/merchant': {
    tag: 'Merchant',
    summary: "Change the calling merchant's settings",
    description:
      'Today: `security_code_decline`, the security-code (CSC) results whose payments are declined — never captured. Default `["no_match", "not_provided"]`; `[]` accepts every result.',
    success: [200, 'The merchant', { object: 'merchant', id: 'mch_abcdefghijklmnopqrst', security_code_decline: ['no_match', 'not_provided'] }],
    errors: ['1010', '1301', '1302'],
  },
  'POST /v1/sessions': {
    tag: 'Checkout sessions',
    summary: 'Mint a checkout session',
    description:
      'Creates a checkout session for one order and amount. The response carries the `session_token` (shown once) and the `checkout_url` to send the customer to. Send an `Idempotency-Key` header to make retries safe.',
    success: [
      201,
      'The new session, its single-use token and the hosted checkout URL',
      { ...sessionExample, session_id: SESSION_ID, session_token: 'pd_st_…', checkout_url: `https://pay.example/checkout/${SESSION_ID}#pd_st_…` },
    ],
    errors: ['1010', '1201', '1301', '1302', '1501'],
  },
  'GET /v1/sessions/{session_id}': {
    tag: 'Checkout sessions',
    summary: 'Read a checkout session',
    success: [200, 'The session', sessionExample],
    errors: ['1010', '1011'],
  },
  'GET /v1/payments/{payment_id}': {
    tag: 'Payments',
    summary: 'Read a payment (the authoritative status)',
    description: 'With its refunds and its status history. Use this, not the redirect, to decide whether an order is paid.',
    success: [200, 'The payment', { ...paymentExample, refunds: [], history: [{ from: 'pending', to: 'succeeded', cause: 'authorized', at: AT }] }],
    errors: ['1010', '1011'],
  },
  'GET /v1/payments': {
    tag: 'Payments',
    summary: 'Payments of an order',
    success: [200, 'A list of payments', { object: 'list', data: [paymentExample], has_more: false }],
    errors: ['1010'],
  },
  'POST /v1/payments/{payment_id}/refunds': {
    tag: 'Payments',
    summary: 'Refund a payment, fully or partly',
    description: 'Without `amount` the remaining refundable amount is refunded. Send an `Idempotency-Key` header to make retries safe.',
    success: [
      201,
      'The refund',
      { object: 'refund', id: 're_abcdefghijklmnopqrst', payment_id: PAYMENT_ID, amount: '10.00', currency: 'EUR', status: 'succeeded', created_at: AT },
    ],
    errors: ['1010', '1011', '1301', '1302'],
  },
  'POST /v1/payments/{payment_id}/capture': {
    tag: 'Payments',
    summary: 'Capture an authorization, fully or partly',
    description:
      'For a `requires_capture` payment (a session minted with `capture_method: manual`, or a payment held for review by a risk rule). Without `amount` the whole authorization is captured; a smaller amount captures part of it, once (the rest is released). Answers 200 `succeeded`, or 202 `capturing` when the network has not told the outcome yet (it is reconciled). Send an `Idempotency-Key` header to make retries safe.',
    success: [200, 'The payment', { ...paymentExample, status: 'succeeded', amount_captured: '10.00', capture_method: 'manual' }],
    errors: ['1010', '1011', '1301', '1302', '1601', '1604'],
  },
  'POST /v1/payments/{payment_id}/cancel': {
    tag: 'Payments',
    summary: 'Cancel an authorization (void)',
    description:
      'For a `requires_capture` payment: the authorization is voided at the network, the payment is `canceled` and its session `cancelled` (`payment.canceled`). Answers 202 `canceling` when the network has not told the outcome yet.',
    success: [200, 'The payment', { ...paymentExample, status: 'canceled', amount_captured: '0.00', capture_method: 'manual' }],
    errors: ['1011', '1301', '1302', '1601', '1604'],
  },
  'GET /v1/checkout': {
    tag: 'Checkout (browser SDK)',
    summary: 'What the checkout page shows',
    description: 'Called by the browser SDK with the session token: amount, currency, merchant name and whether a one-time code is required.',
    success: [200, 'The checkout view of the session', { object: 'checkout', session_id: SESSION_ID, amount: '10.00', currency: 'EUR', status: 'open' }],
    errors: ['1004', '1005', '1006'],
  },
  'POST /v1/card/sessions': {
    tag: 'Checkout (browser SDK)',
    summary: 'Open a card network hosted session for the card fields',
    success: [
      201,
      'The hosted session for the card network hosted fields',
      {
        object: 'card_session',
        hosted_session_id: 'SESSION0002776555276E0786217G73',
        session_js_url: 'https://network.example/form/version/100/merchant/TESTPDIRECT/session.js',
        api_version: 100,
        merchant_id: 'TESTPDIRECT',
      },
    ],
    errors: ['1004', '1005', '1006'],
  },
  'POST /v1/payments/collect': {
    tag: 'Checkout (browser SDK)',
    summary: 'Pay: authorize the card entered in the hosted fields',
    description:
      'The amount, currency and customer reference must repeat the session (1101–1103). Answers 200 with the final status, or 202 with `next_action` when the card needs 3-D Secure.',
    success: [200, 'The payment (202 when 3-D Secure is required)', { ...paymentExample, redirect_url: 'https://shop.example/paid?order=order_1001' }],
    errors: ['1004', '1005', '1006', '1010', '1101', '1102', '1103', '1403', '1601', '1602'],
  },
  'POST /v1/payments/{payment_id}/authenticate': {
    tag: 'Checkout (browser SDK)',
    summary: 'Authenticate the payer after the 3-D Secure method',
    description:
      "After collect answered `next_action.type` `three_d_secure_method` and the browser ran the issuer's method page in a hidden frame: authenticates the payer with the browser's details and answers like collect (succeeded, or `requires_action` with a `three_d_secure_challenge`). Once per payment, by its own checkout session.",
    success: [200, 'The payment', { ...paymentExample, redirect_url: 'https://shop.example/paid?order=order_1001' }],
    errors: ['1004', '1005', '1006', '1010', '1011', '1601', '1602', '1900'],
  },
  'POST /v1/3ds/return/{payment_id}': {
    media: null,
    tag: 'Checkout (browser SDK)',
    summary: "Return from the card issuer's 3-D Secure challenge",
    description:
      "The customer's browser lands here; the gateway re-reads the authentication from the network and redirects (303) to the merchant's success or fail URL. A return that lands inside the challenge frame (Sec-Fetch-Dest: iframe) gets a small page that takes the whole window there instead.",
    success: [303, 'Redirect to the success or fail URL'],
    errors: ['1011'],
  },
  'POST /v1/otp/send': {
    tag: 'Customer one-time code',
    summary: 'Send a one-time code to the customer',
    success: [200, 'Where the code went (masked)', { object: 'otp_challenge', channel: 'email', sent_to: 'j***@example.com', expires_at: AT }],
    errors: ['1004', '1006', '1010', '1402'],
  },
  'POST /v1/otp/resend': {
    tag: 'Customer one-time code',
    summary: 'Send a fresh one-time code',
    success: [200, 'Where the code went (masked)', { object: 'otp_challenge', channel: 'sms', sent_to: '+44*******89', expires_at: AT }],
    errors: ['1004', '1006', '1010', '1402'],
  },
  'POST /v1/otp/verify': {
    tag: 'Customer one-time code',
    summary: 'Verify the one-time code the customer typed',
    success: [200, 'Verified', { object: 'otp_verification', session_id: SESSION_ID, verified: true, verified_at: AT }],
    errors: ['1004', '1006', '1010', '1401', '1402'],
  },
  'GET /v1/_sandbox/otp-outbox': {
    tag: 'Sandbox',
    summary: 'Sandbox only: the codes the outbox "delivered" for a session',
    success: [200, 'The codes sent for the session', { object: 'list', data: [{ channel: 'email', to: 'jane@example.com', code: '123456', sent_at: AT }] }],
    errors: ['1010'],
  },
  'GET /checkout/{session_id}': {
    media: 'text/html',
    tag: 'Hosted checkout',
    summary: 'The hosted checkout page (HTML)',
    description: 'The page the customer is sent to (`checkout_url`); the session token travels in the URL fragment, never to the server.',
    success: [200, 'An HTML page'],
  },
  'GET /sdk/pdirect.js': { media: 'text/javascript', tag: 'Hosted checkout', summary: 'The browser SDK as an ES module', success: [200, 'JavaScript'] },
};

const ERROR_ENVELOPE = {
  type: 'object',
  description: 'Every error answers with this envelope. `error_code` is from the error catalogue; quote `request_id` to support.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['status', 'error_code', 'message', 'request_id'],
      properties: {
        status: { type: 'integer', description: 'The HTTP status, repeated' },
        error_code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE), description: 'Catalogue code (see docs/api.md#error-catalogue)' },
        message: { type: 'string', description: 'What went wrong, in plain words' },
        request_id: { type: 'string', pattern: '^req_[a-z2-7]{24}$' },
        param: { type: 'string', description: 'The request field at fault, when there is one' },
        errors: {
          type: 'array',
          description: 'Every invalid field of a 1010 answer',
          items: { type: 'object', properties: { param: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
  examples: [{ error: { status: 404, error_code: '1011', message: 'no such payment', request_id: 'req_abcdefghijklmnopqrstuvwx' } }],
} as const;

/** Errors any operation of that kind can answer. */
function commonErrors(auth: Auth, method: string): string[] {
  const codes = ['1900'];
  if (method !== 'GET') codes.push('1010', '1013', '1014');
  if (auth === 'merchant') codes.push('1001', '1002', '1003');
  if (auth === 'session') codes.push('1001', '1002', '1004', '1006');
  return codes;
}

function errorResponses(codes: string[]): Record<string, unknown> {
  const byStatus = new Map<number, string[]>();
  for (const code of new Set(codes)) {
    const entry = ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE];
    if (!entry) continue;
    byStatus.set(entry.status, [...(byStatus.get(entry.status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const first = list.sort()[0]!;
    responses[String(status)] = {
      description: list.map((c) => `${c}: ${ERROR_CATALOGUE[c as keyof typeof ERROR_CATALOGUE].title}`).join('; '),
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/ErrorEnvelope' },
          example: {
            error: {
              status,
              error_code: first,
              message: ERROR_CATALOGUE[first as keyof typeof ERROR_CATALOGUE].title,
              request_id: 'req_abcdefghijklmnopqrstuvwx',
            },
          },
        },
      },
    };
  }
  return responses;
}

/** "/v1/payments/:payment_id" → "/v1/payments/{payment_id}" (the OpenAPI path the swagger plugin emits). */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Adds the operation's words, responses and examples to the document; the route's own schema (used for validation) is not touched. */
function describe(route: RouteOptions & { schema?: Record<string, unknown> }, url: string): Record<string, unknown> {
  const method = [route.method].flat()[0]!;
  const schema = { ...(route.schema ?? {}) } as Record<string, unknown>;
  const config = (route.config ?? {}) as { auth?: Auth; methodNotAllowed?: boolean };
  // Not operations of the API: 405 catch-alls, HEAD twins, wildcards, and the dashboard's own browser endpoints (same-origin, cookie session).
  if (method === 'HEAD' || config.methodNotAllowed || url.includes('*') || url === '/dashboard' || url.startsWith('/dashboard/'))
    return { ...schema, hide: true };
  const op = OPERATIONS[`${method} ${openApiPath(url)}`];
  const auth = config.auth;
  const [status, description, example] = op?.success ?? [200, 'Success'];
  const media = op?.media;
  const success =
    media === null
      ? { description, type: 'null' }
      : media
        ? { description, content: { [media]: { schema: { type: 'string' } } } }
        : example === undefined
          ? { description, type: 'object', additionalProperties: true }
          : { description, type: 'object', additionalProperties: true, examples: [example] };
  const responses: Record<string, unknown> = { [String(status)]: success };
  // Keep response schemas a route declares itself.
  Object.assign(responses, (schema.response as Record<string, unknown> | undefined) ?? {});
  return {
    ...schema,
    operationId: `${method.toLowerCase()}${openApiPath(url)
      .replace(/[{}]/g, '')
      .split(/[/_.-]/)
      .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : ''))
      .join('')}`,
    summary: op?.summary ?? `${method} ${url}`,
    ...(op?.description ? { description: op.description } : {}),
    tags: [op?.tag ?? 'Other'],
    ...(auth === 'merchant' ? { security: [{ merchantKey: [] }] } : auth === 'session' ? { security: [{ sessionToken: [] }] } : { security: [] }),
    response: responses,
    _errors: [...commonErrors(auth, method), ...(op?.errors ?? [])],
  };
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
