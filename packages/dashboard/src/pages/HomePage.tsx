import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api';
import { ErrorNotice, TableHead } from '../components';

type Range = '24h' | '7d' | '30d';
interface Overview {
  range: Range;
  currency: string | null;
  totals: { payments: number; succeeded: number; failed: number; approval_rate: number | null; volume: string; volume_by_currency: Record<string, string> };
  series: Array<{ start: string; succeeded: number; failed: number; volume: number; approval_rate: number | null }>;
  decline_reasons: Array<{ reason: string; count: number }>;
  webhooks: { attempts: Record<string, number>; deliveries: Record<string, number> };
  risk_decisions: { totals: Record<RiskAction, number>; series: Array<Record<RiskAction, number>> };
}
type RiskAction = 'allow' | 'request_3ds' | 'review' | 'block';
const RISK_ACTIONS: Array<[RiskAction, string, string]> = [
  ['allow', 'Allowed', '#2e7d32'],
  ['request_3ds', 'Sent to 3-D Secure', '#0172ad'],
  ['review', 'Held for review', '#b26a00'],
  ['block', 'Blocked', '#c62828'],
];

const RANGES: Array<[Range, string]> = [
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
];
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`);

export function HomePage() {
  const [range, setRange] = useState<Range>('24h');
  const overview = useQuery({ queryKey: ['overview', range], queryFn: () => api<Overview>('/overview', { query: { range } }) });
  const data = overview.data;
  const label = (iso: string) => (range === '24h' ? iso.slice(11, 16) : iso.slice(5, 10));
  const series =
    data?.series.map((b) => ({ ...b, label: label(b.start), approval: b.approval_rate === null ? null : Math.round(b.approval_rate * 1000) / 10 })) ?? [];
  const attempts = data?.webhooks.attempts ?? {};
  const deliveries = data?.webhooks.deliveries ?? {};

  return (
    <>
      <h1>Home</h1>
      <fieldset role="group" aria-label="Time range">
        {RANGES.map(([value, text]) => (
          <button
            key={value}
            type="button"
            className={range === value ? '' : 'secondary outline'}
            aria-pressed={range === value}
            onClick={() => setRange(value)}
          >
            {text}
          </button>
        ))}
      </fieldset>
      <ErrorNotice error={overview.error} />
      {overview.isPending ? <p aria-busy="true">Loading figures…</p> : null}
      {data ? (
        <>
          <section className="stats" aria-label="Figures">
            <article>
              <span className="stat-value" data-testid="volume">
                {data.totals.volume} {data.currency?.toUpperCase() ?? ''}
              </span>
              Volume (succeeded payments)
            </article>
            <article>
              <span className="stat-value">{percent(data.totals.approval_rate)}</span>Approval rate ({data.totals.succeeded} succeeded, {data.totals.failed}{' '}
              declined or failed)
            </article>
            <article>
              <span className="stat-value">{data.totals.payments}</span>Payment attempts
            </article>
            <article>
              <span className="stat-value">
                {attempts.succeeded ?? 0} / {(attempts.succeeded ?? 0) + (attempts.failed ?? 0)}
              </span>
              Webhook attempts that succeeded
            </article>
          </section>

          <section aria-labelledby="volume-h">
            <h2 id="volume-h">Volume{data.currency ? ` (${data.currency.toUpperCase()})` : ''}</h2>
            <div
              className="chart"
              role="img"
              aria-label={`Bar chart of succeeded payment volume per ${range === '24h' ? 'hour' : 'day'}; total ${data.totals.volume}`}
            >
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={series}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis />
                  <Tooltip />
                  <Bar dataKey="volume" name="Volume" fill="#0172ad" />
                </BarChart>
              </ResponsiveContainer>
            </div>
            {Object.keys(data.totals.volume_by_currency).length > 1 ? (
              <p>
                By currency:{' '}
                {Object.entries(data.totals.volume_by_currency)
                  .map(([c, v]) => `${v} ${c.toUpperCase()}`)
                  .join(', ')}
              </p>
            ) : null}
          </section>

          <section aria-labelledby="approval-h">
            <h2 id="approval-h">Approval rate</h2>
            <div className="chart" role="img" aria-label={`Line chart of the approval rate; overall ${percent(data.totals.approval_rate)}`}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={series}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis domain={[0, 100]} unit="%" />
                  <Tooltip />
                  <Line dataKey="approval" name="Approval rate (%)" stroke="#0172ad" connectNulls />
                </LineChart>
              </ResponsiveContainer>
            </div>
          </section>

          <section aria-labelledby="declines-h">
            <h2 id="declines-h">Decline reasons</h2>
            {data.decline_reasons.length === 0 ? (
              <p>No declined or failed payments in this period.</p>
            ) : (
              <table>
                <caption className="sr-only">Declined and failed payments by gateway code</caption>
                <TableHead columns={['Reason (gateway code)', 'Payments']} />
                <tbody>
                  {data.decline_reasons.map((d) => (
                    <tr key={d.reason}>
                      <td>{d.reason}</td>
                      <td>{d.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section aria-labelledby="risk-h">
            <h2 id="risk-h">Risk decisions</h2>
            <div
              className="chart"
              role="img"
              aria-label={`Stacked bar chart of fraud-screening decisions per ${range === '24h' ? 'hour' : 'day'}; ${RISK_ACTIONS.map(
                ([a, text]) => `${text.toLowerCase()} ${data.risk_decisions.totals[a]}`,
              ).join(', ')}`}
            >
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={data.risk_decisions.series.map((b, i) => ({ ...b, label: series[i]?.label ?? '' }))}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  {RISK_ACTIONS.map(([a, text, colour]) => (
                    <Bar key={a} dataKey={a} name={text} stackId="risk" fill={colour} />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </div>
            <table data-testid="risk-decisions">
              <caption className="sr-only">Fraud-screening decisions in this period</caption>
              <TableHead columns={['Decision', 'Attempts']} />
              <tbody>
                {RISK_ACTIONS.map(([a, text]) => (
                  <tr key={a}>
                    <td>
                      {text} (<code>{a}</code>)
                    </td>
                    <td>{data.risk_decisions.totals[a]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section aria-labelledby="webhooks-h">
            <h2 id="webhooks-h">Webhook health</h2>
            <table>
              <TableHead columns={['Measure', 'Count']} />
              <tbody>
                <tr>
                  <td>Attempts that succeeded</td>
                  <td>{attempts.succeeded ?? 0}</td>
                </tr>
                <tr>
                  <td>Attempts that failed</td>
                  <td>{attempts.failed ?? 0}</td>
                </tr>
                <tr>
                  <td>Deliveries waiting for a retry</td>
                  <td>{(deliveries.pending ?? 0) + (deliveries.delivering ?? 0)}</td>
                </tr>
                <tr>
                  <td>Deliveries given up (dead)</td>
                  <td>{deliveries.dead ?? 0}</td>
                </tr>
              </tbody>
            </table>
          </section>
        </>
      ) : null}
    </>
  );
}
