import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { paymentView } from '../../modules/payments/payment-service.js';
import type { PaymentRepository } from '../../modules/payments/payment-repository.js';
import { PredicateError } from '../../modules/risk/predicate.js';
import { RULE_ACTIONS } from '../../modules/risk/rules.js';
import type { GatewayServices } from '../../services.js';
import { invalidPredicate } from '../routes/risk.js';
import { requireCapture } from './capture-seam.js';

const PaymentParams = Type.Object({ payment_id: Type.String({ pattern: '^pay_[a-z2-7]{20,24}$' }) });
const RuleParams = Type.Object({ rule_id: Type.String({ pattern: '^rule_[a-z2-7]{20}$' }) });
// As on /v1/risk/rules: the predicate's length and shape are the parser's to judge (it names the position).
const RuleBody = Type.Object({ action: Type.Union(RULE_ACTIONS.map((a) => Type.Literal(a))), predicate: Type.String() }, { additionalProperties: false });
const OrderBody = Type.Object({ rule_ids: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 100 }) }, { additionalProperties: false });
const DryRunBody = Type.Object({ predicate: Type.String(), days: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })) }, { additionalProperties: false });
const FraudBody = Type.Object({ fraudulent: Type.Boolean() }, { additionalProperties: false });
const Reason = Type.Optional(Type.String({ maxLength: 500 }));
const CaptureBody = Type.Object({ amount: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })), reason: Reason }, { additionalProperties: false });
const CancelBody = Type.Object({ reason: Reason }, { additionalProperties: false });
const ReviewsQuery = Type.Object({ page: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })) }, { additionalProperties: false });

const DAY = 86_400_000;
const PAGE = 25;

/**
 * The console's risk pages: the rules editor (through modules/risk, same
 * grammar and errors as /v1/risk/rules) with its dry run, fraud / not-fraud
 * feedback, and the review queue with Approve (capture) / Reject (cancel),
 * which go through the capture seam (capture-seam.ts).
 */
export function dashboardRiskRoutes(app: FastifyInstance, deps: { services: GatewayServices; payments: PaymentRepository }): void {
  const { risk } = deps.services;
  const merchantOf = (request: { dashboardUser?: { merchant_id: string } }) => request.dashboardUser!.merchant_id;

  app.get('/dashboard/api/risk/rules', { config: { dashboard: 'read' } }, async (request) => ({ data: await risk.listRules(merchantOf(request)) }));

  app.post<{ Body: Static<typeof RuleBody> }>(
    '/dashboard/api/risk/rules',
    { config: { dashboard: 'manage_risk_rules' }, schema: { body: RuleBody } },
    async (request, reply) => {
      try {
        return reply.code(201).send(await risk.addRule(merchantOf(request), request.body));
      } catch (err) {
        if (err instanceof PredicateError) return invalidPredicate(request, reply, err);
        throw err;
      }
    },
  );

  app.delete<{ Params: Static<typeof RuleParams> }>(
    '/dashboard/api/risk/rules/:rule_id',
    { config: { dashboard: 'manage_risk_rules' }, schema: { params: RuleParams } },
    async (request) => risk.removeRule(merchantOf(request), request.params.rule_id),
  );

  app.put<{ Body: Static<typeof OrderBody> }>(
    '/dashboard/api/risk/rules/order',
    { config: { dashboard: 'manage_risk_rules' }, schema: { body: OrderBody } },
    async (request) => ({ data: await risk.reorderRules(merchantOf(request), request.body.rule_ids) }),
  );

  // A read: nothing is stored. POST because a predicate is a body, not a query string.
  app.post<{ Body: Static<typeof DryRunBody> }>(
    '/dashboard/api/risk/rules/dry-run',
    { config: { dashboard: 'read' }, schema: { body: DryRunBody } },
    async (request, reply) => {
      const days = request.body.days ?? 30;
      try {
        return await risk.dryRunRule(merchantOf(request), request.body.predicate, deps.services.clock.now() - days * DAY);
      } catch (err) {
        if (err instanceof PredicateError) return invalidPredicate(request, reply, err);
        throw err;
      }
    },
  );

  app.post<{ Params: Static<typeof PaymentParams>; Body: Static<typeof FraudBody> }>(
    '/dashboard/api/payments/:payment_id/fraud-report',
    { config: { dashboard: 'review' }, schema: { params: PaymentParams, body: FraudBody } },
    async (request) => risk.reportFraud(merchantOf(request), request.params.payment_id, request.body.fraudulent),
  );

  // The queue: payments the risk engine sent to review that wait for a capture decision.
  app.get<{ Querystring: Static<typeof ReviewsQuery> }>(
    '/dashboard/api/reviews',
    { config: { dashboard: 'read' }, schema: { querystring: ReviewsQuery } },
    async (request) => {
      const p = Math.max(1, Number(request.query.page ?? '1'));
      const found = await deps.payments.search(merchantOf(request), { status: 'requires_capture', riskAction: 'review' }, PAGE, (p - 1) * PAGE);
      const data = await Promise.all(
        found.rows.map(async (row) => ({ ...paymentView(row), fraud_report: await risk.fraudReportOf(merchantOf(request), row.id) })),
      );
      return { data, page: p, page_size: PAGE, total: found.total };
    },
  );

  app.post<{ Params: Static<typeof PaymentParams>; Body: Static<typeof CaptureBody> }>(
    '/dashboard/api/payments/:payment_id/capture',
    { config: { dashboard: 'review' }, schema: { params: PaymentParams, body: CaptureBody } },
    async (request) => {
      noteReason(request, 'capture', request.body.reason);
      const useCases = requireCapture();
      const payment = await useCases.capturePayment(deps.services, merchantOf(request), request.params.payment_id, request.body.amount);
      return describe(deps.services, merchantOf(request), payment.id);
    },
  );

  app.post<{ Params: Static<typeof PaymentParams>; Body: Static<typeof CancelBody> }>(
    '/dashboard/api/payments/:payment_id/cancel',
    { config: { dashboard: 'review' }, schema: { params: PaymentParams, body: CancelBody } },
    async (request) => {
      noteReason(request, 'cancel', request.body.reason);
      const useCases = requireCapture();
      const payment = await useCases.cancelPayment(deps.services, merchantOf(request), request.params.payment_id);
      return describe(deps.services, merchantOf(request), payment.id);
    },
  );
}

/** The reviewer's reason goes on the audit record of the console action (control characters removed). */
function noteReason(request: { auditWarnings: string[] }, action: string, reason: string | undefined): void {
  const text = reason?.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  if (text) request.auditWarnings.push(`${action} reason: ${text}`);
}

async function describe(services: GatewayServices, merchantId: string, paymentId: string) {
  return paymentView(await services.payments.get(merchantId, paymentId));
}
