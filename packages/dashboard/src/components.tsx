import { useState, type ComponentPropsWithRef, type InputHTMLAttributes, type ReactNode } from 'react';
import { ApiFailure } from './api';

/** An error as the API gave it, with the request id support can look up on the Audit page. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : undefined;
  return (
    <p role="alert" className="notice error">
      {failure ? failure.message : error instanceof Error ? error.message : String(error)}
      {failure?.requestId ? (
        <small>
          {' '}
          (request id: <code>{failure.requestId}</code>)
        </small>
      ) : null}
    </p>
  );
}

/** A secret shown once, with a copy button and the warning that it will not be shown again. */
export function SecretOnce({ label, value, children }: { label: string; value: string; children?: ReactNode }) {
  const [copied, setCopied] = useState(false);
  return (
    <article className="secret-once" aria-live="polite">
      <p>
        <strong>{label} — shown only now.</strong> Copy it and keep it safe: the dashboard cannot show it again.
      </p>
      <p>
        <code className="secret-value" data-testid="secret-value">
          {value}
        </code>
      </p>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => setCopied(true));
        }}
      >
        {copied ? 'Copied' : `Copy ${label.toLowerCase()}`}
      </button>
      {children}
    </article>
  );
}

/** A table's header row: one column header per name. */
export function TableHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

export function Pager({ page, hasNext, onPage, label }: { page: number; hasNext: boolean; onPage: (page: number) => void; label: string }) {
  return (
    <nav aria-label={`${label} pages`} className="pager">
      <button type="button" className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span>Page {page}</span>
      <button type="button" className="secondary" disabled={!hasNext} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}

/** The risk level as text (never colour alone), with the score. */
export function RiskBadge({ risk }: { risk: { level: string; score: number } | null | undefined }) {
  if (!risk) return <span>not screened</span>;
  return (
    <span className={`badge risk-${risk.level}`}>
      {risk.level} ({risk.score})
    </span>
  );
}

/** The From / To date fields every search form has (the range is UTC days, the end exclusive). */
export function DateRangeFields({ from, to }: { from: InputHTMLAttributes<HTMLInputElement>; to: InputHTMLAttributes<HTMLInputElement> }) {
  return (
    <>
      <label>
        From (UTC date)
        <input type="date" {...from} />
      </label>
      <label>
        To (UTC date, exclusive)
        <input type="date" {...to} />
      </label>
    </>
  );
}

/**
 * A labelled input with its help line: the field's error when it has one,
 * else `help`. The line is read through aria-describedby (hidden itself, so
 * it is not read twice); `invalid` marks the input aria-invalid.
 */
export function TextField({
  label,
  helpId,
  help,
  error,
  invalid,
  ...input
}: { label: ReactNode; helpId: string; help: ReactNode; error?: string | undefined; invalid?: boolean } & ComponentPropsWithRef<'input'>) {
  return (
    <label>
      {label}
      <input aria-invalid={invalid ? true : undefined} aria-describedby={helpId} {...input} />
      <small aria-hidden="true" id={helpId}>
        {error ?? help}
      </small>
    </label>
  );
}
