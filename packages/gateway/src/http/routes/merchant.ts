import type { FastifyInstance } from 'fastify';
import type { MerchantService } from '../../modules/merchants/merchant-service.js';

/** GET /v1/merchant — the calling merchant's profile and keys (no secrets). */
export function merchantRoutes(app: FastifyInstance, deps: { merchants: MerchantService }): void {
  app.get('/v1/merchant', { config: { auth: 'merchant' } }, async (request) => {
    return deps.merchants.describe(request.merchant!.merchantId);
  });
}
