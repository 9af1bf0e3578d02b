import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ERROR_CATALOGUE } from '../../errors.js';
import { withMoneyRequestAudit } from '../../modules/audit/state-change-audit.js';
import { RefundBody } from '../../modules/payments/payment-schemas.js';
import { paymentView, refundView, type PaymentService } from '../../modules/payments/payment-service.js';
import { idPattern } from '../../ids.js';

const PaymentParams = Type.Object({ payment_id: Type.String({ pattern: idPattern('pay') }) });
const ListQuery = Type.Object({ order_id: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false });

/** Merchant boundary: authoritative payment status and refunds. */
export function paymentRoutes(app: FastifyInstance, deps: { payments: PaymentService }): void {
  const detailed = async (payment: Parameters<typeof paymentView>[0]) => ({
    ...paymentView(payment),
    refunds: (await deps.payments.refundsOf(payment.id)).map(refundView),
    history: (await deps.payments.transitionsOf(payment.id)).map((t) => ({ from: t.from, to: t.to, cause: t.cause, at: new Date(t.at).toISOString() })),
  });

  app.get<{ Params: Static<typeof PaymentParams> }>(
    '/v1/payments/:payment_id',
    { config: { auth: 'merchant' }, schema: { params: PaymentParams } },
    async (request) => {
      return detailed(await deps.payments.get(request.merchant!.merchantId, request.params.payment_id));
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>('/v1/payments', { config: { auth: 'merchant' }, schema: { querystring: ListQuery } }, async (request) => {
    const payments = await deps.payments.listByOrder(request.merchant!.merchantId, request.query.order_id);
    return { object: 'list', data: await Promise.all(payments.map(detailed)), has_more: false };
  });

  app.post<{ Params: Static<typeof PaymentParams>; Body: Static<typeof RefundBody> }>(
    '/v1/payments/:payment_id/refunds',
    { config: { auth: 'merchant' }, schema: { params: PaymentParams, body: RefundBody } },
    async (request, reply) => {
      const refund = await withMoneyRequestAudit(
        // A refund the network refuses answers 402 (1601); one it took or cannot tell yet, 201.
        request.moneyAudit((outcome) => (outcome === 'failed' ? ERROR_CATALOGUE['1601'].status : 201)),
        () => deps.payments.refund(request.merchant!.merchantId, request.params.payment_id, request.body ?? {}),
      );
      return reply.code(201).send(refundView(refund));
    },
  );
}
