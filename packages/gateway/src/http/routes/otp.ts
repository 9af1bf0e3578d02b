import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Secret } from '../../crypto/secret.js';
import type { OtpService } from '../../modules/otp/otp-service.js';
import type { SentCode } from '../../modules/otp/send-code.js';
import type { SessionService } from '../../modules/sessions/session-service.js';
import { idPattern } from '../../ids.js';

const SendBody = Type.Object({ channel: Type.Optional(Type.Union([Type.Literal('sms'), Type.Literal('email')])) }, { additionalProperties: false });
const VerifyBody = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false });
const OutboxQuery = Type.Object({ session_id: Type.String({ pattern: idPattern('cs') }) }, { additionalProperties: false });

const sentView = (sent: SentCode) => ({
  object: 'otp_challenge' as const,
  channel: sent.channel,
  sent_to: sent.sentTo,
  expires_at: new Date(sent.expiresAt).toISOString(),
});

/**
 * SDK boundary (Bearer session_token, fingerprint rules applied): the
 * customer's one-time code. In sandbox mode only, the merchant can read what
 * the outbox "delivered"; in live mode that route is not registered at all.
 */
export function otpRoutes(app: FastifyInstance, deps: { otp: OtpService; sessions: SessionService; sandbox: boolean }): void {
  type Send = { Body: Static<typeof SendBody> };
  const sendOptions = {
    config: { auth: 'session' as const },
    schema: { body: SendBody },
    // The body is optional: a bare POST means "the default channel".
    preValidation: async (request: FastifyRequest) => {
      request.body ??= {};
    },
  };

  app.post<Send>('/v1/otp/send', sendOptions, async (request) => sentView(await deps.otp.send(request.checkoutSession!, request.body.channel)));

  app.post<Send>('/v1/otp/resend', sendOptions, async (request) => sentView(await deps.otp.resend(request.checkoutSession!, request.body.channel)));

  app.post<{ Body: Static<typeof VerifyBody> }>('/v1/otp/verify', { config: { auth: 'session' }, schema: { body: VerifyBody } }, async (request) => {
    const session = request.checkoutSession!;
    const { verifiedAt } = await deps.otp.verify(session, new Secret(request.body.code));
    return { object: 'otp_verification', session_id: session.id, verified: true, verified_at: new Date(verifiedAt).toISOString() };
  });

  if (deps.sandbox && deps.otp.outbox) {
    app.get<{ Querystring: Static<typeof OutboxQuery> }>(
      '/v1/_sandbox/otp-outbox',
      { config: { auth: 'merchant' }, schema: { querystring: OutboxQuery } },
      async (request) => {
        // Another merchant's session is 1011, as if it did not exist.
        const session = await deps.sessions.getForMerchant(request.merchant!.merchantId, request.query.session_id);
        return { object: 'list', data: await deps.otp.outboxMessages(session.merchant_id, session.id), has_more: false };
      },
    );
  }
}
