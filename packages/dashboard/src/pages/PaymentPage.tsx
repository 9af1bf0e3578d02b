import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Link, useParams } from 'react-router';
import { z } from 'zod';
import { api, formatDate, type AuditEntry, type EventDetail, type FraudReport, type Payment } from '../api';
import { ErrorNotice, StatusBadge, TableHead } from '../components';
import { CaptureActions, FraudFeedback, RiskPanel } from '../risk';
import { useCan } from '../session';
import { AttemptsTable, RedeliverButton } from './EventPage';

interface PaymentDetail {
  payment: Payment;
  session: {
    id: string;
    status: string;
    order_id: string;
    customer_reference: string;
    amount: string;
    currency: string;
    created_at: string;
    expires_at: string;
    customer: { email?: string; phone?: string } | null;
    metadata: Record<string, string>;
    require_otp: boolean;
    otp_verified: boolean;
  };
  history: Array<{ from: string | null; to: string; cause: string; at: string }>;
  refunds: Array<{ id: string; amount: string; currency: string; status: string; gateway_code: string | null; created_at: string }>;
  events: EventDetail[];
  audit: AuditEntry[];
  fraud_report: FraudReport | null;
}

const refundSchema = z.object({ amount: z.string().regex(/^([0-9]+(\.[0-9]{1,3})?)?$/, 'A decimal amount such as 5.00, or empty for the rest.') });

export function PaymentPage() {
  const { paymentId = '' } = useParams();
  const canRefund = useCan('refund');
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: ['payment', paymentId], queryFn: () => api<PaymentDetail>(`/payments/${paymentId}`) });
  const form = useForm<z.infer<typeof refundSchema>>({ resolver: zodResolver(refundSchema), defaultValues: { amount: '' } });
  const refund = useMutation({
    mutationFn: (amount: string) => api(`/payments/${paymentId}/refunds`, { method: 'POST', body: amount ? { amount } : {} }),
    onSuccess: () => {
      form.reset();
      void queryClient.invalidateQueries({ queryKey: ['payment', paymentId] });
    },
  });
  if (detail.error) return <ErrorNotice error={detail.error} />;
  if (!detail.data) return <p aria-busy="true">Loading the payment…</p>;
  const { payment, session } = detail.data;

  return (
    <>
      <p>
        <Link to="/payments">Back to payments</Link>
      </p>
      <h1>Payment {payment.id}</h1>
      <dl className="fields">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={payment.status} />
        </dd>
        <dt>Amount</dt>
        <dd>
          {payment.amount} {payment.currency.toUpperCase()} (refunded {payment.amount_refunded})
        </dd>
        <dt>Order id</dt>
        <dd data-testid="detail-order-id">{payment.order_id}</dd>
        <dt>Customer reference</dt>
        <dd data-testid="detail-customer-reference">{payment.customer_reference}</dd>
        <dt>Card</dt>
        <dd>{payment.card ? `${payment.card.brand ?? ''} ${payment.card.masked_number} (expires ${payment.card.expiry ?? '—'})` : '—'}</dd>
        <dt>3-D Secure outcome</dt>
        <dd>{payment.three_d_secure?.authentication_status ?? 'not authenticated'}</dd>
        <dt>Gateway code</dt>
        <dd>{payment.gateway_code ?? '—'}</dd>
        <dt>Failure reason</dt>
        <dd>{payment.failure_reason ?? '—'}</dd>
        <dt>Created</dt>
        <dd>{formatDate(payment.created_at)}</dd>
      </dl>

      {payment.status === 'requires_capture' ? (
        <section aria-labelledby="capture-h">
          <h2 id="capture-h">Authorized: capture or cancel</h2>
          <p>The card is authorized and no money has moved yet.</p>
          <CaptureActions payment={payment} invalidate={[['payment', paymentId], ['reviews']]} variant="payment" />
        </section>
      ) : null}

      <RiskPanel payment={payment}>
        <h3>Fraud feedback</h3>
        <FraudFeedback paymentId={payment.id} report={detail.data.fraud_report} invalidate={['payment', paymentId]} />
      </RiskPanel>

      <section aria-labelledby="session-h">
        <h2 id="session-h">Checkout session {session.id}</h2>
        <dl className="fields">
          <dt>Session status</dt>
          <dd>{session.status}</dd>
          <dt>Created</dt>
          <dd>{formatDate(session.created_at)}</dd>
          <dt>Expires</dt>
          <dd>{formatDate(session.expires_at)}</dd>
          <dt>Customer</dt>
          <dd>{session.customer ? [session.customer.email, session.customer.phone].filter(Boolean).join(', ') : '—'}</dd>
          <dt>One-time code</dt>
          <dd>{session.require_otp ? (session.otp_verified ? 'required, verified' : 'required, not verified') : 'not required'}</dd>
          <dt>Metadata</dt>
          <dd>
            {Object.keys(session.metadata).length === 0 ? (
              '—'
            ) : (
              <dl className="fields" data-testid="metadata">
                {Object.entries(session.metadata).map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
            )}
          </dd>
        </dl>
      </section>

      <section aria-labelledby="history-h">
        <h2 id="history-h">Payment history</h2>
        <table>
          <TableHead columns={['When', 'From', 'To', 'Why']} />
          <tbody>
            {detail.data.history.map((h, i) => (
              <tr key={i}>
                <td>{formatDate(h.at)}</td>
                <td>{h.from ?? '—'}</td>
                <td>{h.to}</td>
                <td>{h.cause}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="refunds-h">
        <h2 id="refunds-h">Refunds</h2>
        {detail.data.refunds.length === 0 ? (
          <p>No refunds.</p>
        ) : (
          <table>
            <TableHead columns={['Refund', 'Amount', 'Status', 'Created']} />
            <tbody>
              {detail.data.refunds.map((r) => (
                <tr key={r.id}>
                  <td>{r.id}</td>
                  <td>
                    {r.amount} {r.currency.toUpperCase()}
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{formatDate(r.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {canRefund && payment.status === 'succeeded' ? (
          <form className="inline-form" onSubmit={form.handleSubmit((v) => refund.mutate(v.amount))} noValidate>
            <label>
              Refund amount ({payment.currency.toUpperCase()})
              <input inputMode="decimal" aria-describedby="refund-help" {...form.register('amount')} />
              <small aria-hidden="true" id="refund-help">
                {form.formState.errors.amount?.message ?? 'Leave empty to refund everything not yet refunded.'}
              </small>
            </label>
            <button type="submit" aria-busy={refund.isPending}>
              Refund
            </button>
          </form>
        ) : null}
        <ErrorNotice error={refund.error} />
        {refund.isSuccess ? <p role="status">Refund requested.</p> : null}
      </section>

      <section aria-labelledby="events-h">
        <h2 id="events-h">Webhook events</h2>
        {detail.data.events.length === 0 ? (
          <p>No events for this payment.</p>
        ) : (
          detail.data.events.map((e) => (
            <article key={e.id}>
              <header>
                <Link to={`/developers/events/${e.id}`}>
                  {e.type} — {e.id}
                </Link>{' '}
                · {formatDate(e.created_at)} · {e.deliveries.at(-1)?.state ?? '—'}
              </header>
              <AttemptsTable event={e} />
              <RedeliverButton event={e} invalidate={['payment', paymentId]} />
            </article>
          ))
        )}
      </section>

      <section aria-labelledby="audit-h">
        <h2 id="audit-h">Audit records of its requests</h2>
        <AuditTable records={detail.data.audit} />
      </section>
    </>
  );
}

export function AuditTable({ records }: { records: AuditEntry[] }) {
  if (records.length === 0) return <p>No audit records.</p>;
  return (
    <div className="table-wrap">
      <table>
        <TableHead columns={['When', 'Request id', 'Method and path', 'Status', 'Credential', 'Source IP']} />
        <tbody>
          {records.map((r) => (
            <tr key={`${r.request_id}-${r.at}`}>
              <td>{formatDate(r.at)}</td>
              <td>
                <Link to={`/audit?request_id=${encodeURIComponent(r.request_id)}`}>{r.request_id}</Link>
              </td>
              <td>
                {r.method} {r.path}
              </td>
              <td>{r.status}</td>
              <td>
                {r.credential_type} {r.credential_id ?? ''}
              </td>
              <td>{r.source_ip}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
