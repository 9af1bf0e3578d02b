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
    this.#conn.endReadSnapshot();
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
    this.#connection?.endReadSnapshot();
    this.#connection?.clear();
    this.#db?.close();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Reads outside a transaction share one read transaction per turn of the
 * event loop. On its own, every autocommit read opens and closes a read
 * transaction: a shared lock taken and released on the database file and a
 * check of the WAL (two fcntl and a stat), which costs more than a point
 * lookup (9 µs against 2 µs measured in a sandboxed VM). So the first read
 * outside a transaction opens one (BEGIN), later reads join it, and it ends
 * (COMMIT, nothing to write) before the next write, before an explicit
 * transaction, before a streamed read, and at the latest when this turn of
 * the event loop ends (setImmediate). A write is never inside it: a statement
 * that may write (`readonly` false, an UPDATE … RETURNING included) ends it
 * first and runs on its own, committed before its promise resolves, exactly as
 * before. What a read may miss is another process's commit made during the
 * same turn, which it would have missed had it run a moment earlier. The
 * implicit BEGIN/COMMIT are not counted as statements (sqliteStatementCounter).
 */
class ReadSnapshot {
  #open = false;
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.#begin = db.prepare('begin');
    this.#commit = db.prepare('commit');
    this.#rollback = db.prepare('rollback');
  }

  /** Joins the open read transaction, or opens one that ends with this turn (best effort: on failure the read autocommits). */
  join(): void {
    if (this.#open || this.db.inTransaction) return;
    try {
      this.#begin.run();
    } catch {
      return;
    }
    this.#open = true;
    setImmediate(() => this.end());
  }

  end(): void {
    if (!this.#open) return;
    this.#open = false;
    if (!this.db.open || !this.db.inTransaction) return;
    try {
      this.#commit.run();
    } catch {
      // Nothing was written in it; give the locks back whatever the reason.
      try {
        this.#rollback.run();
      } catch {
        // The connection is failing: the next statement reports it.
      }
    }
  }
}

class CachedSqliteConnection implements DatabaseConnection {
  readonly #db: BetterSqlite3.Database;
  readonly #cache = new Map<string, Statement>();
  readonly #snapshot: ReadSnapshot;
  /** Watched tables written in the open transaction: announced on commit, forgotten on rollback. */
  readonly #written = new Set<string>();
  inTransaction = false;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#snapshot = new ReadSnapshot(db);
  }

  /** Ends the shared read transaction of this turn, if one is open (see ReadSnapshot). */
  endReadSnapshot(): void {
    this.#snapshot.end();
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
    if (!this.inTransaction) {
      if (stmt.readonly) this.#snapshot.join();
      else this.#snapshot.end();
    }
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
    // Outside the shared read transaction: the loop spans turns of the event loop.
    if (!this.inTransaction) this.#snapshot.end();
    // Not cached: an iterating statement is busy until the loop ends.
    const stmt = this.#db.prepare(compiledQuery.sql);
    for (const row of stmt.iterate(compiledQuery.parameters as unknown[])) yield { rows: [row as R] };
  }
}
