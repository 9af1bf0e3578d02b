import type { FastifyInstance } from 'fastify';
import { sendMpgsJson } from './reply.js';
import { API_PREFIX, apiVersionOf } from './params.js';

/** GET …/information — the unauthenticated health check: {"status":"OPERATING"}. */
export function registerInformationRoutes(app: FastifyInstance): void {
  app.get(`${API_PREFIX}/information`, { config: { operation: 'INFORMATION' } }, async (request, reply) => {
    apiVersionOf(request);
    return sendMpgsJson(reply, 200, '{"status":"OPERATING"}');
  });
}
