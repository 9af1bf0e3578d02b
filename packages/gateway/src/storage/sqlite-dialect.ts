import type BetterSqlite3 from 'better-sqlite3';
import { type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, SelectQueryNode, SqliteDialect, type SqliteDialectConfig } from 'kysely';

/** Distinct SQL texts kept prepared; far above what the code base issues, so in practice nothing is evicted. */
export const STATEMENT_CACHE_SIZE = 500;

type Statement = BetterSqlite3.Statement<unknown[]>;

/**
 * Kysely's own SQLite driver calls `db.prepare(sql)` for every query: SQLite
 * parses and plans the statement again each time. This one keeps the prepared
 * statements in a bounded cache keyed by the SQL text (least recently used
 * evicted). Kysely always binds values as parameters, so the number of
 * distinct texts is bounded by the code, not by the data.
 *
 * It also tells in-process listeners when a transaction that inserted into a
 * watched table has committed (see `watchCommittedInserts`), so the webhook
 * worker can start at once instead of on its next poll.
 */
export class CachedSqliteDialect extends SqliteDialect {
  readonly #open: () => BetterSqlite3.Database;

  /**
   * `database` is the open database, or a function that opens it: called on
   * first use, and again on the next use if opening failed (on a full disk
   * even opening fails, and the process must keep running until space returns).
   */
  constructor(config: { database: BetterSqlite3.Database | (() => BetterSqlite3.Database) }) {
    super({ database: {} as SqliteDialectConfig['database'] });
    const database = config.database;
    this.#open = typeof database === 'function' ? database : () => database;
  }

  override createDriver(): Driver {
    return new CachedSqliteDriver(this.#open);
  }
}

/** Statements executed through this dialect in this process (the SQL-count regression test reads it). */
export const sqliteStatementCounter: { executed: number; trace?: string[] } = { executed: 0 };

const watchers = new Map<string, Set<() => void>>();

/**
 * Calls `listener` after every commit (or autocommitted statement) that
 * inserted into `table`, on any SQLite database of this process. Returns the
 * unsubscribe function. In-process only: another process writing the same
 * file is not seen (its writes are found by polling).
 */
export function watchCommittedInserts(table: string, listener: () => void): () => void {
  let set = watchers.get(table);
  if (!set) watchers.set(table, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0) watchers.delete(table);
  };
}

function announce(tables: Set<string>): void {
  for (const table of tables) {
    for (const listener of watchers.get(table) ?? []) {
      try {
        listener();
      } catch {
        // A listener's failure is its own business.
      }
    }
  }
}

const INSERT_INTO = /^insert into "([a-z_]+)"/;

class CachedSqliteDriver implements Driver {
  readonly #open: () => BetterSqlite3.Database;
  #db: BetterSqlite3.Database | undefined;
  #connection: CachedSqliteConnection | undefined;
  #lock: Promise<void> | undefined;
  #unlock: (() => void) | undefined;

  constructor(open: () => BetterSqlite3.Database) {
    this.#open = open;
  }

  async init(): Promise<void> {}

  /** The one connection, opening the database on first use (and again after a failed open). */
  get #conn(): CachedSqliteConnection {
    if (!this.#connection) {
      this.#db = this.#open();
      this.#connection = new CachedSqliteConnection(this.#db);
    }
    return this.#connection;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // One connection: wait until it is released (the same mutex as Kysely's driver).
    while (this.#lock) await this.#lock;
    this.#lock = new Promise((resolve) => (this.#unlock = resolve));
    try {
      return this.#conn;
    } catch (err) {
      await this.releaseConnection();
      throw err;
    }
  }

  async beginTransaction(): Promise<void> {
    this.#conn.run('begin');
    this.#conn.inTransaction = true;
  }

  async commitTransaction(): Promise<void> {
    this.#conn.run('commit');
    this.#conn.endTransaction(true);
  }

  async rollbackTransaction(): Promise<void> {
    this.#conn.endTransaction(false);
    // SQLite ends the transaction by itself on some errors (SQLITE_FULL among them); a ROLLBACK
    // then fails with "no transaction is active" and would hide the real error (a full disk → 500).
    if (this.#db?.inTransaction) this.#conn.run('rollback');
  }

  async savepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.#conn.run(`savepoint ${quoteIdentifier(name)}`);
  }

  async rollbackToSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.#conn.run(`rollback to ${quoteIdentifier(name)}`);
  }

  async releaseSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.#conn.run(`release ${quoteIdentifier(name)}`);
  }

  async releaseConnection(): Promise<void> {
    const unlock = this.#unlock;
    this.#lock = undefined;
    this.#unlock = undefined;
    unlock?.();
  }

  async destroy(): Promise<void> {
    this.#connection?.clear();
    this.#db?.close();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

class CachedSqliteConnection implements DatabaseConnection {
  readonly #db: BetterSqlite3.Database;
  readonly #cache = new Map<string, Statement>();
  /** Watched tables written in the open transaction: announced on commit, forgotten on rollback. */
  readonly #written = new Set<string>();
  inTransaction = false;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  #prepare(sql: string): Statement {
    let stmt = this.#cache.get(sql);
    if (stmt) {
      // Most recently used last, so the first entry is the one to evict.
      this.#cache.delete(sql);
      this.#cache.set(sql, stmt);
      return stmt;
    }
    stmt = this.#db.prepare(sql);
    this.#cache.set(sql, stmt);
    if (this.#cache.size > STATEMENT_CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
    return stmt;
  }

  run(sql: string): void {
    sqliteStatementCounter.executed++;
    sqliteStatementCounter.trace?.push(sql);
    this.#prepare(sql).run();
  }

  endTransaction(committed: boolean): void {
    this.inTransaction = false;
    if (this.#written.size === 0) return;
    const tables = new Set(this.#written);
    this.#written.clear();
    if (committed) announce(tables);
  }

  clear(): void {
    this.#cache.clear();
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    sqliteStatementCounter.executed++;
    sqliteStatementCounter.trace?.push(sql);
    const stmt = this.#prepare(sql);
    const params = parameters as unknown[];
    if (stmt.reader) return Promise.resolve({ rows: stmt.all(params) as R[] });
    const { changes, lastInsertRowid } = stmt.run(params);
    if (watchers.size > 0 && changes > 0) {
      const table = INSERT_INTO.exec(sql)?.[1];
      if (table && watchers.has(table)) {
        if (this.inTransaction) this.#written.add(table);
        else announce(new Set([table]));
      }
    }
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query)) throw new Error('the SQLite driver only streams select queries');
    sqliteStatementCounter.executed++;
    // Not cached: an iterating statement is busy until the loop ends.
    const stmt = this.#db.prepare(compiledQuery.sql);
    for (const row of stmt.iterate(compiledQuery.parameters as unknown[])) yield { rows: [row as R] };
  }
}
