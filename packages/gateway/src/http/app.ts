import fs from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { newId } from '../ids.js';
import { registerDashboard } from './dashboard/index.js';
import { registerAudit } from './plugins/audit.js';
import { registerAuthentication } from './plugins/authentication.js';
import { edgeServerOptions, registerEdge } from './plugins/edge.js';
import { registerErrorHandling, registerMethodNotAllowed } from './plugins/errors.js';
import { registerIdempotency } from './plugins/idempotency.js';
import { registerJsonBody } from './plugins/json-body.js';
import { errorCodeOf, registerMetrics } from './plugins/metrics.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerSdkCors } from './plugins/sdk-cors.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerTracing } from './plugins/tracing.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { checkoutRoutes } from './routes/checkout.js';
import { hostedCheckoutRoutes } from './routes/hosted-checkout.js';
import { merchantRoutes } from './routes/merchant.js';
import { otpRoutes } from './routes/otp.js';
import { paymentRoutes } from './routes/payments.js';
import { riskRoutes } from './routes/risk.js';
import { sessionRoutes } from './routes/sessions.js';
import { threeDsRoutes } from './routes/three-ds.js';
import type { GatewayServices } from '../services.js';

/** One log line per request, at completion: no headers, no query string (nothing secret can ride along). */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const merchantId = request.merchant?.merchantId ?? request.checkoutSession?.merchant_id;
    const line = {
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      ...(merchantId ? { merchant_id: merchantId } : {}),
      ...(errorCodeOf(request) ? { error_code: errorCodeOf(request) } : {}),
    };
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else request.log.info(line, 'request');
  }
}

/**
 * The HTTP edge: Fastify with the plugins every route shares (request ids,
 * JSON-only bodies, errors in the API error envelope, authentication, audit,
 * security headers), then thin routes that call the modules.
 */
export function buildApp(config: Config, logger: Logger, services: GatewayServices, extraRoutes?: (app: FastifyInstance) => void): FastifyInstance {
  const { httpsTimeouts, ...edge } = edgeServerOptions(config);
  const app = Fastify({
    ...edge,
    loggerInstance: logger,
    logController: new OneLinePerRequest({ requestIdLogLabel: 'request_id' }),
    genReqId: () => newId('req'),
    bodyLimit: config.bodyLimit,
    // X-Forwarded-For is read only when the socket peer is a configured proxy.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    ...(config.tls
      ? { https: { cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile), minVersion: 'TLSv1.2' as const, ...httpsTimeouts } }
      : {}),
  }) as unknown as FastifyInstance;

  // Every route path and its methods, so an unserved method gets 405 rather than 404.
  const routes = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if (route.config?.methodNotAllowed) return;
    const methods = routes.get(route.url) ?? new Set<string>();
    for (const m of [route.method].flat()) methods.add(m);
    routes.set(route.url, methods);
  });

  // First: the OpenAPI generator must see every route declared after it.
  registerOpenApi(app, { publicUrl: config.publicUrl });
  // Before every other hook: they all run inside the request's span.
  registerTracing(app, services.tracing);
  registerMetrics(app, { config, storage: services.storage });
  registerJsonBody(app);
  registerErrorHandling(app);
  // Before authentication: shutdown, live-transport and connection rules come first.
  registerEdge(app, config, { ready: () => services.storage.health.migrated });
  registerSecurityHeaders(app, { tls: Boolean(config.tls) });
  registerAuthentication(app, { merchants: services.authenticator, sessions: services.sessions });
  registerAudit(app, { audit: services.audit, records: services.auditRepository, fingerprintKey: services.keys.auditFingerprintKey, clock: services.clock });
  // After authentication: a key is scoped to the caller it identifies.
  registerIdempotency(app, { idempotency: services.idempotency });
  // Before the routes: it learns the SDK-boundary paths as they are declared.
  registerSdkCors(app);

  healthRoutes(app, { storage: services.storage, mode: config.mode, clock: services.clock, probeTimeoutMs: config.database.connectTimeoutMs });
  merchantRoutes(app, { merchants: services.merchants });
  sessionRoutes(app, { sessions: services.sessions });
  paymentRoutes(app, { payments: services.payments });
  riskRoutes(app, { risk: services.risk });
  eventRoutes(app, { webhooks: services.webhooks });
  checkoutRoutes(app, { sessions: services.sessions, payments: services.payments, network: services.network });
  threeDsRoutes(app, { payments: services.payments, sessions: services.sessions });
  otpRoutes(app, { otp: services.otp, sessions: services.sessions, sandbox: config.mode === 'sandbox' });
  hostedCheckoutRoutes(app, { mode: config.mode, networkOrigins: services.network?.browserOrigins ?? [], sessions: services.sessions });
  registerDashboard(app, config, services);
  extraRoutes?.(app);

  app.after(() => registerMethodNotAllowed(app, routes));
  return app;
}
