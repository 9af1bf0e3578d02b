import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Mode, OtpSettings } from '../../config.js';
import { parseDuration } from '../../duration.js';
import { ApiError } from '../../errors.js';
import type { GatewayServices } from '../../services.js';
import type { AuditRecord } from '../../modules/audit/audit-repository.js';
import { DEFAULT_WARN_PERIOD_MS, effectiveFingerprintMode } from '../../modules/sessions/fingerprint.js';
import { currencyCode, formatMinor } from '../../money.js';
import type { PaymentRepository } from '../../modules/payments/payment-repository.js';
import { paymentView, refundView } from '../../modules/payments/payment-service.js';
import { sessionEventView } from '../../modules/sessions/session-service.js';
import { userView } from '../../modules/users/user-service.js';
import type { WebhookDeliveryRepository } from '../../modules/webhooks/delivery-repository.js';
import { sendTestEvent } from './test-event.js';

const PAGE = 25;
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const Id = (prefix: string) => Type.String({ pattern: `^${prefix}_[a-z2-7]{20,24}$` });
const KeyId = Type.String({ pattern: '^[a-z2-7]{16}$' });
const DateText = Type.String({ maxLength: 40 });
const PageNo = Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' }));

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
const CidrList = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 });
const CreateKeyBody = Type.Object({ ip_allowlist: Type.Optional(CidrList) }, { additionalProperties: false });
const RevokeBody = Type.Object({ expires_in: Type.Optional(Type.String({ maxLength: 10 })) }, { additionalProperties: false });
const AllowlistBody = Type.Object({ ip_allowlist: CidrList }, { additionalProperties: false });
const RotateBody = Type.Object({ overlap: Type.Optional(Type.String({ maxLength: 10 })) }, { additionalProperties: false });
const EventsQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 40 })),
    mentions: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(DateText),
    to: Type.Optional(DateText),
    page: PageNo,
  },
  { additionalProperties: false },
);
const TestEventBody = Type.Object({ notify_url: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false });
const SettingsBody = Type.Object(
  {
    redirect_hosts: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 100 })),
    fingerprint_mode: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('warn'), Type.Literal('enforce'), Type.Null()])),
  },
  { additionalProperties: false },
);
const InviteBody = Type.Object({ email: Type.String({ maxLength: 320 }), role: Type.String({ maxLength: 16 }) }, { additionalProperties: false });
const RoleBody = Type.Object({ role: Type.String({ maxLength: 16 }) }, { additionalProperties: false });
const AuditQuery = Type.Object(
  {
    request_id: Type.Optional(Type.String({ maxLength: 64 })),
    key_id: Type.Optional(Type.String({ maxLength: 64 })),
    user_id: Type.Optional(Type.String({ maxLength: 64 })),
    path: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(Type.String({ pattern: '^[1-5][0-9]{2}$' })),
    from: Type.Optional(DateText),
    to: Type.Optional(DateText),
    page: PageNo,
  },
  { additionalProperties: false },
);
const RangeQuery = Type.Object(
  { range: Type.Optional(Type.Union([Type.Literal('24h'), Type.Literal('7d'), Type.Literal('30d')])) },
  { additionalProperties: false },
);

const RISK_ACTIONS = ['allow', 'request_3ds', 'review', 'block'] as const;

/** Risk decisions of the period: totals per action, and per time bucket for the chart. */
function riskDecisions(rows: Array<{ bucket: number; action: string; count: number }>, buckets: number) {
  const totals = Object.fromEntries(RISK_ACTIONS.map((a) => [a, 0])) as Record<(typeof RISK_ACTIONS)[number], number>;
  const series = Array.from({ length: buckets }, () => ({ ...totals }));
  for (const r of rows) {
    if (!(RISK_ACTIONS as readonly string[]).includes(r.action)) continue;
    const action = r.action as (typeof RISK_ACTIONS)[number];
    totals[action] += r.count;
    series[Math.min(buckets - 1, Math.max(0, r.bucket))]![action] += r.count;
  }
  return { totals, series };
}

function time(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ApiError('1010', `${field}: a date or date-time such as 2026-01-31 or 2026-01-31T12:00:00Z`);
  return ms;
}

const page = (value: string | undefined) => Math.max(1, Number(value ?? '1'));
const AUDIT_EXPORT_MAX = 10_000;

function auditFilters(q: Static<typeof AuditQuery>) {
  return {
    requestId: q.request_id?.trim() || undefined,
    ...(q.key_id?.trim() ? { credentialId: q.key_id.trim(), credentialType: 'merchant_key' as const } : {}),
    ...(q.user_id?.trim() ? { credentialId: q.user_id.trim(), credentialType: 'dashboard_user' as const } : {}),
    path: q.path?.trim() || undefined,
    status: q.status ? Number(q.status) : undefined,
    from: time(q.from, 'from'),
    to: time(q.to, 'to'),
  };
}

export function auditView(r: AuditRecord) {
  return {
    request_id: r.requestId,
    at: iso(r.at),
    credential_type: r.credentialType,
    credential_id: r.credentialId,
    merchant_id: r.merchantId,
    source_ip: r.sourceIp,
    user_agent: r.userAgent,
    method: r.method,
    path: r.path,
    status: r.status,
    duration_ms: r.durationMs,
    body_fingerprint: r.bodyFingerprint,
    warnings: r.warnings,
  };
}

/**
 * The console's API: every route reads or acts through the gateway's own
 * services (the same ones behind the merchant API and the CLI), scoped to
 * the signed-in user's merchant, with the permission its role needs.
 */
export function dashboardConsoleRoutes(
  app: FastifyInstance,
  deps: { services: GatewayServices; payments: PaymentRepository; deliveries: WebhookDeliveryRepository; mode: Mode; otp: OtpSettings },
): void {
  const { services } = deps;
  const merchantOf = (request: { dashboardUser?: { merchant_id: string } }) => request.dashboardUser!.merchant_id;

  app.get<{ Querystring: Static<typeof RangeQuery> }>(
    '/dashboard/api/overview',
    { config: { dashboard: 'read' }, schema: { querystring: RangeQuery } },
    async (request) => {
      const range = request.query.range ?? '24h';
      const now = services.clock.now();
      const bucketMs = range === '24h' ? 3_600_000 : 86_400_000;
      const buckets = range === '24h' ? 24 : range === '7d' ? 7 : 30;
      const since = now - bucketMs * buckets;
      const stats = await deps.payments.statsSince(merchantOf(request), since, bucketMs);
      const health = await deps.deliveries.healthSince(merchantOf(request), since);
      const decisions = await services.risk.decisionsSince(merchantOf(request), since, bucketMs);
      const currencies = new Map<string, number>();
      for (const r of stats.series) if (r.status === 'succeeded') currencies.set(r.currency, (currencies.get(r.currency) ?? 0) + r.minor);
      const currency = [...currencies.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
      const series = Array.from({ length: buckets }, (_, i) => ({ start: iso(since + i * bucketMs)!, succeeded: 0, failed: 0, other: 0, volume_minor: 0 }));
      for (const r of stats.series) {
        const b = series[Math.min(buckets - 1, Math.max(0, r.bucket))]!;
        if (r.status === 'succeeded') {
          b.succeeded += r.count;
          if (r.currency === currency) b.volume_minor += r.minor;
        } else if (r.status === 'failed') b.failed += r.count;
        else b.other += r.count;
      }
      const code = currency ? currencyCode(currency) : undefined;
      const succeeded = series.reduce((n, b) => n + b.succeeded, 0);
      const failed = series.reduce((n, b) => n + b.failed, 0);
      return {
        range,
        since: iso(since),
        currency,
        totals: {
          payments: succeeded + failed + series.reduce((n, b) => n + b.other, 0),
          succeeded,
          failed,
          approval_rate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
          volume: code
            ? formatMinor(
                series.reduce((n, b) => n + b.volume_minor, 0),
                code,
              )
            : '0',
          volume_by_currency: Object.fromEntries([...currencies.entries()].map(([c, minor]) => [c, formatMinor(minor, currencyCode(c)!)])),
        },
        series: series.map((b) => ({
          ...b,
          volume: code ? Number(formatMinor(b.volume_minor, code)) : 0,
          approval_rate: b.succeeded + b.failed > 0 ? b.succeeded / (b.succeeded + b.failed) : null,
        })),
        decline_reasons: stats.declines.sort((a, b) => b.count - a.count).map((d) => ({ reason: d.code ?? 'unknown', count: d.count })),
        webhooks: { attempts: health.attempts, deliveries: health.deliveries },
        risk_decisions: riskDecisions(decisions, buckets),
      };
    },
  );

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

  app.get('/dashboard/api/keys', { config: { dashboard: 'read' } }, async (request) => {
    const keys = await services.keyService.list(merchantOf(request));
    const lastUsed = await services.auditRepository.lastUsed(
      merchantOf(request),
      keys.map((k) => k.key_id),
    );
    return { data: keys.map((k) => ({ ...k, last_used_at: iso(lastUsed.get(k.key_id)) })).reverse() };
  });

  app.post<{ Body: Static<typeof CreateKeyBody> }>(
    '/dashboard/api/keys',
    { config: { dashboard: 'manage_keys' }, schema: { body: CreateKeyBody } },
    async (request, reply) => {
      const issued = await services.keyService.issue(merchantOf(request), request.body.ip_allowlist ?? []);
      return reply.code(201).send({ key_id: issued.keyId, ip_allowlist: issued.ipAllowlist, merchant_secret: issued.merchantSecret.reveal() });
    },
  );

  app.post<{ Params: { key_id: string }; Body: Static<typeof RevokeBody> }>(
    '/dashboard/api/keys/:key_id/revoke',
    { config: { dashboard: 'manage_keys' }, schema: { params: Type.Object({ key_id: KeyId }), body: RevokeBody } },
    async (request) => {
      const keys = await services.keyService.list(merchantOf(request));
      if (!keys.some((k) => k.key_id === request.params.key_id)) throw new ApiError('1011', `no key ${request.params.key_id}`);
      let expiresInMs: number | undefined;
      if (request.body.expires_in) {
        expiresInMs = parseDuration(request.body.expires_in);
        if (expiresInMs === undefined) throw new ApiError('1010', 'expires_in: a duration such as 30m, 24h or 7d');
      }
      return services.keyService.revoke(request.params.key_id, expiresInMs);
    },
  );

  app.put<{ Params: { key_id: string }; Body: Static<typeof AllowlistBody> }>(
    '/dashboard/api/keys/:key_id/ip-allowlist',
    { config: { dashboard: 'manage_keys' }, schema: { params: Type.Object({ key_id: KeyId }), body: AllowlistBody } },
    async (request) =>
      services.keyService.setIpAllowlist(merchantOf(request), request.params.key_id, request.body.ip_allowlist.map((c) => c.trim()).filter(Boolean)),
  );

  app.post<{ Body: Static<typeof RotateBody> }>(
    '/dashboard/api/webhook-secret/rotate',
    { config: { dashboard: 'manage_webhooks' }, schema: { body: RotateBody } },
    async (request) => {
      const overlap = parseDuration(request.body.overlap ?? '24h');
      if (overlap === undefined) throw new ApiError('1010', 'overlap: a duration such as 0s, 1h or 24h');
      const rotated = await services.webhooks.rotateSecret(merchantOf(request), overlap);
      return { webhook_secret: rotated.webhookSecret.reveal(), previous_expires_at: iso(rotated.previousExpiresAt) };
    },
  );

  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/dashboard/api/events',
    { config: { dashboard: 'read' }, schema: { querystring: EventsQuery } },
    async (request) => {
      const q = request.query;
      const p = page(q.page);
      const events = await deps.deliveries.listEvents(
        merchantOf(request),
        { type: q.type || undefined, mentions: q.mentions?.trim() || undefined, from: time(q.from, 'from'), to: time(q.to, 'to') },
        PAGE,
        (p - 1) * PAGE,
      );
      const deliveries = await deps.deliveries.deliveriesOfEvents(events.map((e) => e.id));
      const latest = new Map(deliveries.map((d) => [d.event_id, d]));
      return {
        data: events.map((e) => ({
          id: e.id,
          type: e.type,
          created_at: iso(e.created_at),
          notify_url: e.notify_url,
          state: latest.get(e.id)?.state ?? null,
          attempts: latest.get(e.id)?.attempt_count ?? 0,
        })),
        page: p,
        page_size: PAGE,
      };
    },
  );

  app.get<{ Params: { event_id: string } }>(
    '/dashboard/api/events/:event_id',
    { config: { dashboard: 'read' }, schema: { params: Type.Object({ event_id: Id('evt') }) } },
    async (request) => {
      const view = await services.webhooks.describeEvent(request.params.event_id, { merchantId: merchantOf(request) });
      const event = await deps.deliveries.findEvent(request.params.event_id);
      return { ...view, payload: event ? (JSON.parse(event.payload) as unknown) : null };
    },
  );

  app.post<{ Params: { event_id: string } }>(
    '/dashboard/api/events/:event_id/redeliver',
    { config: { dashboard: 'manage_webhooks' }, schema: { params: Type.Object({ event_id: Id('evt') }) } },
    async (request) => {
      const started = await services.webhooks.redeliver(request.params.event_id, { merchantId: merchantOf(request) });
      return { event_id: started.eventId, delivery_id: started.deliveryId, next_attempt_at: iso(started.nextAttemptAt) };
    },
  );

  app.post<{ Body: Static<typeof TestEventBody> }>(
    '/dashboard/api/events/test',
    { config: { dashboard: 'manage_webhooks' }, schema: { body: TestEventBody } },
    async (request, reply) => {
      const sent = await sendTestEvent(services, merchantOf(request), request.body.notify_url, deps.mode === 'sandbox', request.dashboardUser!.id);
      return reply.code(201).send(sent);
    },
  );

  app.get('/dashboard/api/settings', { config: { dashboard: 'read' } }, async (request) => {
    const merchant = await services.merchants.get(merchantOf(request));
    const now = services.clock.now();
    return {
      redirect_hosts: merchant.redirectHosts,
      fingerprint: {
        configured: merchant.fingerprintMode,
        effective: effectiveFingerprintMode(merchant.fingerprintMode, merchant.createdAt, now),
        default_warn_days: DEFAULT_WARN_PERIOD_MS / 86_400_000,
        default_enforce_from: iso(merchant.createdAt + DEFAULT_WARN_PERIOD_MS),
      },
      otp_channels: { email: deps.otp.email, sms: deps.otp.sms },
      risk: await services.risk.policy(merchantOf(request)),
      mode: deps.mode,
    };
  });

  app.put<{ Body: Static<typeof SettingsBody> }>(
    '/dashboard/api/settings',
    { config: { dashboard: 'manage_settings' }, schema: { body: SettingsBody } },
    async (request) => {
      const merchant = await services.merchants.update(merchantOf(request), {
        ...(request.body.redirect_hosts !== undefined ? { redirectHosts: request.body.redirect_hosts.map((h) => h.trim()).filter(Boolean) } : {}),
        ...(request.body.fingerprint_mode !== undefined ? { fingerprintMode: request.body.fingerprint_mode } : {}),
      });
      return { redirect_hosts: merchant.redirectHosts, fingerprint_mode: merchant.fingerprintMode };
    },
  );

  app.get('/dashboard/api/team', { config: { dashboard: 'read' } }, async (request) => ({
    data: (await services.users.team(merchantOf(request))).map(userView),
  }));

  app.post<{ Body: Static<typeof InviteBody> }>(
    '/dashboard/api/team',
    { config: { dashboard: 'manage_team' }, schema: { body: InviteBody } },
    async (request, reply) => {
      const created = await services.users.create({
        merchantId: merchantOf(request),
        email: request.body.email,
        role: request.body.role,
        createdBy: request.dashboardUser!.id,
      });
      return reply.code(201).send({ user: userView(created.user), setup_url: created.setupUrl, expires_at: iso(created.expiresAt) });
    },
  );

  app.put<{ Params: { user_id: string }; Body: Static<typeof RoleBody> }>(
    '/dashboard/api/team/:user_id',
    { config: { dashboard: 'manage_team' }, schema: { params: Type.Object({ user_id: Id('usr') }), body: RoleBody } },
    async (request) => userView(await services.users.changeRole(merchantOf(request), request.params.user_id, request.body.role)),
  );

  app.post<{ Params: { user_id: string } }>(
    '/dashboard/api/team/:user_id/remove',
    { config: { dashboard: 'manage_team' }, schema: { params: Type.Object({ user_id: Id('usr') }) } },
    async (request) => userView(await services.users.remove(merchantOf(request), request.params.user_id)),
  );

  app.post<{ Params: { user_id: string } }>(
    '/dashboard/api/team/:user_id/setup-link',
    { config: { dashboard: 'manage_team' }, schema: { params: Type.Object({ user_id: Id('usr') }) } },
    async (request) => {
      const member = (await services.users.team(merchantOf(request))).find((u) => u.id === request.params.user_id);
      if (!member) throw new ApiError('1011', `no user ${request.params.user_id}`);
      const link = await services.users.reissueSetupLink(member.id);
      return { setup_url: link.setupUrl, expires_at: iso(link.expiresAt) };
    },
  );

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/dashboard/api/audit',
    { config: { dashboard: 'read' }, schema: { querystring: AuditQuery } },
    async (request) => {
      const q = request.query;
      const p = page(q.page);
      const records = await services.auditRepository.search(merchantOf(request), auditFilters(q), 50, (p - 1) * 50);
      return { data: records.map(auditView), page: p, page_size: 50 };
    },
  );

  // The same search as a file: one JSON record per line, newest first, every field (at most AUDIT_EXPORT_MAX records).
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/dashboard/api/audit/export',
    { config: { dashboard: 'read' }, schema: { querystring: AuditQuery } },
    async (request, reply) => {
      const filters = auditFilters(request.query);
      const lines: string[] = [];
      for (let offset = 0; offset < AUDIT_EXPORT_MAX; offset += 500) {
        const batch = await services.auditRepository.search(merchantOf(request), filters, 500, offset);
        for (const r of batch) lines.push(JSON.stringify(auditView(r)));
        if (batch.length < 500) break;
      }
      const stamp = new Date(services.clock.now()).toISOString().replace(/[:.]/g, '-');
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="pdirect-audit-${stamp}.ndjson"`)
        .header('cache-control', 'no-store')
        .send(lines.length ? `${lines.join('\n')}\n` : '');
    },
  );

  app.all('/dashboard/api/*', { config: { dashboard: 'read' } }, async (request) => {
    throw new ApiError('1011', `no route ${request.method} ${request.url.split('?')[0]}`);
  });
}
