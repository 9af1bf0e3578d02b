import type { FastifyInstance } from 'fastify';
import { sendMpgsJson } from './reply.js';
import { API_PREFIX, apiVersionOf } from './params.js';

/** The version string `/information` reports (real gateways report their release, e.g. "100.0.0"). */
export const GATEWAY_VERSION = '100.0.0';

/** GET …/information — the unauthenticated health check: {"gatewayVersion":"…","status":"OPERATING"}. */
export function registerInformationRoutes(app: FastifyInstance): void {
  app.get(`${API_PREFIX}/information`, { config: { operation: 'INFORMATION' } }, async (request, reply) => {
    apiVersionOf(request);
    return sendMpgsJson(reply, 200, `{"gatewayVersion":"${GATEWAY_VERSION}","status":"OPERATING"}`);
  });
}
