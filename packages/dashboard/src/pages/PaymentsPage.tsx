import { useQuery } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Link, useSearchParams } from 'react-router';
import { api, formatDate, type Payment } from '../api';
import { DateRangeFields, ErrorNotice, Pager, RiskBadge, StatusBadge, TableHead } from '../components';

const STATUSES = ['succeeded', 'failed', 'pending', 'processing', 'requires_action', 'requires_capture', 'capturing', 'canceling', 'canceled'];
const RISK_LEVELS = ['normal', 'elevated', 'highest'];

export function PaymentsPage() {
  const [params, setParams] = useSearchParams();
  const filters = {
    q: params.get('q') ?? '',
    status: params.get('status') ?? '',
    amount: params.get('amount') ?? '',
    risk_level: params.get('risk_level') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const page = Number(params.get('page') ?? '1');
  const form = useForm({ values: filters });
  const result = useQuery({
    queryKey: ['payments', filters, page],
    queryFn: () => api<{ data: Payment[]; total: number; page_size: number }>('/payments', { query: { ...filters, page: String(page) } }),
  });
  const apply = (values: typeof filters, nextPage = 1) =>
    setParams(Object.fromEntries(Object.entries({ ...values, page: nextPage > 1 ? String(nextPage) : '' }).filter(([, v]) => v !== '')));

  return (
    <>
      <h1>Payments</h1>
      <form className="inline-form" aria-label="Search payments" onSubmit={form.handleSubmit((v) => apply(v))}>
        <label>
          Order id, customer reference or payment id
          <input {...form.register('q')} />
        </label>
        <label>
          Status
          <select {...form.register('status')}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Amount
          <input inputMode="decimal" placeholder="12.50" {...form.register('amount')} />
        </label>
        <label>
          Risk level
          <select {...form.register('risk_level')}>
            <option value="">Any risk level</option>
            {RISK_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <DateRangeFields from={form.register('from')} to={form.register('to')} />
        <button type="submit">Search</button>
      </form>
      <ErrorNotice error={result.error} />
      {result.data ? (
        <>
          <p>{result.data.total} payment(s) found.</p>
          <div className="table-wrap">
            <table>
              <TableHead columns={['Payment', 'Order id', 'Customer reference', 'Status', 'Amount', 'Refunded', 'Risk level', 'Created']} />
              <tbody>
                {result.data.data.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/payments/${p.id}`}>View payment {p.id}</Link>
                    </td>
                    <td data-testid="order-id">{p.order_id}</td>
                    <td>{p.customer_reference}</td>
                    <td>
                      <StatusBadge status={p.status} />
                    </td>
                    <td>
                      {p.amount} {p.currency.toUpperCase()}
                    </td>
                    <td>{p.amount_refunded}</td>
                    <td>
                      <RiskBadge risk={p.risk} />
                    </td>
                    <td>{formatDate(p.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Payments" page={page} hasNext={page * result.data.page_size < result.data.total} onPage={(n) => apply(filters, n)} />
        </>
      ) : null}
    </>
  );
}
