import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, formatDate, type FraudReport, type Payment } from './api';
import { ErrorNotice, RiskBadge } from './components';
import { useCan } from './session';

const ACTION_TEXT: Record<string, string> = {
  allow: 'allowed',
  request_3ds: 'asked for 3-D Secure',
  review: 'held for review',
  block: 'blocked',
};

const CSC_TEXT: Record<string, string> = {
  match: 'matched',
  no_match: 'did not match',
  not_processed: 'not processed by the issuer',
  not_provided: 'not provided',
  not_checked: 'not checked',
};

/** The network's security-code check, when the payment carries one. */
export function cscText(payment: Payment): string | null {
  const value = payment.card?.checks?.security_code;
  if (value === undefined || value === null) return null;
  return CSC_TEXT[value] ? `${CSC_TEXT[value]} (${value})` : value;
}

/** What fraud screening decided for the payment: score, level, decision, the rule that decided it and every reason. */
export function RiskPanel({ payment, children }: { payment: Payment; children?: ReactNode }) {
  const risk = payment.risk;
  const csc = cscText(payment);
  return (
    <section aria-labelledby="risk-h">
      <h2 id="risk-h">Risk</h2>
      <dl className="fields" data-testid="risk">
        <dt>Risk score</dt>
        <dd>{risk ? `${risk.score} of 100` : 'not screened'}</dd>
        <dt>Risk level</dt>
        <dd>
          <RiskBadge risk={risk} />
        </dd>
        <dt>Decision</dt>
        <dd>{risk ? `${ACTION_TEXT[risk.action] ?? risk.action} (${risk.action})` : '—'}</dd>
        <dt>Decided by rule</dt>
        <dd>{risk?.rule_id ? <Link to={`/developers#rule-${risk.rule_id}`}>{risk.rule_id}</Link> : 'no merchant rule (the model)'}</dd>
        <dt>Security code (CSC) check</dt>
        <dd data-testid="csc-check">{csc ?? 'not reported'}</dd>
      </dl>
      {risk && risk.reasons.length > 0 ? (
        <>
          <h3>Reasons</h3>
          <ul data-testid="risk-reasons">
            {risk.reasons.map((r, i) => (
              <li key={i}>
                <code>{r.code}</code>: {r.detail}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {children}
    </section>
  );
}

/** "Mark as fraud / not fraud": the merchant's report, which retraining learns from. Owners only (the server checks it too). */
export function FraudFeedback({ paymentId, report, invalidate }: { paymentId: string; report: FraudReport | null; invalidate: QueryKey }) {
  const canReport = useCan('review');
  const queryClient = useQueryClient();
  const mark = useMutation({
    mutationFn: (fraudulent: boolean) => api<FraudReport>(`/payments/${paymentId}/fraud-report`, { method: 'POST', body: { fraudulent } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: invalidate }),
  });
  return (
    <div className="fraud-feedback">
      <p data-testid={`fraud-report-${paymentId}`}>
        {report ? (
          <>
            Reported as <strong>{report.fraudulent ? 'fraud' : 'not fraud'}</strong> on {formatDate(report.updated_at)}.
          </>
        ) : (
          'Not reported as fraud or not fraud.'
        )}
      </p>
      {canReport ? (
        <div className="button-row">
          <button type="button" className="secondary" onClick={() => mark.mutate(true)} aria-busy={mark.isPending && mark.variables === true}>
            Mark as fraud
          </button>
          <button type="button" className="secondary outline" onClick={() => mark.mutate(false)} aria-busy={mark.isPending && mark.variables === false}>
            Mark as not fraud
          </button>
        </div>
      ) : null}
      <ErrorNotice error={mark.error} />
    </div>
  );
}

/**
 * Capture / Cancel of an authorized payment (Approve / Reject on the Reviews
 * page), with the reason that goes on the audit record. The gateway answers
 * 501 while manual capture is not part of its build; that answer is shown.
 */
export function CaptureActions({ payment, invalidate, variant }: { payment: Payment; invalidate: QueryKey[]; variant: 'payment' | 'review' }) {
  const canAct = useCan('review');
  const queryClient = useQueryClient();
  const id = useId();
  const [reason, setReason] = useState('');
  const [amount, setAmount] = useState('');
  const act = useMutation({
    mutationFn: (action: 'capture' | 'cancel') =>
      api<Payment>(`/payments/${payment.id}/${action}`, {
        method: 'POST',
        body: { ...(reason.trim() ? { reason: reason.trim() } : {}), ...(action === 'capture' && amount.trim() ? { amount: amount.trim() } : {}) },
      }),
    onSuccess: () => {
      setReason('');
      for (const key of invalidate) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  if (!canAct) return null;
  const review = variant === 'review';
  return (
    <form className="capture-actions" onSubmit={(e) => e.preventDefault()} aria-label={`${review ? 'Review decision' : 'Capture or cancel'} for ${payment.id}`}>
      {review ? null : (
        <label htmlFor={`${id}-amount`}>
          Capture amount ({payment.currency.toUpperCase()})
          <input id={`${id}-amount`} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} aria-describedby={`${id}-amount-help`} />
          <small id={`${id}-amount-help`}>Leave empty to capture the whole authorized amount.</small>
        </label>
      )}
      <label htmlFor={`${id}-reason`}>
        Reason (kept on the audit record)
        <textarea id={`${id}-reason`} rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="button-row">
        <button type="button" onClick={() => act.mutate('capture')} aria-busy={act.isPending && act.variables === 'capture'}>
          {review ? 'Approve' : 'Capture'}
        </button>
        <button type="button" className="secondary" onClick={() => act.mutate('cancel')} aria-busy={act.isPending && act.variables === 'cancel'}>
          {review ? 'Reject' : 'Cancel payment'}
        </button>
      </div>
      {review ? <small>Approve captures the authorized amount; Reject cancels (voids) the authorization.</small> : null}
      <ErrorNotice error={act.error} />
      {act.isSuccess ? <p role="status">{act.variables === 'capture' ? 'Payment captured.' : 'Payment cancelled.'}</p> : null}
    </form>
  );
}
