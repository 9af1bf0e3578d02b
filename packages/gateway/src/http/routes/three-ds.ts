import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.js';
import { isId } from '../../ids.js';
import { withMoneyRequestAudit } from '../../modules/audit/state-change-audit.js';
import type { PaymentService } from '../../modules/payments/payment-service.js';

/**
 * Where the customer's browser lands after the 3-D Secure challenge (the
 * `redirectResponseUrl`). The form fields it posts are ignored on purpose:
 * anyone can forge them. The payment service re-reads the authentication
 * from the network before acting, then redirects to the merchant's success
 * or fail URL.
 */
export function threeDsRoutes(app: FastifyInstance, deps: { payments: PaymentService }): void {
  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, _body, done) => done(null, {}));
    scope.post<{ Params: { payment_id: string } }>('/v1/3ds/return/:payment_id', async (request, reply) => {
      if (!isId('pay', request.params.payment_id)) throw new ApiError('1011', 'no such payment');
      const result = await withMoneyRequestAudit(
        request.moneyAudit(() => 303),
        () => deps.payments.completeChallenge(request.params.payment_id),
      );
      if (!result) throw new ApiError('1011', 'no such payment');
      return reply.code(303).header('Location', result.redirectTo).send();
    });
  });
}
