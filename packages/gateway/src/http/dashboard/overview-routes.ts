import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { currencyCode, formatMinor } from '../../money.js';
import { iso, merchantOf, type ConsoleDeps } from './console-common.js';

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

/** The console's home page: payments, approval rate, volume, declines, webhook health and risk decisions of the period. */
export function dashboardOverviewRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { services } = deps;

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
}
