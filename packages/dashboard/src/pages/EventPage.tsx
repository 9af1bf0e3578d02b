import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, formatDate, type EventDetail } from '../api';
import { ErrorNotice, TableHead } from '../components';
import { useCan } from '../session';

export function AttemptsTable({ event }: { event: EventDetail }) {
  if (event.attempts.length === 0) return <p>No delivery attempt yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <TableHead columns={['Attempt', 'Started', 'Outcome', 'HTTP status', 'Error', 'Duration', 'Next attempt']} />
        <tbody>
          {event.attempts.map((a) => (
            <tr key={`${a.delivery_id}-${a.attempt}`}>
              <td>
                {a.delivery_id}.{a.attempt}
              </td>
              <td>{formatDate(a.started_at)}</td>
              <td>{a.outcome}</td>
              <td>{a.response_status ?? '—'}</td>
              <td>{a.error ?? '—'}</td>
              <td>{a.duration_ms} ms</td>
              <td>{formatDate(a.next_attempt_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RedeliverButton({ event, invalidate }: { event: EventDetail; invalidate: unknown[] }) {
  const canRedeliver = useCan('manage_webhooks');
  const queryClient = useQueryClient();
  const redeliver = useMutation({
    mutationFn: () => api(`/events/${event.id}/redeliver`, { method: 'POST' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: invalidate }),
  });
  if (!canRedeliver) return null;
  const live = event.deliveries.some((d) => d.state === 'pending' || d.state === 'delivering');
  return (
    <>
      <button type="button" className="inline" disabled={live} onClick={() => redeliver.mutate()} aria-describedby={live ? `live-${event.id}` : undefined}>
        Redeliver {event.type} event
      </button>
      {live ? (
        <small aria-hidden="true" id={`live-${event.id}`}>
          {' '}
          A delivery is still scheduled; redeliver once it has succeeded or given up.
        </small>
      ) : null}
      {redeliver.isSuccess ? <p role="status">Redelivery scheduled.</p> : null}
      <ErrorNotice error={redeliver.error} />
    </>
  );
}

export function EventPage() {
  const { eventId = '' } = useParams();
  const event = useQuery({ queryKey: ['event', eventId], queryFn: () => api<EventDetail>(`/events/${eventId}`) });
  if (event.error) return <ErrorNotice error={event.error} />;
  if (!event.data) return <p aria-busy="true">Loading the event…</p>;
  const e = event.data;
  return (
    <>
      <p>
        <Link to="/developers">Back to Developers</Link>
      </p>
      <h1>Event {e.id}</h1>
      <dl className="fields">
        <dt>Type</dt>
        <dd>{e.type}</dd>
        <dt>Created</dt>
        <dd>{formatDate(e.created_at)}</dd>
        <dt>Sent to</dt>
        <dd>{e.notify_url}</dd>
        <dt>Delivery state</dt>
        <dd>{e.deliveries.at(-1)?.state ?? '—'}</dd>
      </dl>
      <h2>Attempts</h2>
      <AttemptsTable event={e} />
      <RedeliverButton event={e} invalidate={['event', eventId]} />
      <h2>Payload (as signed and sent)</h2>
      <pre>
        <code>{JSON.stringify(e.payload, null, 2)}</code>
      </pre>
    </>
  );
}
