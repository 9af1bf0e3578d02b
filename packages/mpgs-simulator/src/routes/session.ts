import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { toMpgsJson } from '../mpgs-json.js';
import { sendMpgsJson } from './reply.js';
import { createSession, renderSession, renderSessionCreated, requireSession, updateSession } from '../sessions.js';
import { MERCHANT_PREFIX, authorizeApiRequest, param } from './params.js';

/** Create, update and retrieve hosted sessions (server side, Basic auth). */
export function registerSessionRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.post(`${MERCHANT_PREFIX}/session`, { config: { operation: 'CREATE_SESSION' } }, async (request, reply) => {
    const { merchantId, apiVersion } = authorizeApiRequest(ctx, request);
    const session = createSession(ctx, merchantId, apiVersion, request.body);
    return sendMpgsJson(reply, 201, toMpgsJson(renderSessionCreated(session)));
  });

  app.put(`${MERCHANT_PREFIX}/session/:sessionId`, { config: { operation: 'UPDATE_SESSION' } }, async (request, reply) => {
    const { merchantId, apiVersion } = authorizeApiRequest(ctx, request);
    const session = requireSession(ctx, merchantId, param(request, 'sessionId'), apiVersion);
    updateSession(ctx, session, request.body);
    return sendMpgsJson(reply, 200, toMpgsJson(renderSession(session, apiVersion)));
  });

  app.get(`${MERCHANT_PREFIX}/session/:sessionId`, { config: { operation: 'RETRIEVE_SESSION' } }, async (request, reply) => {
    const { merchantId, apiVersion } = authorizeApiRequest(ctx, request);
    const session = requireSession(ctx, merchantId, param(request, 'sessionId'), apiVersion);
    return sendMpgsJson(reply, 200, toMpgsJson(renderSession(session, apiVersion)));
  });
}
