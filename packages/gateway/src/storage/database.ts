import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from './schema.js';
import { prepareSqliteFiles } from './file-modes.js';
import { withPreparedStatements } from './postgres-prepared.js';
import { CachedSqliteDialect } from './sqlite-dialect.js';

export type Dialect = 'sqlite' | 'postgres';

/** What /readyz reports, besides a live probe. */
export interface StorageHealth {
  /** Migrations applied since this process started (false while a boot retry is still waiting for the database). */
  migrated: boolean;
  /** Why the last boot attempt failed, while `migrated` is false. */
  bootError: string | undefined;
}

export interface Storage {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL only: the connection pool's counters (for the metrics). */
  pool?: { totalCount: number; idleCount: number; waitingCount: number };
  health: StorageHealth;
  close(): Promise<void>;
}

export interface StorageOptions {
  poolSize?: number;
  /** PostgreSQL: give up opening a connection after this. */
  connectTimeoutMs?: number;
  /** PostgreSQL: server-side statement_timeout, and (plus a margin) the client-side read timeout for a silent network. */
  statementTimeoutMs?: number;
  /** PostgreSQL: the server ends a transaction left idle this long. */
  idleInTransactionTimeoutMs?: number;
  /** SQLite: how long a statement waits for another connection's write lock before SQLITE_BUSY (503 1901). */
  busyTimeoutMs?: number;
  /** SQLite: how often the WAL is checkpointed and truncated. */
  checkpointIntervalMs?: number;
  /** Where lost connections and checkpoint failures are reported. */
  logger?: Logger;
  /** Live mode: refuse a world-readable SQLite file instead of tightening it. */
  live?: boolean;
}

// bigint columns hold millisecond timestamps and counters, all far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** The WAL is truncated back to this after a checkpoint, so it cannot keep a full disk full. */
const SQLITE_WAL_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Opens the database named by PDIRECT_DATABASE_URL: `sqlite:PATH` (embedded,
 * WAL, the default) or `postgres://...` (production, several processes).
 *
 * PostgreSQL: every connection has a connect timeout, a statement timeout
 * (enforced by the server, and by the client too, so a network that silently
 * drops packets cannot hold a request forever) and an idle-in-transaction
 * timeout. A connection that dies (terminated backend, restart, network) is
 * logged and dropped from the pool; the next query opens a new one. Nothing
 * crashes the process.
 *
 * SQLite: WAL with `wal_autocheckpoint`, a size-bounded WAL
 * (`journal_size_limit`) and a periodic TRUNCATE checkpoint, so after a full
 * disk the WAL gives its space back and writes resume by themselves.
 */
export function openStorage(url: string, options: StorageOptions = {}): Storage {
  const health: StorageHealth = { migrated: false, bootError: undefined };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    let sqlite: SQLite.Database | undefined;
    const checkpoints = setInterval(() => sqlite && checkpointSqlite(sqlite, options.logger), options.checkpointIntervalMs ?? 10_000).unref();
    // Opened on first use, and again on the next use if that failed: on a full disk even opening
    // fails (the WAL index cannot be created), and the process must keep running until space returns.
    const open = () => (sqlite = openSqliteFile(file, options.live === true, options.busyTimeoutMs ?? 5_000));
    const db = new Kysely<Database>({ dialect: new CachedSqliteDialect({ database: open }) });
    return {
      db,
      dialect: 'sqlite',
      health,
      close: async () => {
        clearInterval(checkpoints);
        await db.destroy();
      },
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = openPool(url, options);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
    return { db, dialect: 'postgres', health, pool, close: () => db.destroy() };
  }
  throw new Error('PDIRECT_DATABASE_URL must be sqlite:PATH or postgres://...');
}

function openSqliteFile(file: string, live: boolean, busyTimeoutMs: number): SQLite.Database {
  if (file !== ':memory:') prepareSqliteFiles(file, { live });
  const sqlite = new SQLite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('wal_autocheckpoint = 1000');
    sqlite.pragma(`journal_size_limit = ${SQLITE_WAL_LIMIT_BYTES}`);
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return sqlite;
}

function openPool(url: string, options: StorageOptions): pg.Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    statement_timeout: statementTimeoutMs,
    // The server cancels a slow statement first; this catches a server that cannot answer at all.
    query_timeout: statementTimeoutMs + 1_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  const log = options.logger;
  // An idle connection that dies is reported here (an 'error' event with no listener would end the process).
  pool.on('error', (err) => log?.warn({ err: describeDatabaseError(err) }, 'database connection lost while idle; the pool opens a new one on next use'));
  pool.on('connect', (client) => {
    // ...and a checked-out connection that dies between two queries is reported here.
    client.on('error', (err) => log?.warn({ err: describeDatabaseError(err) }, 'database connection lost; it is dropped from the pool'));
    // A query the client gave up on is still outstanding on that connection: close it, so the
    // pool drops it instead of handing a wedged connection to the next request.
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (result instanceof Promise) {
        result.catch((err: unknown) => {
          if (err instanceof Error && err.message === 'Query read timeout') {
            (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
          }
        });
      }
      return result;
    };
  });
  return pool;
}

function checkpointSqlite(sqlite: SQLite.Database, logger: Logger | undefined): void {
  // Not in the middle of someone's transaction on this (single) connection.
  if (!sqlite.open || sqlite.inTransaction) return;
  try {
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } catch (err) {
    logger?.warn({ err: describeDatabaseError(err) }, 'SQLite checkpoint failed; will retry');
  }
}

export type UnavailableReason = 'disk_full' | 'database_unreachable' | 'database_busy' | 'database_timeout';

const PG_UNREACHABLE = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const PG_TIMEOUT = new Set(['57014', '25P03']);
const NET_UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
const CLIENT_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /not queryable/, /^Client was closed/, /Query read timeout/];

/**
 * Whether `err` (or its cause) means the database cannot serve right now —
 * unreachable, timed out, busy or out of disk — rather than a bug: such
 * failures are answered 503 1901 with Retry-After, not 500.
 */
export function unavailableReason(err: unknown): UnavailableReason | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    const message = String((e as { message?: unknown }).message ?? '');
    // SHMSIZE: the WAL index could not be grown, which on a full disk is how opening fails.
    // 53100: PostgreSQL's disk_full ("could not extend file … No space left on device").
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'SQLITE_IOERR_SHMSIZE' || code === '53100') return 'disk_full';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'database_busy';
    if (code.startsWith('SQLITE_IOERR')) return message.includes('full') ? 'disk_full' : 'database_unreachable';
    if (PG_UNREACHABLE.has(code) || NET_UNREACHABLE.has(code)) return 'database_unreachable';
    if (PG_TIMEOUT.has(code) || /Query read timeout/.test(message)) return 'database_timeout';
    if (CLIENT_MESSAGES.some((m) => m.test(message))) return 'database_unreachable';
    if (e instanceof AggregateError) {
      const inner = e.errors.map(unavailableReason).find(Boolean);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** A log-safe summary: code and message only (a connection error can carry the URL's parts in other fields). */
function describeDatabaseError(err: unknown): { code?: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return { ...(e?.code ? { code: String(e.code) } : {}), message: String(e?.message ?? err) };
}

/**
 * Applies the migrations. When the database cannot be reached and
 * `keepTrying` is set (the server), the process does not exit: it logs one
 * clear line per attempt, retries with exponential backoff (1 s doubling to
 * 30 s) in the background, and `health.migrated` stays false — /readyz says
 * 503 and API requests get 503 1901 — until an attempt succeeds. Any other
 * failure (a broken migration, a bad URL) is thrown at once.
 */
export async function prepareStorage(
  storage: Storage,
  migrate: (storage: Storage) => Promise<unknown>,
  logger: Logger,
  options: { keepTrying: boolean },
): Promise<void> {
  try {
    await migrate(storage);
    storage.health.migrated = true;
    return;
  } catch (err) {
    const reason = unavailableReason(err);
    if (!options.keepTrying || !reason) {
      await storage.close();
      throw err;
    }
    storage.health.bootError = `${reason}: ${describeDatabaseError(err).message}`;
  }
  let delayMs = 1_000;
  let closed = false;
  const close = storage.close;
  storage.close = async () => {
    closed = true;
    await close();
  };
  const attempt = async (): Promise<void> => {
    logger.error(
      { reason: storage.health.bootError, retry_in_ms: delayMs },
      `database not ready at boot (${storage.health.bootError}); serving 503 and retrying`,
    );
    await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    if (closed) return;
    try {
      await migrate(storage);
      storage.health.migrated = true;
      storage.health.bootError = undefined;
      logger.info('database reachable and migrations applied; ready');
    } catch (err) {
      if (closed) return;
      storage.health.bootError = `${unavailableReason(err) ?? 'error'}: ${describeDatabaseError(err).message}`;
      delayMs = Math.min(delayMs * 2, 30_000);
      return attempt();
    }
  };
  void attempt();
}

/** /readyz: the database answers in time, migrations are applied, and (SQLite) it accepts a write. */
export async function readiness(storage: Storage, now: number, timeoutMs: number): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const checks: Record<string, string> = { migrations: storage.health.migrated ? 'ok' : 'pending' };
  const probe = async () => {
    if (storage.dialect === 'sqlite') {
      // A write, because a full disk still reads fine: one row, rewritten in place.
      await storage.db.updateTable('storage_probe').set({ touched_at: now }).where('id', '=', 1).execute();
    } else {
      await sql`select 1`.execute(storage.db);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!storage.health.migrated) throw new Error(storage.health.bootError ?? 'migrations not applied');
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('readiness probe timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
      }),
    ]);
    checks.database = 'ok';
    if (storage.dialect === 'sqlite') checks.disk = 'ok';
  } catch (err) {
    // Before the migrations ran, the boot attempt's failure says why.
    const why = unavailableReason(err) ?? (storage.health.bootError?.split(':')[0] as UnavailableReason | undefined);
    checks.database = why === 'disk_full' ? 'ok' : storage.health.migrated ? (why ?? 'error') : 'unreachable';
    if (storage.dialect === 'sqlite') checks.disk = why === 'disk_full' ? 'full' : 'unknown';
  } finally {
    clearTimeout(timer);
  }
  return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
}
