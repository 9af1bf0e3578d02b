import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CardNetwork } from '../../connectors/card-network.js';
import { ApiError } from '../../errors.js';
import { isId } from '../../ids.js';
import { withMoneyRequestAudit } from '../../modules/audit/state-change-audit.js';
import { AuthenticateBody, collectBody, type AuthenticateInput, type CollectInput } from '../../modules/payments/payment-schemas.js';
import { paymentView, type CollectResult, type PaymentService } from '../../modules/payments/payment-service.js';
import type { SessionService } from '../../modules/sessions/session-service.js';

/** Without a configured network the routes answer 1900; any short id passes the edge. */
const ANY_HOSTED_SESSION = '^[A-Za-z0-9._-]{1,64}$';

/** SDK boundary (Bearer session_token): what the customer sees, the card form, paying. */
export function checkoutRoutes(app: FastifyInstance, deps: { sessions: SessionService; payments: PaymentService; network: CardNetwork | undefined }): void {
  const network = () =>
    deps.network ??
    (() => {
      throw new ApiError('1900', 'the card network is not configured');
    })();
  const body = collectBody(deps.network?.hostedSessionIdPattern ?? ANY_HOSTED_SESSION);

  app.get('/v1/checkout', { config: { auth: 'session' } }, async (request) =>
    deps.sessions.checkoutView(request.checkoutSession!, request.headers['accept-language']),
  );

  // Where the shopper stands, in any state (paid, expired, cancelled too): the pending screen polls it.
  app.get('/v1/checkout/status', { config: { auth: 'session', sessionAnyState: true } }, async (request) =>
    deps.payments.checkoutStatus(request.checkoutSession!),
  );

  // "Back to {merchant}": an open session is cancelled (session.cancelled); the answer says where to go.
  app.post('/v1/checkout/cancel', { config: { auth: 'session' } }, async (request) => {
    const result = await deps.sessions.cancelByCustomer(request.checkoutSession!);
    return { object: 'checkout_cancel' as const, session_id: request.checkoutSession!.id, status: result.status, redirect_url: result.redirectUrl };
  });

  app.post('/v1/card/sessions', { config: { auth: 'session' } }, async (request, reply) => {
    const cardNetwork = network();
    // Recorded against this checkout session and merchant: the id is a credential, spent by the first attempt.
    const device = request.headers['x-device-fingerprint'];
    const client = { ip: request.ip, device: Array.isArray(device) ? device[0] : device };
    const fields = await deps.sessions.issueCardSession(request.checkoutSession!, client, (order) => cardNetwork.openHostedFields(order));
    // The tagged descriptor: the browser SDK renders the hosted fields through the adapter named by `network`.
    return reply.code(201).send({ object: 'card_session', network: fields.network, hosted_session_id: fields.hostedSessionId, ...fields.client });
  });

  const payerClient = (request: FastifyRequest) => {
    const device = request.headers['x-device-fingerprint'];
    return {
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? 'unknown',
      accept: request.headers.accept,
      device: Array.isArray(device) ? device[0] : device,
    };
  };
  // The request's one audit record is written with the payment's state change and carries the
  // fraud screening's decision; the answer's status follows the outcome.
  const moneyAudit = (request: FastifyRequest) => request.moneyAudit((outcome) => (outcome === 'succeeded' ? 200 : outcome === 'pending' ? 202 : 402));
  const answer = async (reply: FastifyReply, result: CollectResult) => {
    const completed = result.payment.status === 'succeeded' || result.payment.status === 'requires_capture';
    const redirectTo = completed ? await deps.payments.redirectIfAllowed(result.payment) : undefined;
    const redirect = redirectTo ? { redirect_url: redirectTo } : {};
    const body = { ...paymentView(result.payment), ...(result.nextAction ? { next_action: result.nextAction } : {}), ...redirect };
    return reply.code(result.payment.status === 'pending' || result.payment.status === 'capturing' ? 202 : 200).send(body);
  };

  app.post<{ Body: CollectInput }>('/v1/payments/collect', { config: { auth: 'session' }, schema: { body } }, async (request, reply) => {
    network();
    const client = payerClient(request);
    return answer(reply, await withMoneyRequestAudit(moneyAudit(request), () => deps.payments.collect(request.checkoutSession!, request.body, client)));
  });

  // After next_action three_d_secure_method: the browser ran the issuer's method frame.
  app.post<{ Params: { payment_id: string }; Body: AuthenticateInput }>(
    '/v1/payments/:payment_id/authenticate',
    { config: { auth: 'session' }, schema: { body: AuthenticateBody } },
    async (request, reply) => {
      network();
      if (!isId('pay', request.params.payment_id)) throw new ApiError('1011', `no payment ${request.params.payment_id}`);
      const client = payerClient(request);
      const result = await withMoneyRequestAudit(moneyAudit(request), () =>
        deps.payments.authenticate(request.checkoutSession!, request.params.payment_id, request.body ?? {}, client),
      );
      return answer(reply, result);
    },
  );
}
