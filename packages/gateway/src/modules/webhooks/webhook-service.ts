import pg from 'pg';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Mode, WebhookSettings } from '../../config.js';
import { Secret } from '../../crypto/secret.js';
import { ApiError } from '../../errors.js';
import type { GatewayKeys } from '../../gateway-keys.js';
import { traceWebhookSender, type Tracing } from '../../observability/webhook-spans.js';
import type { Storage } from '../../storage/database.js';
import { watchCommittedInserts } from '../../storage/sqlite-dialect.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { checkAllowedUrl } from '../sessions/redirect-url.js';
import { type EndpointHealth, WebhookDeliveryRepository, type WebhookEventRow } from './delivery-repository.js';
import { DEFAULT_BREAKER, DEFAULT_PER_ENDPOINT_CONCURRENCY } from './endpoints.js';
import { enqueueWebhookEvent, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './outbox.js';
import { WebhookSender } from './sender.js';
import { generateWebhookSecret, WebhookSecretRepository } from './webhook-secrets.js';
import { WebhookWorker } from './worker.js';

export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 3_600_000;
export const MAX_ROTATION_OVERLAP_MS = 30 * 24 * 3_600_000;

export interface RotatedSecret {
  merchantId: string;
  /** Shown once; only its Fernet token is stored. */
  webhookSecret: Secret<string>;
  /** Until when the previous secret(s) keep signing too. */
  previousExpiresAt: number;
}

/** An event as the events API lists it. */
export interface EventSummary {
  object: 'event';
  id: string;
  merchant_id: string;
  type: string;
  created_at: string;
  notify_url: string;
  order_id: string | null;
  /** The payload's `data`: what the receiver got. */
  data: unknown;
}

export interface EventList {
  object: 'list';
  data: EventSummary[];
  has_more: boolean;
}

export interface EventListFilter {
  limit?: number;
  type?: string;
  orderId?: string;
  createdGte?: number;
  createdLte?: number;
  /** Cursor: the id of the last event of the previous page. */
  startingAfter?: string;
}

/** The most recent test events one merchant may send per minute. */
export const TEST_EVENTS_PER_MINUTE = 30;

export interface EventView extends EventSummary {
  deliveries: Array<{ id: number; state: string; attempts: number; next_attempt_at: string | null; created_at: string }>;
  attempts: Array<{
    delivery_id: number;
    attempt: number;
    started_at: string;
    duration_ms: number;
    outcome: string;
    response_status: number | null;
    error: string | null;
    response_body: string | null;
    next_attempt_at: string | null;
  }>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function summary(event: WebhookEventRow): EventSummary {
  let data: unknown = null;
  try {
    data = (JSON.parse(event.payload) as { data?: unknown }).data ?? null;
  } catch {
    // The payload is written by the outbox as JSON; nothing else can be in it.
  }
  return {
    object: 'event',
    id: event.id,
    merchant_id: event.merchant_id,
    type: event.type,
    created_at: new Date(event.created_at).toISOString(),
    notify_url: event.notify_url,
    order_id: event.order_id,
    data,
  };
}

/** The merchant-facing webhook operations: secret rotation, redelivery, and what happened to an event. */
export class WebhookService {
  constructor(
    private readonly deps: {
      secrets: WebhookSecretRepository;
      deliveries: WebhookDeliveryRepository;
      gatewayKeys: GatewayKeys;
      clock: Clock;
      worker: WebhookWorker;
      storage?: Storage;
      merchants?: MerchantService;
      sandbox?: boolean;
    },
  ) {}

  get worker(): WebhookWorker {
    return this.deps.worker;
  }

  /** The merchant's secrets that sign at `now`, newest first (two during a rotation overlap). */
  async signingSecrets(merchantId: string, now: number): Promise<Secret<string>[]> {
    const rows = await this.deps.secrets.active(merchantId, now);
    return rows.map((r) => new Secret(this.deps.gatewayKeys.webhookSecrets.open(r.ciphertext)));
  }

  async rotateSecret(merchantId: string, overlapMs: number = DEFAULT_ROTATION_OVERLAP_MS): Promise<RotatedSecret> {
    if (!Number.isInteger(overlapMs) || overlapMs < 0 || overlapMs > MAX_ROTATION_OVERLAP_MS) {
      throw new ApiError('1010', 'overlap: a duration from 0 to 30d, e.g. 24h');
    }
    const now = this.deps.clock.now();
    const webhookSecret = generateWebhookSecret();
    const ciphertext = this.deps.gatewayKeys.webhookSecrets.seal(webhookSecret.reveal());
    const previousExpiresAt = now + overlapMs;
    const { merchants } = this.deps;
    if (!merchants) throw new Error('secret rotation needs merchants wired');
    const rotated = await this.deps.secrets.rotate({ merchantId, ciphertext, now, oldExpiresAt: previousExpiresAt }, (trx) =>
      merchants.lockForUpdate(merchantId, trx),
    );
    if (!rotated) {
      throw new ApiError('1011', `no merchant ${merchantId}`);
    }
    return { merchantId, webhookSecret, previousExpiresAt };
  }

  /**
   * Sends an event again with a fresh schedule (first attempt now), once its
   * last schedule has ended — succeeded or dead. Same id, same body: the
   * receiver's deduplication sees it as the same event.
   */
  async redeliver(eventId: string, scope: { merchantId?: string } = {}): Promise<{ eventId: string; deliveryId: number; nextAttemptAt: number }> {
    const event = await this.deps.deliveries.findEvent(eventId);
    if (!event || (scope.merchantId !== undefined && event.merchant_id !== scope.merchantId)) throw new ApiError('1011', `no event ${eventId}`);
    const now = this.deps.clock.now();
    const started = await this.deps.deliveries.startNewSchedule(eventId, now);
    if (started === 'busy') throw new ApiError('1010', `event ${eventId} is still being delivered; redeliver it once it has succeeded or is dead`);
    this.deps.worker.wake();
    return { eventId, deliveryId: started.deliveryId, nextAttemptAt: now };
  }

  async describeEvent(eventId: string, scope: { merchantId?: string } = {}): Promise<EventView> {
    const event = await this.deps.deliveries.findEvent(eventId);
    if (!event || (scope.merchantId !== undefined && event.merchant_id !== scope.merchantId)) throw new ApiError('1011', `no event ${eventId}`);
    const [deliveries, attempts] = await Promise.all([this.deps.deliveries.deliveriesOf(eventId), this.deps.deliveries.attemptsOf(eventId)]);
    return {
      ...summary(event),
      deliveries: deliveries.map((d) => ({
        id: d.id,
        state: d.state,
        attempts: d.attempt_count,
        next_attempt_at: iso(d.next_attempt_at),
        created_at: new Date(d.created_at).toISOString(),
      })),
      attempts: attempts.map((a) => ({
        delivery_id: a.delivery_id,
        attempt: a.attempt_number,
        started_at: new Date(a.started_at).toISOString(),
        duration_ms: a.duration_ms,
        outcome: a.outcome,
        response_status: a.response_status,
        error: a.error,
        response_body: a.response_body,
        next_attempt_at: iso(a.next_attempt_at),
      })),
    };
  }

  /** A merchant's events, newest first (`GET /v1/events`, `pdirect webhook list`). */
  async listEvents(merchantId: string, filter: EventListFilter = {}): Promise<EventList> {
    const limit = filter.limit ?? 10;
    let after: { createdAt: number; id: string } | undefined;
    if (filter.startingAfter !== undefined) {
      const cursor = await this.deps.deliveries.findEvent(filter.startingAfter);
      // Another merchant's id is as unknown as a made-up one.
      if (!cursor || cursor.merchant_id !== merchantId) throw new ApiError('1011', `no event ${filter.startingAfter}`);
      after = { createdAt: cursor.created_at, id: cursor.id };
    }
    const rows = await this.deps.deliveries.listEventsPage({
      merchantId,
      limit,
      type: filter.type,
      orderId: filter.orderId,
      createdGte: filter.createdGte,
      createdLte: filter.createdLte,
      after,
    });
    return { object: 'list', data: rows.slice(0, limit).map(summary), has_more: rows.length > limit };
  }

  /**
   * Sends a signed test event of `type` to `url`, which must pass the same
   * allow-list as a session's notify_url. It goes through the outbox like
   * any event (same signature, retries, attempts visible); its `data.test`
   * is true and its object is a sample, so a receiver must not act on it.
   */
  async sendTestEvent(merchantId: string, input: { type?: string; url: string }): Promise<EventView> {
    const { storage, merchants } = this.deps;
    if (!storage || !merchants) throw new Error('test events need storage and merchants wired');
    const type = (input.type ?? 'payment.succeeded') as WebhookEventType;
    if (!WEBHOOK_EVENT_TYPES.includes(type)) throw new ApiError('1010', `type: one of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    const merchant = await merchants.get(merchantId);
    const verdict = checkAllowedUrl(input.url, merchant.redirectHosts, { sandbox: this.deps.sandbox ?? false });
    if (!verdict.ok) throw new ApiError('1201', `url ${verdict.reason}`);
    const now = this.deps.clock.now();
    const recent = await storage.db
      .selectFrom('webhook_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id', '=', merchantId)
      .where('created_at', '>', now - 60_000)
      .where('order_id', '=', TEST_ORDER_ID)
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= TEST_EVENTS_PER_MINUTE) throw new ApiError('1010', `at most ${TEST_EVENTS_PER_MINUTE} test events a minute; try again shortly`);
    const { eventId } = await storage.db
      .transaction()
      .execute((trx) => enqueueWebhookEvent(trx, { merchantId, type, notifyUrl: verdict.url, data: { object: sampleObject(type, now), test: true }, at: now }));
    this.deps.worker.wake();
    return this.describeEvent(eventId, { merchantId });
  }

  /** Health of every endpoint with a backlog or failures (the metrics read this too). */
  endpointHealth(): Promise<EndpointHealth[]> {
    return this.deps.deliveries.endpointHealth();
  }
}

/** The order id of every test event (so it can be listed and told apart). */
export const TEST_ORDER_ID = 'pdirect_test_event';

function sampleObject(type: WebhookEventType, now: number): Record<string, unknown> {
  const at = new Date(now).toISOString();
  if (type.startsWith('refund.'))
    return {
      object: 'refund',
      id: 'rfd_test',
      payment_id: 'pay_test',
      order_id: TEST_ORDER_ID,
      amount: '1.00',
      currency: 'USD',
      status: 'succeeded',
      created_at: at,
    };
  if (type.startsWith('session.')) return { object: 'checkout_session', id: 'cs_test', order_id: TEST_ORDER_ID, status: 'expired', created_at: at };
  return {
    object: 'payment',
    id: 'pay_test',
    order_id: TEST_ORDER_ID,
    status: type.split('.')[1] ?? 'succeeded',
    amount: '1.00',
    currency: 'USD',
    created_at: at,
    updated_at: at,
  };
}

/**
 * Wires the webhook module: repositories, the sender (live mode: https and
 * public addresses only) and the worker, which signs with the service's
 * secrets. Nothing runs until `worker.start()` or `worker.runDue()`.
 */
export function createWebhookService(deps: {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  gatewayKeys: GatewayKeys;
  settings: WebhookSettings;
  mode: Mode;
  /** For LISTEN on PostgreSQL (wake on commit); without it the worker polls. */
  databaseUrl?: string;
  /** For test events (the allow-list). */
  merchants?: MerchantService;
  notifyUrlRefused?: (merchantId: string, url: string) => Promise<string | null>;
  tracing?: Tracing;
}): WebhookService {
  const { settings } = deps;
  const deliveries = new WebhookDeliveryRepository(deps.storage, { perEndpointConcurrency: DEFAULT_PER_ENDPOINT_CONCURRENCY, breaker: DEFAULT_BREAKER });
  const logger = deps.logger.child({ module: 'webhooks' });
  let service: WebhookService | undefined;
  const worker = new WebhookWorker({
    deliveries,
    sender: traceWebhookSender(
      new WebhookSender({ timeoutMs: settings.timeoutMs, connectTimeoutMs: CONNECT_TIMEOUT_MS, publicTargetsOnly: deps.mode === 'live' }),
      deps.tracing,
    ),
    subscribe: (wake) =>
      deps.storage.dialect === 'sqlite'
        ? subscribeSqlite(wake)
        : deps.databaseUrl
          ? listenPostgres(deps.databaseUrl, wake, logger, settings.pollIntervalMs)
          : Promise.resolve(async () => {}),
    signingSecrets: (merchantId, now) => service!.signingSecrets(merchantId, now),
    notifyUrlRefused: deps.notifyUrlRefused,
    clock: deps.clock,
    logger,
    retry: { scheduleMs: settings.retryScheduleMs, jitter: settings.retryJitter },
    batchSize: settings.concurrency,
    pollIntervalMs: settings.pollIntervalMs,
    // Longer than any attempt can take, so a live worker never loses its claim.
    leaseMs: 2 * settings.timeoutMs + 30_000,
  });
  service = new WebhookService({
    secrets: new WebhookSecretRepository(deps.storage.db),
    deliveries,
    gatewayKeys: deps.gatewayKeys,
    clock: deps.clock,
    worker,
    storage: deps.storage,
    merchants: deps.merchants,
    sandbox: deps.mode === 'sandbox',
  });
  return service;
}

/** An unreachable receiver (no answer to the connection) costs a worker slot this long, not the whole attempt timeout. */
export const CONNECT_TIMEOUT_MS = 3_000;

/** The channel a new delivery notifies on commit (migration 0009's trigger). */
export const WEBHOOK_CHANNEL = 'pdirect_webhooks';

async function subscribeSqlite(wake: () => void): Promise<() => Promise<void>> {
  const unsubscribe = watchCommittedInserts('webhook_deliveries', wake);
  return async () => unsubscribe();
}

/**
 * LISTEN on a dedicated connection; PostgreSQL delivers the trigger's
 * notification when the inserting transaction commits, to every process.
 * If the connection drops, the worker polls meanwhile and it reconnects.
 */
async function listenPostgres(url: string, wake: () => void, logger: Logger, retryMs: number): Promise<() => Promise<void>> {
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
