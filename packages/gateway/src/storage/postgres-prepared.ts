import { createHash } from 'node:crypto';
import type pg from 'pg';

const PATCHED = Symbol('pdirect.prepared');

/** Plain data statements only: DDL, transaction control and anything else go unnamed, as before. */
const PREPARABLE = /^(select|insert|update|delete|with)\s/i;

/** Statements executed through prepared pools in this process (the SQL-count regression test reads it). */
export const postgresStatementCounter: { executed: number; trace?: string[] } = { executed: 0 };

/**
 * Makes every pooled connection run Kysely's data statements as named
 * prepared statements: PostgreSQL parses and plans each distinct SQL text once
 * per connection instead of on every query. The name is a hash of the text
 * (Kysely always binds values as parameters, so the set of texts is bounded
 * by the code). Anything else runs as before.
 */
export function withPreparedStatements(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => {
    const c = client as pg.PoolClient & { [PATCHED]?: boolean };
    if (c[PATCHED]) return;
    c[PATCHED] = true;
    const query = c.query.bind(c) as (...args: unknown[]) => unknown;
    (c as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
      postgresStatementCounter.executed++;
      if (typeof text === 'string') postgresStatementCounter.trace?.push(text);
      if (typeof text === 'string' && Array.isArray(values) && typeof callback !== 'function' && PREPARABLE.test(text)) {
        return query({ name: statementName(text), text, values });
      }
      return query(text, values, callback);
    };
  });
  return pool;
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `pd_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
    if (names.size < 5000) names.set(text, name);
  }
  return name;
}
