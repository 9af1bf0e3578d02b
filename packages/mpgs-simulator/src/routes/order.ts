import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { notFound } from '../errors.js';
import { toMpgsJson } from '../mpgs-json.js';
import { renderOrder } from '../render.js';
import { sendMpgsJson } from './reply.js';
import { MERCHANT_PREFIX, authorizeApiRequest, param } from './params.js';

/** GET …/order/{orderId}: order fields plus `transaction: [...]`. */
export function registerOrderRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.get(`${MERCHANT_PREFIX}/order/:orderId`, { config: { operation: 'RETRIEVE_ORDER' } }, async (request, reply) => {
    const { merchantId, apiVersion } = authorizeApiRequest(ctx, request);
    const orderId = param(request, 'orderId');
    const order = ctx.store.getOrder(merchantId, orderId);
    if (!order) throw notFound(`Order '${orderId}' not found`);
    return sendMpgsJson(reply, 200, toMpgsJson(renderOrder(merchantId, apiVersion, order)));
  });
}
