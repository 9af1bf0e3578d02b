import { loadConfig } from '../../config.js';
import { parseDuration } from '../../duration.js';
import { ApiError } from '../../errors.js';
import { createServices } from '../../gateway.js';
import { withServices } from './context.js';
import { cliEnv, note, out, printResult } from '../output.js';

/**
 * `pdirect worker`: the webhook delivery worker on its own, no HTTP server.
 * Run as many as you like against one PostgreSQL database (claims use
 * FOR UPDATE SKIP LOCKED); set PDIRECT_WEBHOOK_WORKER=off on `serve` if only
 * these should deliver. SIGTERM/SIGINT: attempts in flight finish first.
 */
export async function workerCommand(options: { json?: boolean }): Promise<void> {
  const config = loadConfig(cliEnv());
  const services = await createServices(config);
  const { worker } = services.webhooks;
  printResult(
    { worker_id: worker.id, database: services.storage.dialect, poll_ms: config.webhooks.pollIntervalMs, concurrency: config.webhooks.concurrency },
    Boolean(options.json),
  );
  worker.start();
  let stopping: Promise<void> | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      services.logger.info({ signal }, 'shutting down: finishing webhook attempts in flight');
      stopping ??= services.close().then(() => process.exit(0));
    });
  }
}

export async function webhookSecretRotateCommand(options: { merchant: string; overlap?: string; json?: boolean }): Promise<void> {
  let overlapMs: number | undefined;
  if (options.overlap !== undefined) {
    overlapMs = parseDuration(options.overlap);
    if (overlapMs === undefined) throw new ApiError('1010', 'overlap: a duration such as 0, 30m, 24h or 7d');
  }
  await withServices(async ({ webhooks }) => {
    const rotated = await webhooks.rotateSecret(options.merchant, overlapMs);
    printResult(
      {
        merchant_id: rotated.merchantId,
        webhook_secret: rotated.webhookSecret.reveal(),
        previous_secret_expires_at: new Date(rotated.previousExpiresAt).toISOString(),
      },
      Boolean(options.json),
    );
    if (!options.json) {
      note('\nwebhook_secret is shown only now. Until previous_secret_expires_at every webhook carries two signatures,');
      note('one per secret, so deploy the new secret to your receiver before then (it may verify with both meanwhile).');
    }
  });
}

export async function webhookRedeliverCommand(options: { event: string; json?: boolean }): Promise<void> {
  if (!/^evt_[a-z2-7]{20}$/.test(options.event)) throw new ApiError('1010', 'event: looks like evt_ followed by 20 characters');
  await withServices(async ({ webhooks }) => {
    const result = await webhooks.redeliver(options.event);
    printResult({ event_id: result.eventId, delivery_id: result.deliveryId, state: 'pending', next_attempt_at: new Date(result.nextAttemptAt).toISOString() }, Boolean(options.json));
  });
}

export async function webhookShowCommand(options: { event: string; json?: boolean }): Promise<void> {
  if (!/^evt_[a-z2-7]{20}$/.test(options.event)) throw new ApiError('1010', 'event: looks like evt_ followed by 20 characters');
  await withServices(async ({ webhooks }) => {
    const view = await webhooks.describeEvent(options.event);
    if (options.json) return printResult({ ...view }, true);
    const last = view.deliveries.at(-1);
    printResult({ event_id: view.id, type: view.type, merchant_id: view.merchant_id, created_at: view.created_at, notify_url: view.notify_url, state: last?.state ?? null, next_attempt_at: last?.next_attempt_at ?? null }, false);
    for (const a of view.attempts) {
      out(`  #${a.attempt} ${a.started_at}  ${a.outcome.padEnd(9)} ${a.response_status ?? a.error ?? ''}${a.response_status && a.error ? ` (${a.error})` : ''}  ${a.duration_ms} ms\n`);
    }
  });
}
