import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { paymentView, refundView } from '../../modules/payments/payment-service.js';
import { sessionEventView } from '../../modules/sessions/session-service.js';
import { auditView } from './audit-routes.js';
import { DateText, Id, iso, merchantOf, page, PAGE, PageNo, time, type ConsoleDeps } from './console-common.js';

const PaymentsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 255 })),
    status: Type.Optional(Type.String({ maxLength: 32 })),
    amount: Type.Optional(Type.String({ pattern: '^([0-9]{1,12}(\\.[0-9]{1,3})?)?$' })),
    risk_level: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('normal'), Type.Literal('elevated'), Type.Literal('highest')])),
    from: Type.Optional(DateText),
    to: Type.Optional(DateText),
    page: PageNo,
  },
  { additionalProperties: false },
);
const RefundBody = Type.Object({ amount: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })) }, { additionalProperties: false });

/** Payments: the searchable list, one payment with everything about it, and refunds. */
export function dashboardPaymentRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { services } = deps;

  app.get<{ Querystring: Static<typeof PaymentsQuery> }>(
    '/dashboard/api/payments',
    { config: { dashboard: 'read' }, schema: { querystring: PaymentsQuery } },
    async (request) => {
      const q = request.query;
      const p = page(q.page);
      const found = await deps.payments.search(
        merchantOf(request),
        {
          text: q.q?.trim() || undefined,
          status: q.status || undefined,
          riskLevel: q.risk_level || undefined,
          amount: q.amount || undefined,
          from: time(q.from, 'from'),
          to: time(q.to, 'to'),
        },
        PAGE,
        (p - 1) * PAGE,
      );
      return { data: found.rows.map(paymentView), page: p, page_size: PAGE, total: found.total };
    },
  );

  app.get<{ Params: { payment_id: string } }>(
    '/dashboard/api/payments/:payment_id',
    { config: { dashboard: 'read' }, schema: { params: Type.Object({ payment_id: Id('pay') }) } },
    async (request) => {
      const merchantId = merchantOf(request);
      const payment = await services.payments.get(merchantId, request.params.payment_id);
      const session = await services.sessions.getForMerchant(merchantId, payment.session_id);
      const merchantSession = services.sessions.merchantView(session);
      const [refunds, history, events, audit, fraudReport] = await Promise.all([
        services.payments.refundsOf(payment.id),
        services.payments.transitionsOf(payment.id),
        deps.deliveries.listEvents(merchantId, { mentions: payment.id }, 50, 0),
        services.auditRepository.aboutResource(merchantId, [payment.id, session.id], 100),
        services.risk.fraudReportOf(merchantId, payment.id),
      ]);
      return {
        payment: paymentView(payment),
        session: {
          ...sessionEventView(session),
          customer: merchantSession.customer,
          metadata: merchantSession.metadata,
          require_otp: merchantSession.require_otp,
          otp_verified: merchantSession.otp_verified,
        },
        history: history.map((t) => ({ from: t.from, to: t.to, cause: t.cause, at: iso(t.at) })),
        refunds: refunds.map(refundView),
        events: await Promise.all(events.map((e) => services.webhooks.describeEvent(e.id, { merchantId }))),
        audit: audit.map(auditView),
        fraud_report: fraudReport,
      };
    },
  );

  app.post<{ Params: { payment_id: string }; Body: Static<typeof RefundBody> }>(
    '/dashboard/api/payments/:payment_id/refunds',
    { config: { dashboard: 'refund' }, schema: { params: Type.Object({ payment_id: Id('pay') }), body: RefundBody } },
    async (request, reply) => {
      const refund = await services.payments.refund(merchantOf(request), request.params.payment_id, request.body ?? {});
      return reply.code(201).send(refundView(refund));
    },
  );
}
