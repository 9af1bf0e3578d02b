import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../../modules/sessions/session-service.js';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[\\x20-\\x7e]+$' });
const Url = Type.String({ minLength: 1, maxLength: 2048 });

export const MintSessionBody = Type.Object(
  {
    amount: Type.String({ minLength: 1, maxLength: 32 }),
    currency: Type.String({ minLength: 3, maxLength: 3 }),
    customer_reference: Text(255),
    order_id: Text(255),
    notify_url: Url,
    success_redirect_url: Url,
    fail_redirect_url: Url,
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400 })),
    require_otp: Type.Optional(Type.Boolean()),
    customer: Type.Optional(
      Type.Object(
        {
          email: Type.Optional(Type.String({ maxLength: 254, pattern: '^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$' })),
          phone: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })),
        },
        { additionalProperties: false },
      ),
    ),
    metadata: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 40 }), Type.String({ maxLength: 500 }), { maxProperties: 50 })),
    capture_mode: Type.Optional(Type.Union([Type.Literal('HOSTED_SESSION'), Type.Literal('DIRECT_CAPTURE')])),
  },
  { additionalProperties: false },
);

const SessionParams = Type.Object({ session_id: Type.String({ pattern: '^cs_[a-z2-7]{20}$' }) });

/** Merchant boundary: mint a checkout session, read its state. */
export function sessionRoutes(app: FastifyInstance, deps: { sessions: SessionService }): void {
  app.post<{ Body: Static<typeof MintSessionBody> }>('/v1/sessions', { config: { auth: 'merchant' }, schema: { body: MintSessionBody } }, async (request, reply) => {
    const { session, token } = await deps.sessions.mint(request.merchant!.merchantId, request.body);
    return reply.code(201).send({
      ...deps.sessions.merchantView(session),
      session_id: session.id,
      session_token: token.reveal(),
      checkout_url: deps.sessions.checkoutUrl(session.id, token),
    });
  });

  app.get<{ Params: Static<typeof SessionParams> }>('/v1/sessions/:session_id', { config: { auth: 'merchant' }, schema: { params: SessionParams } }, async (request) => {
    return deps.sessions.merchantView(await deps.sessions.getForMerchant(request.merchant!.merchantId, request.params.session_id));
  });
}
