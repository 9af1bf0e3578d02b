import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PredicateError } from '../../modules/risk/predicate.js';
import type { RiskService } from '../../modules/risk/risk-service.js';
import { RULE_ACTIONS } from '../../modules/risk/rules.js';

const PaymentParams = Type.Object({ payment_id: Type.String({ pattern: '^pay_[a-z2-7]{20}$' }) });
const RuleParams = Type.Object({ rule_id: Type.String({ pattern: '^rule_[a-z2-7]{20}$' }) });
const FraudReportBody = Type.Object({ fraudulent: Type.Boolean() }, { additionalProperties: false });
// The predicate's length and shape are the parser's to judge: it names the position of the fault.
const RuleBody = Type.Object({ action: Type.Union(RULE_ACTIONS.map((a) => Type.Literal(a))), predicate: Type.String() }, { additionalProperties: false });

/** 400 1010 for a predicate the language refuses, naming the field and the position. */
export function invalidPredicate(request: FastifyRequest, reply: FastifyReply, err: PredicateError): FastifyReply {
  const message = `predicate: ${err.message}`;
  return reply
    .code(400)
    .type('application/json; charset=utf-8')
    .send({
      error: {
        status: 400,
        error_code: '1010',
        message,
        param: 'predicate',
        position: err.position,
        errors: [{ param: 'predicate', code: 'invalid_predicate', message: err.message }],
        request_id: request.id,
      },
    });
}

/** Merchant boundary: fraud reports on payments, and the merchant's risk rules. */
export function riskRoutes(app: FastifyInstance, deps: { risk: RiskService }): void {
  app.post<{ Params: Static<typeof PaymentParams>; Body: Static<typeof FraudReportBody> }>(
    '/v1/payments/:payment_id/fraud_report',
    { config: { auth: 'merchant' }, schema: { params: PaymentParams, body: FraudReportBody } },
    async (request) => deps.risk.reportFraud(request.merchant!.merchantId, request.params.payment_id, request.body.fraudulent),
  );

  app.get('/v1/risk/rules', { config: { auth: 'merchant' } }, async (request) => {
    return { object: 'list', data: await deps.risk.listRules(request.merchant!.merchantId), has_more: false };
  });

  app.post<{ Body: Static<typeof RuleBody> }>('/v1/risk/rules', { config: { auth: 'merchant' }, schema: { body: RuleBody } }, async (request, reply) => {
    try {
      return reply.code(201).send(await deps.risk.addRule(request.merchant!.merchantId, request.body));
    } catch (err) {
      if (err instanceof PredicateError) return invalidPredicate(request, reply, err);
      throw err;
    }
  });

  app.delete<{ Params: Static<typeof RuleParams> }>(
    '/v1/risk/rules/:rule_id',
    { config: { auth: 'merchant' }, schema: { params: RuleParams } },
    async (request) => {
      return deps.risk.removeRule(request.merchant!.merchantId, request.params.rule_id);
    },
  );
}
