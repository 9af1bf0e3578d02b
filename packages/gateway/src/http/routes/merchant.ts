import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SECURITY_CODE_RESULTS } from '../../modules/merchants/merchant-repository.js';
import type { MerchantService } from '../../modules/merchants/merchant-service.js';

/** POST /v1/merchant: the settings a merchant changes for itself. */
const MerchantUpdateBody = Type.Object(
  {
    /** Security-code results whose payments are declined (the authorization is voided, never captured); [] accepts every result. */
    security_code_decline: Type.Array(Type.Union(SECURITY_CODE_RESULTS.map((r) => Type.Literal(r))), { maxItems: 4, uniqueItems: true }),
  },
  { additionalProperties: false },
);

/** GET /v1/merchant — the calling merchant's profile and keys (no secrets); POST /v1/merchant — its settings. */
export function merchantRoutes(app: FastifyInstance, deps: { merchants: MerchantService }): void {
  app.get('/v1/merchant', { config: { auth: 'merchant' } }, async (request) => {
    return deps.merchants.describe(request.merchant!.merchantId);
  });

  app.post<{ Body: Static<typeof MerchantUpdateBody> }>(
    '/v1/merchant',
    { config: { auth: 'merchant' }, schema: { body: MerchantUpdateBody } },
    async (request) => {
      await deps.merchants.update(request.merchant!.merchantId, { securityCodeDecline: request.body.security_code_decline });
      return deps.merchants.describe(request.merchant!.merchantId);
    },
  );
}
