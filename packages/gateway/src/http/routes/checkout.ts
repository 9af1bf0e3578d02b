import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CardNetwork } from '../../connectors/mpgs/index.js';
import { ApiError } from '../../errors.js';
import { paymentView, type PaymentService } from '../../modules/payments/payment-service.js';
import type { SessionService } from '../../modules/sessions/session-service.js';

const Browser = Type.Object(
  {
    userAgent: Type.Optional(Type.String({ maxLength: 2048 })),
    acceptHeaders: Type.Optional(Type.String({ maxLength: 2048 })),
    challengeWindowSize: Type.Optional(
      Type.Union([Type.Literal('FULL_SCREEN'), Type.Literal('250_X_400'), Type.Literal('390_X_400'), Type.Literal('500_X_600'), Type.Literal('600_X_400')]),
    ),
    colorDepth: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    javaEnabled: Type.Optional(Type.Boolean()),
    language: Type.Optional(Type.String({ maxLength: 35 })),
    screenHeight: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    screenWidth: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    timeZone: Type.Optional(Type.Integer({ minimum: -840, maximum: 840 })),
  },
  { additionalProperties: false },
);

export const CollectBody = Type.Object(
  {
    payment_method: Type.Literal('card'),
    hosted_session_id: Type.String({ pattern: '^SESSION[0-9A-Z]{24}$' }),
    browser: Type.Optional(Browser),
    // Legacy callers only; the session's values are what is charged.
    amount: Type.Optional(Type.String({ maxLength: 64 })),
    currency: Type.Optional(Type.String({ maxLength: 16 })),
    customer_reference: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

/** SDK boundary (Bearer session_token): what the customer sees, the card form, paying. */
export function checkoutRoutes(app: FastifyInstance, deps: { sessions: SessionService; payments: PaymentService; network: CardNetwork | undefined }): void {
  const network = () => deps.network ?? (() => { throw new ApiError('1900', 'the card network is not configured'); })();

  app.get('/v1/checkout', { config: { auth: 'session' } }, async (request) => deps.sessions.checkoutView(request.checkoutSession!));

  app.post('/v1/card/sessions', { config: { auth: 'session' } }, async (request, reply) => {
    const hosted = await network().openHostedSession();
    return reply.code(201).send({
      object: 'card_session',
      hosted_session_id: hosted.hostedSessionId,
      session_js_url: hosted.sessionJsUrl,
      api_version: hosted.apiVersion,
      merchant_id: hosted.merchantId,
    });
  });

  app.post<{ Body: Static<typeof CollectBody> }>('/v1/payments/collect', { config: { auth: 'session' }, schema: { body: CollectBody } }, async (request, reply) => {
    network();
    const result = await deps.payments.collect(request.checkoutSession!, request.body, { ip: request.ip, userAgent: request.headers['user-agent'] ?? 'unknown' });
    const redirect = result.payment.status === 'succeeded' ? { redirect_url: (await deps.payments.redirectFor(result.payment)).redirectTo } : {};
    const body = { ...paymentView(result.payment), ...(result.nextAction ? { next_action: result.nextAction } : {}), ...redirect };
    return reply.code(result.payment.status === 'pending' ? 202 : 200).send(body);
  });
}
