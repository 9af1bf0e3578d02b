import { loadConfig } from '../../config.js';
import { parseDuration } from '../../duration.js';
import { ApiError } from '../../errors.js';
import { createServices } from '../../gateway.js';
import { startReconciling } from '../../modules/payments/reconcile-loop.js';
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
  const reconciler = services.network ? startReconciling(services.payments, services.logger, config.paymentLeaseMs) : undefined;
  let stopping: Promise<void> | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      services.logger.info({ signal }, 'shutting down: finishing webhook attempts in flight');
      stopping ??= Promise.resolve(reconciler?.stop())
        .then(() => services.close())
        .then(() => process.exit(0));
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
    printResult(
      { event_id: result.eventId, delivery_id: result.deliveryId, state: 'pending', next_attempt_at: new Date(result.nextAttemptAt).toISOString() },
      Boolean(options.json),
    );
  });
}

export async function webhookShowCommand(options: { event: string; json?: boolean }): Promise<void> {
  if (!/^evt_[a-z2-7]{20}$/.test(options.event)) throw new ApiError('1010', 'event: looks like evt_ followed by 20 characters');
  await withServices(async ({ webhooks }) => {
    const view = await webhooks.describeEvent(options.event);
    if (options.json) return printResult({ ...view }, true);
    const last = view.deliveries.at(-1);
    printResult(
      {
        event_id: view.id,
        type: view.type,
        merchant_id: view.merchant_id,
        created_at: view.created_at,
        notify_url: view.notify_url,
        state: last?.state ?? null,
        next_attempt_at: last?.next_attempt_at ?? null,
      },
      false,
    );
    for (const a of view.attempts) {
      out(
        `  #${a.attempt} ${a.started_at}  ${a.outcome.padEnd(9)} ${a.response_status ?? a.error ?? ''}${a.response_status && a.error ? ` (${a.error})` : ''}  ${a.duration_ms} ms\n`,
      );
    }
  });
}

/**
 * `pdirect webhook list`: every endpoint with a backlog or failures (its
 * circuit breaker, failing since, backlog), and with --merchant that
 * merchant's events, newest first.
 */
export async function webhookListCommand(options: { merchant?: string; limit?: string; type?: string; order?: string; json?: boolean }): Promise<void> {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError('1010', 'limit: from 1 to 100');
  await withServices(async ({ webhooks, clock }) => {
    const endpoints = await webhooks.endpointHealth();
    const events = options.merchant ? await webhooks.listEvents(options.merchant, { limit, type: options.type, orderId: options.order }) : undefined;
    const now = clock.now();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const endpointRows = endpoints.map((e) => ({
      endpoint: e.endpoint,
      state: e.pausedUntil !== null && e.pausedUntil > now ? 'paused' : e.consecutiveFailures > 0 ? 'failing' : 'ok',
      backlog: e.backlog,
      in_flight: e.inFlight,
      consecutive_failures: e.consecutiveFailures,
      failing_since: iso(e.failingSince),
      paused_until: iso(e.pausedUntil),
      last_error: e.lastError,
    }));
    if (options.json) return printResult({ endpoints: endpointRows, ...(events ? { events: events.data, has_more: events.has_more } : {}) }, true);
    out(endpointRows.length === 0 ? 'endpoints: no backlog, no failures\n' : 'endpoints:\n');
    for (const e of endpointRows) {
      out(
        `  ${e.endpoint}  ${e.state.padEnd(7)} backlog ${e.backlog} (in flight ${e.in_flight})${e.failing_since ? `  failing since ${e.failing_since}, ${e.consecutive_failures} in a row, last ${e.last_error}` : ''}${e.state === 'paused' ? `  paused until ${e.paused_until}` : ''}\n`,
      );
    }
    if (events) {
      out(events.data.length === 0 ? 'events: none\n' : 'events (newest first):\n');
      for (const e of events.data) out(`  ${e.id}  ${e.created_at}  ${e.type.padEnd(18)} ${e.order_id ?? '-'}\n`);
      if (events.has_more) note(`more: GET /v1/events?starting_after=${events.data.at(-1)!.id}`);
    }
  });
}

/**
 * `pdirect webhook trigger TYPE --url URL --merchant ID`: a signed test event
 * through the outbox (the URL must be on the merchant's allow-list). The
 * running gateway's worker (or `pdirect worker`) sends it; this waits a few
 * seconds for the first attempt and prints it.
 */
export async function webhookTriggerCommand(type: string, options: { url: string; merchant: string; wait?: boolean; json?: boolean }): Promise<void> {
  await withServices(async ({ webhooks }) => {
    let view = await webhooks.sendTestEvent(options.merchant, { type, url: options.url });
    for (let i = 0; options.wait !== false && view.attempts.length === 0 && i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      view = await webhooks.describeEvent(view.id);
    }
    const first = view.attempts[0];
    printResult(
      {
        event_id: view.id,
        type: view.type,
        url: view.notify_url,
        attempted: Boolean(first),
        outcome: first?.outcome ?? null,
        response_status: first?.response_status ?? null,
        error: first?.error ?? null,
      },
      Boolean(options.json),
    );
    if (!first && !options.json)
      note('not attempted yet: is a gateway (`pdirect serve`) or `pdirect worker` running on this database? See `pdirect webhook show --event ID`.');
  });
}
