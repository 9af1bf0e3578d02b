import type { Storage } from '../../storage/database.js';
import { DeliveryAttempts } from './delivery-attempts.js';
import { DeliveryLeases } from './delivery-leases.js';
import { DeliveryReads } from './delivery-reads.js';
import type {
  AttemptRecord,
  ClaimedDelivery,
  DeliveryScheduling,
  EndpointHealth,
  EventListQuery,
  NextLease,
  WebhookAttemptRow,
  WebhookDeliveryRow,
  WebhookEventRow,
} from './delivery-types.js';
import { DEFAULT_BREAKER, DEFAULT_PER_ENDPOINT_CONCURRENCY } from './endpoints.js';

// The shapes it takes and answers (delivery-types.ts) are exported from here too.
export type * from './delivery-types.js';

/**
 * The outbox's storage, in three parts: leases (claiming, handing back, new
 * schedules: delivery-leases.ts, which says how claiming stays atomic on
 * each dialect), attempt recording with the endpoints' circuit breaker
 * (delivery-attempts.ts), and reads (delivery-reads.ts).
 */
export class WebhookDeliveryRepository {
  readonly scheduling: DeliveryScheduling;
  readonly #leases: DeliveryLeases;
  readonly #attempts: DeliveryAttempts;
  readonly #reads: DeliveryReads;

  constructor(storage: Storage, scheduling: Partial<DeliveryScheduling> = {}) {
    this.scheduling = { perEndpointConcurrency: DEFAULT_PER_ENDPOINT_CONCURRENCY, breaker: DEFAULT_BREAKER, ...scheduling };
    this.#leases = new DeliveryLeases(storage, this.scheduling);
    this.#attempts = new DeliveryAttempts(storage, this.scheduling);
    this.#reads = new DeliveryReads(storage);
  }

  // Leases (delivery-leases.ts): fair claiming, handing back on stop, a fresh schedule for a redelivery.

  claimDue(options: { now: number; limit: number; owner: string; leaseUntil: number }): Promise<ClaimedDelivery[]> {
    return this.#leases.claimDue(options);
  }

  releaseLeases(owner: string, now: number): Promise<number> {
    return this.#leases.releaseLeases(owner, now);
  }

  startNewSchedule(eventId: string, now: number): Promise<{ deliveryId: number } | 'busy'> {
    return this.#leases.startNewSchedule(eventId, now);
  }

  // Attempts (delivery-attempts.ts): the record, the delivery's next step and the endpoint's health.

  /**
   * Stores the attempt and moves the delivery on, in one transaction. The
   * attempt row is written even if the lease was lost meanwhile (it did
   * happen); the delivery is only moved by the lease holder. Returns whether
   * it still held the lease.
   */
  async recordAttempt(a: AttemptRecord): Promise<boolean> {
    return (await this.recordAttemptAndClaimNext(a)).held;
  }

  /**
   * recordAttempt, and — when `next` is given and the endpoint answered — in
   * the same transaction the lease of that endpoint's next due delivery, so a
   * worker draining one endpoint's burst keeps its slot busy without a full
   * claim per delivery. The endpoint's in-flight count does not change (one
   * finished, one starts), so its cap holds; the worker asks only while it has
   * spare slots, so other endpoints are not starved.
   */
  async recordAttemptAndClaimNext(a: AttemptRecord, next?: NextLease): Promise<{ held: boolean; next: ClaimedDelivery | undefined }> {
    return (await this.recordAttemptsAndClaimNext([{ attempt: a, next }]))[0]!;
  }

  recordAttemptsAndClaimNext(
    items: Array<{ attempt: AttemptRecord; next?: NextLease | undefined }>,
  ): Promise<Array<{ held: boolean; next: ClaimedDelivery | undefined }>> {
    return this.#attempts.recordAttemptsAndClaimNext(items);
  }

  // Reads (delivery-reads.ts).

  endpointHealth(): Promise<EndpointHealth[]> {
    return this.#reads.endpointHealth();
  }

  listEventsPage(q: EventListQuery): Promise<WebhookEventRow[]> {
    return this.#reads.listEventsPage(q);
  }

  findEvent(eventId: string): Promise<WebhookEventRow | undefined> {
    return this.#reads.findEvent(eventId);
  }

  deliveriesOf(eventId: string): Promise<WebhookDeliveryRow[]> {
    return this.#reads.deliveriesOf(eventId);
  }

  attemptsOf(eventId: string): Promise<WebhookAttemptRow[]> {
    return this.#reads.attemptsOf(eventId);
  }

  listEvents(
    merchantId: string,
    filters: { type?: string; from?: number; to?: number; mentions?: string },
    limit: number,
    offset: number,
  ): Promise<WebhookEventRow[]> {
    return this.#reads.listEvents(merchantId, filters, limit, offset);
  }

  deliveriesOfEvents(eventIds: string[]): Promise<WebhookDeliveryRow[]> {
    return this.#reads.deliveriesOfEvents(eventIds);
  }

  healthSince(merchantId: string, since: number): Promise<{ attempts: Record<string, number>; deliveries: Record<string, number> }> {
    return this.#reads.healthSince(merchantId, since);
  }
}
