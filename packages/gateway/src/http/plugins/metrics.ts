import type { FastifyInstance, FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import type { Config } from '../../config.js';
import { constantTimeEqual } from '../../crypto/compare.js';
import { ApiError } from '../../errors.js';
import { metrics } from '../../observability/metrics.js';
import type { Storage } from '../../storage/database.js';

/** The catalogue code of an error response, remembered for the metrics and the request's log line. */
const errorCodes = new WeakMap<FastifyRequest, string>();

export function errorCodeOf(request: FastifyRequest): string | undefined {
  return errorCodes.get(request);
}

const ERROR_CODE = /"error_code":"(\d{4})"/;

/** Payment outcomes a finished collect call reports (its response status field), or the catalogue code that stopped it. */
const OUTCOME_OF_ERROR: Record<string, string> = { '1601': 'declined', '1602': 'refused_by_fraud_screening' };

function jsonField(payload: unknown, field: string): string | undefined {
  if (typeof payload !== 'string') return undefined;
  const match = new RegExp(`"${field}":"([a-z_]{1,40})"`).exec(payload);
  return match?.[1];
}

function isLoopback(ip: string): boolean {
  try {
    const parsed = ipaddr.process(ip);
    return parsed.range() === 'loopback';
  } catch {
    return false;
  }
}

/**
 * Prometheus metrics at the HTTP edge: every request counted by route
 * template, status and catalogue error code, with its latency; payment
 * outcomes and OTP sends read from the responses of the routes that make them;
 * the PostgreSQL pool watched while the app runs. `GET /metrics` serves the
 * process registry: open in sandbox; in live mode only to loopback callers
 * (request.ip, which honours only configured proxies) or with
 * `Authorization: Bearer $PDIRECT_METRICS_TOKEN`.
 */
export function registerMetrics(app: FastifyInstance, options: { config: Config; storage: Storage }): void {
  const { config, storage } = options;
  if (storage.pool) {
    const pool = storage.pool;
    const unwatch = metrics.watchPool('main', () => pool);
    app.addHook('onClose', async () => unwatch());
  }

  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    if (reply.statusCode >= 400 && typeof payload === 'string') {
      const code = ERROR_CODE.exec(payload)?.[1];
      if (code) errorCodes.set(request, code);
    }
    // An attempt that pauses for the 3-D Secure method is counted once, when its authenticate answers.
    const paying = route === '/v1/payments/collect' || route === '/v1/payments/:payment_id/authenticate';
    if (paying && request.method === 'POST' && !(reply.statusCode < 300 && jsonField(payload, 'type') === 'three_d_secure_method')) {
      const outcome = reply.statusCode < 300 ? jsonField(payload, 'status') : OUTCOME_OF_ERROR[errorCodes.get(request) ?? ''];
      if (outcome) metrics.paymentOutcome(outcome);
    }
    if ((route === '/v1/otp/send' || route === '/v1/otp/resend') && reply.statusCode < 300) {
      const channel = jsonField(payload, 'channel');
      if (channel) metrics.otpSent(channel);
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequest(request.method, route, reply.statusCode, errorCodes.get(request), reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (request, reply) => {
    if (config.mode === 'live' && !isLoopback(request.ip)) {
      const header = request.headers.authorization;
      const token = config.metricsToken?.reveal();
      if (!header) throw new ApiError('1001', 'metrics are served to loopback callers or with Authorization: Bearer PDIRECT_METRICS_TOKEN');
      if (!token || !header.startsWith('Bearer ') || !constantTimeEqual(header.slice('Bearer '.length), token)) {
        throw new ApiError('1002', 'metrics token not accepted');
      }
    }
    return reply
      .type(metrics.contentType())
      .header('cache-control', 'no-store')
      .send(await metrics.render());
  });
}
