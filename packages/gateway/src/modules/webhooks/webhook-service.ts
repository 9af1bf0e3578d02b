import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Mode, WebhookSettings } from '../../config.js';
import { Secret } from '../../crypto/secret.js';
import { ApiError } from '../../errors.js';
import type { GatewayKeys } from '../../gateway-keys.js';
import { traceWebhookSender, type Tracing } from '../../observability/webhook-spans.js';
import type { Storage } from '../../storage/database.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { type EndpointHealth, WebhookDeliveryRepository } from './delivery-repository.js';
import { DEFAULT_BREAKER, DEFAULT_PER_ENDPOINT_CONCURRENCY } from './endpoints.js';
import { describeEvent, type EventList, type EventListFilter, type EventView, listEvents } from './event-views.js';
import { WebhookSender } from './sender.js';
import { sharedPerTurn } from './shared-per-turn.js';
import { enqueueTestEvent } from './test-events.js';
import { listenPostgres, subscribeSqlite } from './wake-on-commit.js';
import { generateWebhookSecret, WebhookSecretRepository } from './webhook-secrets.js';
import { WebhookWorker } from './worker.js';

/** Opened signing secrets remembered (oldest forgotten first): one or two per merchant whose webhooks are being sent. */
const OPENED_SECRETS = 1000;

export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 3_600_000;
export const MAX_ROTATION_OVERLAP_MS = 30 * 24 * 3_600_000;

export interface RotatedSecret {
  merchantId: string;
  /** Shown once; only its Fernet token is stored. */
  webhookSecret: Secret<string>;
  /** Until when the previous secret(s) keep signing too. */
  previousExpiresAt: number;
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

  /**
   * The merchant's secrets that sign at `now`, newest first (two during a
   * rotation overlap). Read for every attempt, never cached: the attempts
   * asking in the same turn share one read made after they asked
   * (shared-per-turn.ts), so a rotation is seen by the next attempt in every
   * process, as before.
   */
  async signingSecrets(merchantId: string, now: number): Promise<Secret<string>[]> {
    const rows = await this.#activeSecrets(merchantId, now);
    // Read for the earliest caller's `now`: each keeps those that still sign at its own, exactly as its own read would have.
    return rows.filter((r) => r.expiresAt === null || r.expiresAt > now).map((r) => this.#open(r.ciphertext));
  }

  /**
   * Opening a sealed secret (Fernet: an HMAC and an AES decryption) is a pure
   * function of the token, so its result is remembered per token: nothing
   * about which secrets sign can go stale (that is read on every attempt,
   * above), and a re-sealed secret (master key rotation) is a new token. The
   * key that opens them all is in this process's memory anyway.
   */
  #open(ciphertext: string): Secret<string> {
    let secret = this.#opened.get(ciphertext);
    if (!secret) {
      secret = new Secret(this.deps.gatewayKeys.webhookSecrets.open(ciphertext));
      if (this.#opened.size >= OPENED_SECRETS) this.#opened.delete(this.#opened.keys().next().value!);
      this.#opened.set(ciphertext, secret);
    }
    return secret;
  }

  readonly #opened = new Map<string, Secret<string>>();

  readonly #activeSecrets = sharedPerTurn((merchantId: string, nows: number[]) => this.deps.secrets.active(merchantId, Math.min(...nows)));

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

  describeEvent(eventId: string, scope: { merchantId?: string } = {}): Promise<EventView> {
    return describeEvent(this.deps.deliveries, eventId, scope);
  }

  listEvents(merchantId: string, filter: EventListFilter = {}): Promise<EventList> {
    return listEvents(this.deps.deliveries, merchantId, filter);
  }

  /** Sends a signed test event through the outbox (test-events.ts) and shows it. */
  async sendTestEvent(merchantId: string, input: { type?: string; url: string }): Promise<EventView> {
    const { storage, merchants } = this.deps;
    if (!storage || !merchants) throw new Error('test events need storage and merchants wired');
    const eventId = await enqueueTestEvent({ storage, merchants, clock: this.deps.clock, sandbox: this.deps.sandbox ?? false }, merchantId, input);
    this.deps.worker.wake();
    return this.describeEvent(eventId, { merchantId });
  }

  /** Health of every endpoint with a backlog or failures (the metrics read this too). */
  endpointHealth(): Promise<EndpointHealth[]> {
    return this.deps.deliveries.endpointHealth();
  }
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
  // Checked for every attempt; the attempts asking in the same turn share one check made after they asked (shared-per-turn.ts).
  const refused = deps.notifyUrlRefused;
  const notifyUrlRefused = refused && sharedPerTurn((_key: string, calls: Array<[string, string]>) => refused(...calls[0]!));
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
    notifyUrlRefused: notifyUrlRefused && ((merchantId, url) => notifyUrlRefused(JSON.stringify([merchantId, url]), [merchantId, url])),
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
