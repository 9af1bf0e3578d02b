import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Link, useSearchParams } from 'react-router';
import { api, formatDate } from '../api';
import { DateRangeFields, ErrorNotice, Pager, TableHead } from '../components';
import { useCan } from '../session';

const EVENT_TYPES = [
  'payment.succeeded',
  'payment_attempt.failed',
  'payment.failed',
  'payment.requires_capture',
  'payment.review_opened',
  'payment.canceled',
  'refund.succeeded',
  'session.expired',
  'session.locked',
  'session.cancelled',
  'webhook.test',
];

/** Developers → events: filtered through the URL (shareable, Back works), with a test event to a webhook URL. */
export function EventsSection() {
  const canSend = useCan('manage_webhooks');
  const [params, setParams] = useSearchParams();
  const filters = { type: params.get('type') ?? '', mentions: params.get('mentions') ?? '', from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const page = Number(params.get('page') ?? '1');
  const form = useForm({ values: filters });
  const events = useQuery({
    queryKey: ['events', filters, page],
    queryFn: () =>
      api<{ data: Array<{ id: string; type: string; created_at: string; notify_url: string; state: string | null; attempts: number }>; page_size: number }>(
        '/events',
        { query: { ...filters, page: String(page) } },
      ),
  });
  const queryClient = useQueryClient();
  const testForm = useForm<{ url: string }>({ defaultValues: { url: '' } });
  const sendTest = useMutation({
    mutationFn: (url: string) => api<{ event_id: string }>('/events/test', { method: 'POST', body: { notify_url: url } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['events'] }),
  });
  const apply = (values: typeof filters, nextPage = 1) =>
    setParams(Object.fromEntries(Object.entries({ ...values, page: nextPage > 1 ? String(nextPage) : '' }).filter(([, v]) => v !== '')));

  return (
    <section aria-labelledby="events-list-h">
      <h2 id="events-list-h">Events</h2>
      <form className="inline-form" aria-label="Filter events" onSubmit={form.handleSubmit((v) => apply(v))}>
        <label>
          Event type
          <select {...form.register('type')}>
            <option value="">Any type</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          About (payment, refund or session id)
          <input {...form.register('mentions')} />
        </label>
        <DateRangeFields from={form.register('from')} to={form.register('to')} />
        <button type="submit">Filter events</button>
      </form>
      <ErrorNotice error={events.error} />
      <div className="table-wrap">
        <table>
          <TableHead columns={['Event', 'Type', 'Created', 'Delivery', 'Attempts', 'Sent to']} />
          <tbody>
            {events.data?.data.map((e) => (
              <tr key={e.id}>
                <td>
                  <Link to={`/developers/events/${e.id}`}>View event {e.id}</Link>
                </td>
                <td>{e.type}</td>
                <td>{formatDate(e.created_at)}</td>
                <td>{e.state ?? '—'}</td>
                <td>{e.attempts}</td>
                <td>{e.notify_url}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {events.data ? <Pager label="Events" page={page} hasNext={events.data.data.length === events.data.page_size} onPage={(n) => apply(filters, n)} /> : null}
      {canSend ? (
        <>
          <h3>Send a test event</h3>
          <form className="inline-form" onSubmit={testForm.handleSubmit((v) => sendTest.mutate(v.url))}>
            <label>
              Webhook URL (its host must be on the allow-list)
              <input type="url" placeholder="https://shop.example/webhooks" {...testForm.register('url', { required: true })} />
            </label>
            <button type="submit" aria-busy={sendTest.isPending}>
              Send test event
            </button>
          </form>
          <ErrorNotice error={sendTest.error} />
          {sendTest.data ? (
            <p role="status">
              Test event <Link to={`/developers/events/${sendTest.data.event_id}`}>{sendTest.data.event_id}</Link> queued.
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
