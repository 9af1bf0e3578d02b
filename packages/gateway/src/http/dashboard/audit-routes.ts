import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditRecord } from '../../modules/audit/audit-repository.js';
import { DateText, iso, merchantOf, page, PageNo, time, type ConsoleDeps } from './console-common.js';

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

/** The audit log: searched page by page, or exported whole as a file. */
export function dashboardAuditRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { services } = deps;

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
}
