import pg from 'pg';
import type { Logger } from 'pino';
import { watchCommittedInserts } from '../../storage/sqlite-dialect.js';

// How the worker hears that a delivery was committed (WebhookWorkerOptions.subscribe):
// an in-process signal on SQLite, LISTEN/NOTIFY on PostgreSQL.

/** The channel a new delivery notifies on commit (migration 0009's trigger). */
export const WEBHOOK_CHANNEL = 'pdirect_webhooks';

export async function subscribeSqlite(wake: () => void): Promise<() => Promise<void>> {
  const unsubscribe = watchCommittedInserts('webhook_deliveries', wake);
  return async () => unsubscribe();
}

/**
 * LISTEN on a dedicated connection; PostgreSQL delivers the trigger's
 * notification when the inserting transaction commits, to every process.
 * If the connection drops, the worker polls meanwhile and it reconnects.
 */
export async function listenPostgres(url: string, wake: () => void, logger: Logger, retryMs: number): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => n.channel === WEBHOOK_CHANNEL && wake());
    c.on('error', (err) => {
      logger.warn({ err }, 'webhook LISTEN connection lost; polling until it is back');
      void c.end().catch(() => undefined);
      if (client === c) client = undefined;
      if (!stopped) retry = setTimeout(() => void connect().catch(() => undefined), Math.max(retryMs, 1000));
    });
    await c.connect();
    await c.query(`listen ${WEBHOOK_CHANNEL}`);
    if (stopped) return void (await c.end());
    client = c;
    wake(); // anything committed while not listening
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
