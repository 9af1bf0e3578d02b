import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, formatDate, type FraudReport, type Payment } from '../api';
import { ErrorNotice, Pager, RiskBadge } from '../components';
import { CaptureActions, cscText, FraudFeedback } from '../risk';

type ReviewItem = Payment & { fraud_report: FraudReport | null };

/**
 * The queue of payments fraud screening held for review (authorized, not
 * captured): Approve captures, Reject cancels, each with a reason; and the
 * fraud / not-fraud feedback the risk engine retrains on.
 */
export function ReviewsPage() {
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('page') ?? '1');
  const queue = useQuery({
    queryKey: ['reviews', page],
    queryFn: () => api<{ data: ReviewItem[]; total: number; page_size: number }>('/reviews', { query: { page: String(page) } }),
  });
  return (
    <>
      <h1>Reviews</h1>
      <p>
        Payments held by a <code>review</code> decision of fraud screening (a rule or the model) wait here, authorized but not captured. Approve to capture the
        money, Reject to cancel the authorization; the reason you give is kept on the audit record.
      </p>
      <ErrorNotice error={queue.error} />
      {queue.data ? (
        queue.data.total === 0 ? (
          <p data-testid="reviews-empty">No payment is waiting for review.</p>
        ) : (
          <>
            <p>{queue.data.total} payment(s) waiting for review.</p>
            {queue.data.data.map((p) => (
              <article key={p.id} aria-labelledby={`review-${p.id}`} data-testid="review-item">
                <header>
                  <h2 id={`review-${p.id}`}>
                    {p.amount} {p.currency.toUpperCase()} · <Link to={`/payments/${p.id}`}>Payment {p.id}</Link>
                  </h2>
                </header>
                <dl className="fields">
                  <dt>Order id</dt>
                  <dd>{p.order_id}</dd>
                  <dt>Customer reference</dt>
                  <dd>{p.customer_reference}</dd>
                  <dt>Created</dt>
                  <dd>{formatDate(p.created_at)}</dd>
                  <dt>Card</dt>
                  <dd>{p.card ? `${p.card.brand ?? ''} ${p.card.masked_number}` : '—'}</dd>
                  <dt>Security code (CSC) check</dt>
                  <dd>{cscText(p) ?? 'not reported'}</dd>
                  <dt>Risk</dt>
                  <dd>
                    <RiskBadge risk={p.risk} />
                    {p.risk?.rule_id ? ` · rule ${p.risk.rule_id}` : ''}
                  </dd>
                  <dt>Reasons</dt>
                  <dd>
                    {p.risk && p.risk.reasons.length ? (
                      <ul>
                        {p.risk.reasons.map((r, i) => (
                          <li key={i}>{r.detail}</li>
                        ))}
                      </ul>
                    ) : (
                      '—'
                    )}
                  </dd>
                </dl>
                <CaptureActions payment={p} invalidate={[['reviews']]} variant="review" />
                <FraudFeedback paymentId={p.id} report={p.fraud_report} invalidate={['reviews']} />
              </article>
            ))}
            <Pager
              label="Reviews"
              page={page}
              hasNext={page * queue.data.page_size < queue.data.total}
              onPage={(n) => setParams(n > 1 ? { page: String(n) } : {})}
            />
          </>
        )
      ) : (
        <p aria-busy="true">Loading the review queue…</p>
      )}
    </>
  );
}
