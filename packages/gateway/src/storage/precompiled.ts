import type { CompiledQuery, Kysely, QueryResult } from 'kysely';

const MARK = '\u0000pdirect-param:';

/**
 * A query built and compiled by Kysely once, then run with new values: for
 * the hottest lookups (authentication, the merchant), where building and
 * compiling the query tree on every call costs more than running it. `build`
 * receives `param(name)` to put where a value goes; the SQL text is then
 * fixed, so the statement caches (SQLite, PostgreSQL named statements) hit.
 * The returned function runs on `on` when given (a transaction), else on
 * `database()`.
 */
export function precompiled<R>(
  database: () => Kysely<any>,
  build: (param: (name: string) => string) => { compile(): CompiledQuery<R> },
): (values: Record<string, unknown>, on?: Kysely<any>) => Promise<R[]> {
  const run = precompiledResult(database, build);
  return async (values, on) => (await run(values, on)).rows;
}

/** `precompiled`, answering the whole result (numAffectedRows for an UPDATE or DELETE). */
export function precompiledResult<R>(
  database: () => Kysely<any>,
  build: (param: (name: string) => string) => { compile(): CompiledQuery<R> },
): (values: Record<string, unknown>, on?: Kysely<any>) => Promise<QueryResult<R>> {
  let compiled: CompiledQuery<R> | undefined;
  let slots: Array<string | undefined> = [];
  return async (values, on) => {
    if (!compiled) {
      compiled = build((name) => `${MARK}${name}`).compile();
      slots = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? p.slice(MARK.length) : undefined));
    }
    const parameters = compiled.parameters.map((p, i) => {
      const slot = slots[i];
      if (slot === undefined) return p;
      if (!(slot in values)) throw new Error(`precompiled query: no value for ${slot}`);
      return values[slot];
    });
    return (on ?? database()).executeQuery<R>({ ...compiled, parameters });
  };
}
