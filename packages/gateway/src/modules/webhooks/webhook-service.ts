import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Mode, WebhookSettings } from '../../config.js';
import { Secret } from '../../crypto/secret.js';
import { ApiError } from '../../errors.js';
import type { GatewayKeys } from '../../gateway-keys.js';
import type { Storage } from '../../storage/database.js';
import { WebhookDeliveryRepository } from './delivery-repository.js';
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

export interface EventView {
  object: 'event';
  id: string;
  merchant_id: string;
  type: string;
  created_at: string;
  notify_url: string;
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

/** The merchant-facing webhook operations: secret rotation, redelivery, and what happened to an event. */
export class WebhookService {
  constructor(
    private readonly deps: {
      secrets: WebhookSecretRepository;
      deliveries: WebhookDeliveryRepository;
      gatewayKeys: GatewayKeys;
      clock: Clock;
      worker: WebhookWorker;
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
    if (!(await this.deps.secrets.rotate({ merchantId, ciphertext, now, oldExpiresAt: previousExpiresAt }))) {
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
      object: 'event',
      id: event.id,
      merchant_id: event.merchant_id,
      type: event.type,
      created_at: new Date(event.created_at).toISOString(),
      notify_url: event.notify_url,
      deliveries: deliveries.map((d) => ({ id: d.id, state: d.state, attempts: d.attempt_count, next_attempt_at: iso(d.next_attempt_at), created_at: new Date(d.created_at).toISOString() })),
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
}

/**
 * Wires the webhook module: repositories, the sender (live mode: https and
 * public addresses only) and the worker, which signs with the service's
 * secrets. Nothing runs until `worker.start()` or `worker.runDue()`.
 */
export function createWebhookService(deps: { storage: Storage; clock: Clock; logger: Logger; gatewayKeys: GatewayKeys; settings: WebhookSettings; mode: Mode }): WebhookService {
  const { settings } = deps;
  const deliveries = new WebhookDeliveryRepository(deps.storage);
  let service: WebhookService | undefined;
  const worker = new WebhookWorker({
    deliveries,
    sender: new WebhookSender({ timeoutMs: settings.timeoutMs, publicTargetsOnly: deps.mode === 'live' }),
    signingSecrets: (merchantId, now) => service!.signingSecrets(merchantId, now),
    clock: deps.clock,
    logger: deps.logger.child({ module: 'webhooks' }),
    retry: { scheduleMs: settings.retryScheduleMs, jitter: settings.retryJitter },
    batchSize: settings.concurrency,
    pollIntervalMs: settings.pollIntervalMs,
    // Longer than any attempt can take, so a live worker never loses its claim.
    leaseMs: 2 * settings.timeoutMs + 30_000,
  });
  service = new WebhookService({ secrets: new WebhookSecretRepository(deps.storage.db), deliveries, gatewayKeys: deps.gatewayKeys, clock: deps.clock, worker });
  return service;
}
