import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerSpan, Tracing } from '../../observability/tracing.js';
import { errorCodeOf } from './metrics.js';

/**
 * One OpenTelemetry server span per request (only when tracing is on: docs/api.md#tracing),
 * named by method and route template, continuing the caller's W3C `traceparent`. The span is active
 * while the hooks and the handler run, so the card-network calls a request makes are its children.
 * It records the route template, never the path or query (ids and tokens ride there), and, once
 * answered, the status, the catalogue error code and the merchant.
 *
 * Register before every other hook: they run, in order, inside the span.
 */
export function registerTracing(app: FastifyInstance, tracing: Tracing | undefined): void {
  if (!tracing) return;
  const spans = new WeakMap<FastifyRequest, ServerSpan>();

  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const server = tracing.serverSpan(route ? `${request.method} ${route}` : request.method, request.headers, {
      'http.request.method': request.method,
      ...(route ? { 'http.route': route } : {}),
      'pdirect.request_id': request.id,
    });
    spans.set(request, server);
    // Everything after this hook runs inside: the other hooks, the body's reading (Node carries the
    // context into a request's stream events) and the handler.
    server.enter(done);
  });

  /** Ends the request's span; `status` undefined: the client went away before the answer. */
  const finish = (request: FastifyRequest, status: number | undefined): void => {
    const server = spans.get(request);
    if (!server) return;
    spans.delete(request);
    const merchantId = request.merchant?.merchantId ?? request.checkoutSession?.merchant_id;
    const errorCode = errorCodeOf(request);
    server.span.setAttributes({
      ...(status !== undefined ? { 'http.response.status_code': status } : {}),
      ...(errorCode ? { 'pdirect.error_code': errorCode } : {}),
      ...(merchantId ? { 'pdirect.merchant_id': merchantId } : {}),
    });
    // As OpenTelemetry's HTTP conventions say: a server span fails on a 5xx, not on the caller's 4xx.
    if (status === undefined) tracing.fail(server.span, 'aborted');
    else if (status >= 500) tracing.fail(server.span, String(status));
    server.span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    finish(request, reply.statusCode);
    done();
  });
  // onResponse never comes for a request whose client went away first.
  app.addHook('onRequestAbort', (request, done) => {
    finish(request, undefined);
    done();
  });
}
