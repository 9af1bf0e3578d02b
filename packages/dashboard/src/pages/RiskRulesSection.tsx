import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { z } from 'zod';
import { api, ApiFailure, formatDate } from '../api';
import { ErrorNotice, TableHead } from '../components';
import { useCan } from '../session';

interface Rule {
  id: string;
  action: 'block' | 'review' | 'request_3ds' | 'allow';
  predicate: string;
  created_at: string;
}

interface DryRun {
  since: string;
  payments: number;
  evaluated: number;
  without_attributes: number;
  matched: number;
  matched_by_outcome: Record<string, number>;
  truncated: boolean;
  matches: Array<{
    payment_id: string;
    assessed_at: string;
    amount: number | null;
    currency: string | null;
    score: number;
    level: string;
    action: string;
    outcome: string;
  }>;
}

const ACTIONS: Array<{ value: Rule['action']; label: string; verb: string }> = [
  { value: 'block', label: 'block — refuse the payment', verb: 'blocked' },
  { value: 'review', label: 'review — hold it for a person to decide', verb: 'held for review' },
  { value: 'request_3ds', label: 'request_3ds — ask for 3-D Secure', verb: 'sent to 3-D Secure' },
  { value: 'allow', label: 'allow — let it through, skipping later rules', verb: 'allowed' },
];

const ruleSchema = z.object({
  action: z.enum(['block', 'review', 'request_3ds', 'allow']),
  // The gateway parses the predicate and names the position of a fault; here only that there is one.
  predicate: z.string().trim().min(1, "Write a predicate, such as :amount: > 500 and :card_country: in ('NG', 'RU').").max(2048, 'At most 2048 characters.'),
});
type RuleForm = z.infer<typeof ruleSchema>;

/** The parser's own words: "unknown attribute :nope: at position 1". */
function predicateError(error: unknown): string | undefined {
  return error instanceof ApiFailure && error.code === '1010' ? error.message : undefined;
}

/**
 * The merchant's risk rules, in evaluation order: add (validated by the
 * gateway's parser), remove, move up or down, and a dry run of a predicate
 * over the last 30 days of payments before saving it.
 */
export function RiskRulesSection() {
  const canManage = useCan('manage_risk_rules');
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: ['risk-rules'], queryFn: () => api<{ data: Rule[] }>('/risk/rules') });
  const form = useForm<RuleForm>({ resolver: zodResolver(ruleSchema), defaultValues: { action: 'block', predicate: '' } });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['risk-rules'] });
  const add = useMutation({
    mutationFn: (rule: RuleForm) => api<Rule>('/risk/rules', { method: 'POST', body: rule }),
    onSuccess: () => {
      form.reset({ action: form.getValues('action'), predicate: '' });
      dryRun.reset();
      refresh();
    },
  });
  const dryRun = useMutation({
    mutationFn: (predicate: string) => api<DryRun>('/risk/rules/dry-run', { method: 'POST', body: { predicate, days: 30 } }),
  });
  const remove = useMutation({ mutationFn: (id: string) => api(`/risk/rules/${id}`, { method: 'DELETE' }), onSuccess: refresh });
  const reorder = useMutation({
    mutationFn: (ids: string[]) => api<{ data: Rule[] }>('/risk/rules/order', { method: 'PUT', body: { rule_ids: ids } }),
    onSuccess: (result) => queryClient.setQueryData(['risk-rules'], result),
    onError: refresh,
  });
  const list = rules.data?.data ?? [];
  const move = (index: number, by: -1 | 1) => {
    const ids = list.map((r) => r.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved!);
    reorder.mutate(ids);
  };
  const serverError = predicateError(add.error) ?? predicateError(dryRun.error);
  const fieldError = form.formState.errors.predicate?.message ?? serverError;
  const action = form.watch('action');
  const verb = ACTIONS.find((a) => a.value === action)?.verb ?? 'matched';

  return (
    <section aria-labelledby="rules-h">
      <h2 id="rules-h">Risk rules</h2>
      <p>
        Rules run in this order after the model scores a payment: the first <code>allow</code> or <code>block</code> that matches decides; otherwise the
        strictest matching action wins. Attributes are written between colons, such as <code>:amount:</code>, <code>:card_country:</code>,{' '}
        <code>:risk_score:</code> or <code>:attempts_per_device_hourly:</code> (see docs/risk.md for the full list).
      </p>
      <ErrorNotice error={rules.error} />
      {list.length === 0 ? (
        <p>No rules: the model's score alone decides.</p>
      ) : (
        <ol className="rules" data-testid="risk-rules">
          {list.map((r, i) => (
            <li key={r.id} id={`rule-${r.id}`}>
              <strong>{r.action}</strong> when <code data-testid="rule-predicate">{r.predicate}</code>
              <br />
              <small>
                {r.id} · added {formatDate(r.created_at)}
              </small>
              {canManage ? (
                <div className="button-row">
                  <button type="button" className="secondary outline" disabled={i === 0 || reorder.isPending} onClick={() => move(i, -1)}>
                    Move up<span className="sr-only"> rule {i + 1}</span>
                  </button>
                  <button type="button" className="secondary outline" disabled={i === list.length - 1 || reorder.isPending} onClick={() => move(i, 1)}>
                    Move down<span className="sr-only"> rule {i + 1}</span>
                  </button>
                  <button type="button" className="secondary" onClick={() => remove.mutate(r.id)} aria-busy={remove.isPending && remove.variables === r.id}>
                    Remove<span className="sr-only"> rule {i + 1}</span>
                  </button>
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      <ErrorNotice error={remove.error ?? reorder.error} />

      <form
        aria-label="New risk rule"
        noValidate
        onSubmit={form.handleSubmit((v) => add.mutate(v))}
        onChange={() => {
          if (add.error) add.reset();
        }}
      >
        <label>
          Action
          <select {...form.register('action')}>
            {ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Predicate
          <textarea
            rows={3}
            spellCheck={false}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby="predicate-help"
            placeholder=":amount: > 500 and :card_country: in ('NG', 'RU')"
            {...form.register('predicate')}
          />
          <small id="predicate-help" data-testid="predicate-help">
            {fieldError ?? 'Try it with Dry run before adding it: nothing is saved by a dry run.'}
          </small>
        </label>
        <div className="button-row">
          <button type="button" className="secondary" aria-busy={dryRun.isPending} onClick={() => void form.handleSubmit((v) => dryRun.mutate(v.predicate))()}>
            Dry run over the last 30 days
          </button>
          {canManage ? (
            <button type="submit" aria-busy={add.isPending}>
              Add rule
            </button>
          ) : null}
        </div>
      </form>
      {dryRun.error && !predicateError(dryRun.error) ? <ErrorNotice error={dryRun.error} /> : null}
      {dryRun.data ? <DryRunResult run={dryRun.data} verb={verb} /> : null}
    </section>
  );
}

function DryRunResult({ run, verb }: { run: DryRun; verb: string }) {
  const succeeded = run.matched_by_outcome.succeeded ?? 0;
  return (
    <article aria-live="polite" data-testid="dry-run">
      <p>
        <strong data-testid="dry-run-summary">
          This rule would have {verb} {run.matched} of {run.evaluated} payment(s)
        </strong>{' '}
        since {formatDate(run.since)}
        {run.matched > 0 ? ` (${succeeded} of them went through)` : ''}.
      </p>
      {run.without_attributes > 0 ? (
        <p>{run.without_attributes} older payment(s) were assessed before the gateway kept the attributes a rule reads, and could not be evaluated.</p>
      ) : null}
      {run.truncated ? <p>Only the newest {run.payments} payments were evaluated.</p> : null}
      <p>
        <small>The rule is evaluated on its own, as if it were first in the list.</small>
      </p>
      {run.matches.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>Payments the rule matches{run.matched > run.matches.length ? ` (the newest ${run.matches.length})` : ''}</caption>
            <TableHead columns={['Payment', 'Amount', 'Risk', 'Decision then', 'Outcome', 'Assessed']} />
            <tbody>
              {run.matches.map((m) => (
                <tr key={m.payment_id}>
                  <td>
                    <Link to={`/payments/${m.payment_id}`}>{m.payment_id}</Link>
                  </td>
                  <td>{m.amount === null ? '—' : `${m.amount} ${(m.currency ?? '').toUpperCase()}`}</td>
                  <td>
                    {m.level} ({m.score})
                  </td>
                  <td>{m.action}</td>
                  <td>{m.outcome}</td>
                  <td>{formatDate(m.assessed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </article>
  );
}
