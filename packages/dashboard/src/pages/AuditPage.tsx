import { useQuery } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useSearchParams } from 'react-router';
import { api, formatDate, type AuditEntry } from '../api';
import { DateRangeFields, ErrorNotice, Pager } from '../components';

const FIELDS = ['request_id', 'key_id', 'user_id', 'path', 'status', 'from', 'to'] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

function exportUrl(filters: Filters): string {
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
  const text = query.toString();
  return `/dashboard/api/audit/export${text ? `?${text}` : ''}`;
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Filters;
  const page = Number(params.get('page') ?? '1');
  const form = useForm<Filters>({ values: filters });
  const records = useQuery({
    queryKey: ['audit', filters, page],
    queryFn: () => api<{ data: AuditEntry[]; page_size: number }>('/audit', { query: { ...filters, page: String(page) } }),
  });
  const apply = (values: Filters, nextPage = 1) =>
    setParams(Object.fromEntries(Object.entries({ ...values, page: nextPage > 1 ? String(nextPage) : '' }).filter(([, v]) => v !== '')));

  return (
    <>
      <h1>Audit log</h1>
      <p>
        One record per authenticated request — API keys, checkout sessions and dashboard users — with every field kept. Quote a request id to find its record.
      </p>
      <form className="inline-form" aria-label="Search the audit log" onSubmit={form.handleSubmit((v) => apply(v))}>
        <label>
          Request id
          <input {...form.register('request_id')} placeholder="req_…" />
        </label>
        <label>
          Key id
          <input {...form.register('key_id')} />
        </label>
        <label>
          User id
          <input {...form.register('user_id')} placeholder="usr_…" />
        </label>
        <label>
          Path contains
          <input {...form.register('path')} />
        </label>
        <label>
          HTTP status
          <input inputMode="numeric" {...form.register('status')} />
        </label>
        <DateRangeFields from={form.register('from')} to={form.register('to')} />
        <button type="submit">Search</button>
      </form>
      <p>
        <a href={exportUrl(filters)} download data-testid="audit-export">
          Export the matching records (NDJSON, up to 10,000)
        </a>
      </p>
      <ErrorNotice error={records.error} />
      {records.data?.data.length === 0 ? <p>No matching audit records.</p> : null}
      {records.data?.data.map((r) => (
        <article key={`${r.request_id}-${r.at}-${r.path}`} data-testid="audit-record">
          <header>
            <strong>
              {r.method} {r.path}
            </strong>{' '}
            → {r.status} · {formatDate(r.at)}
          </header>
          <dl className="fields">
            <dt>Request id</dt>
            <dd>{r.request_id}</dd>
            <dt>Time</dt>
            <dd>{r.at}</dd>
            <dt>Credential type</dt>
            <dd>{r.credential_type}</dd>
            <dt>Credential id</dt>
            <dd>{r.credential_id ?? '—'}</dd>
            <dt>Merchant id</dt>
            <dd>{r.merchant_id ?? '—'}</dd>
            <dt>Source IP</dt>
            <dd>{r.source_ip}</dd>
            <dt>User-Agent</dt>
            <dd>{r.user_agent ?? '—'}</dd>
            <dt>Method</dt>
            <dd>{r.method}</dd>
            <dt>Path</dt>
            <dd>{r.path}</dd>
            <dt>Status</dt>
            <dd>{r.status}</dd>
            <dt>Duration</dt>
            <dd>{r.duration_ms} ms</dd>
            <dt>Body fingerprint</dt>
            <dd>{r.body_fingerprint ?? '— (no body)'}</dd>
            <dt>Warnings</dt>
            <dd>{r.warnings.length ? r.warnings.join(', ') : 'none'}</dd>
          </dl>
        </article>
      ))}
      {records.data ? (
        <Pager label="Audit" page={page} hasNext={records.data.data.length === records.data.page_size} onPage={(n) => apply(filters, n)} />
      ) : null}
    </>
  );
}
