import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { idPattern } from '../../ids.js';
import { MintSessionBody } from '../../modules/sessions/session-schemas.js';
import type { SessionService } from '../../modules/sessions/session-service.js';

const SessionParams = Type.Object({ session_id: Type.String({ pattern: idPattern('cs') }) });

/** Merchant boundary: mint a checkout session, read its state. */
export function sessionRoutes(app: FastifyInstance, deps: { sessions: SessionService }): void {
  app.post<{ Body: Static<typeof MintSessionBody> }>(
    '/v1/sessions',
    { config: { auth: 'merchant' }, schema: { body: MintSessionBody } },
    async (request, reply) => {
      const { session, token } = await deps.sessions.mint(request.merchant!.merchantId, request.body);
      return reply.code(201).send({
        ...deps.sessions.merchantView(session),
        session_id: session.id,
        session_token: token.reveal(),
        checkout_url: deps.sessions.checkoutUrl(session.id, token),
      });
    },
  );

  app.get<{ Params: Static<typeof SessionParams> }>(
    '/v1/sessions/:session_id',
    { config: { auth: 'merchant' }, schema: { params: SessionParams } },
    async (request) => {
      return deps.sessions.merchantView(await deps.sessions.getForMerchant(request.merchant!.merchantId, request.params.session_id));
    },
  );
}
