import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { notFound } from '../errors.js';
import { toMpgsJson } from '../mpgs-json.js';
import { performTransactionPut } from '../operations/index.js';
import { renderTransaction } from '../render.js';
import { sendMpgsJson } from './reply.js';
import { MERCHANT_PREFIX, authorizeApiRequest, param } from './params.js';

/** PUT performs an apiOperation; GET retrieves the transaction in the shape of the operation's answer. */
export function registerTransactionRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const path = `${MERCHANT_PREFIX}/order/:orderId/transaction/:transactionId`;

  app.put(path, async (request, reply) => {
    const { merchantId, apiVersion } = authorizeApiRequest(ctx, request);
    const exchange = performTransactionPut(ctx, {
      merchantId,
      apiVersion,
      orderId: param(request, 'orderId'),
      transactionId: param(request, 'transactionId'),
      body: request.body,
    });
    return sendMpgsJson(reply, exchange.status, exchange.body);
  });

  app.get(path, { config: { operation: 'RETRIEVE_TRANSACTION' } }, async (request, reply) => {
    const { merchantId, apiVersion } = authorizeApiRequest(ctx, request);
    const orderId = param(request, 'orderId');
    const transactionId = param(request, 'transactionId');
    const order = ctx.store.getOrder(merchantId, orderId);
    const transaction = order?.transactions.find((t) => t.id === transactionId);
    if (!order || !transaction) throw notFound(`Transaction '${transactionId}' on order '${orderId}' not found`);
    return sendMpgsJson(reply, 200, toMpgsJson(renderTransaction(merchantId, apiVersion, order, transaction)));
  });
}
