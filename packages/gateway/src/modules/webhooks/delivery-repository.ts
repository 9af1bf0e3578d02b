import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import type { Storage } from '../../storage/database.js';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable, WebhookDeliveryState, WebhookEndpointsTable, WebhookEventsTable } from '../../storage/schema.js';
import { type BreakerPolicy, breakerPause, DEFAULT_BREAKER, DEFAULT_PER_ENDPOINT_CONCURRENCY, endpointOf } from './endpoints.js';

/** A delivery a worker holds a lease on, with what it needs to send it. */
export interface ClaimedDelivery {
  deliveryId: number;
  eventId: string;
  merchantId: string;
  notifyUrl: string;
  payload: string;
  /** Attempts already made in this schedule; the one about to happen is attemptCount + 1. */
  attemptCount: number;
  /** The notify URL's origin (fair scheduling, circuit breaker); derived from notifyUrl when absent. */
  endpoint?: string;
}

export interface AttemptRecord {
  deliveryId: number;
  eventId: string;
  attemptNumber: number;
  workerId: string;
  startedAt: number;
  durationMs: number;
  outcome: 'succeeded' | 'failed';
  responseStatus: number | null;
  error: string | null;
  responseBody: string | null;
  /** The delivery's state after this attempt, and when the next one is due (null if none). */
  nextState: Exclude<WebhookDeliveryState, 'delivering'>;
  nextAttemptAt: number | null;
  finishedAt: number;
  /** The delivery's endpoint, and whether this attempt says it is unwell (see isEndpointFailure). */
  endpoint?: string;
  endpointFailed?: boolean;
}

/** One endpoint's health, for `pdirect webhook list` and the metrics. */
export interface EndpointHealth {
  endpoint: string;
  /** Deliveries waiting (pending) or in flight (delivering). */
  backlog: number;
  inFlight: number;
  consecutiveFailures: number;
  failingSince: number | null;
  /** Breaker open until then (then one probe); null when closed. */
  pausedUntil: number | null;
  lastError: string | null;
}

export interface EventListQuery {
  merchantId: string;
  limit: number;
  type?: string;
  orderId?: string;
  createdGte?: number;
  createdLte?: number;
  /** Cursor: the last event of the previous page (newest first, so older ones follow). */
  after?: { createdAt: number; id: string };
}

export interface DeliveryScheduling {
  /** Deliveries one endpoint may have in flight at once, across every worker. */
  perEndpointConcurrency: number;
  breaker: BreakerPolicy;
}

export type WebhookEventRow = Selectable<WebhookEventsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;

/** Due now: pending and scheduled, or held by a worker whose lease lapsed (it crashed mid-attempt). */
function isDue(now: number) {
  return (eb: ExpressionBuilder<Database, 'webhook_deliveries'>) =>
    eb.or([
      eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
      eb.and([eb('state', '=', 'delivering'), eb('lease_expires_at', '<=', now)]),
    ]);
}

/**
 * The outbox's storage. Claiming is the one dialect-specific operation: on
 * PostgreSQL several processes claim at once, so due rows are selected
 * `FOR UPDATE SKIP LOCKED` and leased in one short transaction (each row goes
 * to exactly one worker, and nobody waits on anybody); SQLite has a single
 * writer, so one UPDATE … RETURNING is already atomic. Either way the lease
 * is committed before any HTTP call, and no transaction spans one.
 */
export class WebhookDeliveryRepository {
  readonly scheduling: DeliveryScheduling;

  constructor(
    private readonly storage: Storage,
    scheduling: Partial<DeliveryScheduling> = {},
  ) {
    this.scheduling = { perEndpointConcurrency: DEFAULT_PER_ENDPOINT_CONCURRENCY, breaker: DEFAULT_BREAKER, ...scheduling };
  }

  private get db(): Kysely<Database> {
    return this.storage.db;
  }

  /**
   * Leases up to `limit` due deliveries, fairly: every endpoint's oldest due
   * delivery comes before any endpoint's second one, an endpoint never has
   * more than `perEndpointConcurrency` in flight (across all workers), an
   * endpoint whose breaker is open gets nothing, and one whose pause has
   * passed gets a single probe. So a new event for a healthy endpoint is
   * claimed at once, however long a dead endpoint's backlog is. (Across
   * PostgreSQL workers claiming at the same instant the cap is approximate:
   * each sees the others' committed leases only.)
   */
  async claimDue(options: { now: number; limit: number; owner: string; leaseUntil: number }): Promise<ClaimedDelivery[]> {
    const { now, limit, owner, leaseUntil } = options;
    const lease = { state: 'delivering' as const, lease_owner: owner, lease_expires_at: leaseUntil, updated_at: now };
    const { perEndpointConcurrency, breaker } = this.scheduling;
    const fair = (db: Kysely<Database>, take: number) => sql<{ id: number }>`
      with due as (
        select d.id, d.endpoint, d.next_attempt_at, coalesce(h.consecutive_failures, 0) as failures,
          row_number() over (partition by d.endpoint order by d.next_attempt_at, d.id) as rn
        from webhook_deliveries d
        left join webhook_endpoints h on h.endpoint = d.endpoint
        where ((d.state = 'pending' and d.next_attempt_at <= ${now}) or (d.state = 'delivering' and d.lease_expires_at <= ${now}))
          and (h.paused_until is null or h.paused_until <= ${now})
      ),
      busy as (
        select endpoint, count(*) as n from webhook_deliveries
        where state = 'delivering' and lease_expires_at > ${now}
        group by endpoint
      )
      select due.id from due
      left join busy on busy.endpoint = due.endpoint
      where due.rn + coalesce(busy.n, 0) <= case when due.failures >= ${breaker.failureThreshold} then 1 else ${perEndpointConcurrency} end
      order by due.rn, due.next_attempt_at, due.id
      limit ${take}`.execute(db);
    let ids: number[];
    if (this.storage.dialect === 'postgres') {
      ids = await this.db.transaction().execute(async (trx) => {
        // Workers claiming at once see the same candidates: read a few times the limit, lock what is
        // still due and not locked by another worker, and keep the first `limit` in the fair order.
        const candidates = (await fair(trx, limit * 3)).rows.map((r) => Number(r.id));
        if (candidates.length === 0) return [];
        const due = await trx.selectFrom('webhook_deliveries').select('id').where('id', 'in', candidates).where(isDue(now)).forUpdate().skipLocked().execute();
        const locked = new Set(due.map((r) => Number(r.id)));
        const claimed = candidates.filter((id) => locked.has(id)).slice(0, limit);
        if (claimed.length === 0) return [];
        await trx.updateTable('webhook_deliveries').set(lease).where('id', 'in', claimed).execute();
        return claimed;
      });
    } else {
      // One writer: select and lease in one transaction, nothing can interleave.
      ids = await this.db.transaction().execute(async (trx) => {
        const candidates = (await fair(trx, limit)).rows.map((r) => Number(r.id));
        if (candidates.length === 0) return [];
        await trx.updateTable('webhook_deliveries').set(lease).where('id', 'in', candidates).execute();
        return candidates;
      });
    }
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .select(['d.id', 'd.event_id', 'd.attempt_count', 'd.endpoint', 'e.merchant_id', 'e.notify_url', 'e.payload'])
      .where('d.id', 'in', ids)
      .where('d.lease_owner', '=', owner)
      .orderBy('d.next_attempt_at')
      .execute();
    return rows.map((r) => ({
      deliveryId: r.id,
      eventId: r.event_id,
      merchantId: r.merchant_id,
      notifyUrl: r.notify_url,
      payload: r.payload,
      attemptCount: r.attempt_count,
      endpoint: r.endpoint ?? endpointOf(r.notify_url),
    }));
  }

  /**
   * Stores the attempt and moves the delivery on, in one transaction. The
   * attempt row is written even if the lease was lost meanwhile (it did
   * happen); the delivery is only moved by the lease holder. Returns whether
   * it still held the lease.
   */
  async recordAttempt(a: AttemptRecord): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('webhook_deliveries')
        .set({
          state: a.nextState,
          attempt_count: a.attemptNumber,
          next_attempt_at: a.nextAttemptAt,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: a.finishedAt,
        })
        .where('id', '=', a.deliveryId)
        .where('state', '=', 'delivering')
        .where('lease_owner', '=', a.workerId)
        .executeTakeFirst();
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: a.deliveryId,
          event_id: a.eventId,
          attempt_number: a.attemptNumber,
          worker_id: a.workerId,
          started_at: a.startedAt,
          duration_ms: a.durationMs,
          outcome: a.outcome,
          response_status: a.responseStatus,
          error: a.error,
          response_body: a.responseBody,
          next_attempt_at: a.nextAttemptAt,
        })
        .execute();
      if (a.endpoint !== undefined) await this.#recordEndpointHealth(trx, a.endpoint, a);
      return Number(moved.numUpdatedRows) === 1;
    });
  }

  /**
   * The breaker: any HTTP answer closes it (a no-op while healthy); an
   * attempt that got no answer counts, and at the threshold pauses the endpoint — its backlog
   * stays pending, untouched — for a time that doubles with each failed probe.
   */
  async #recordEndpointHealth(trx: Kysely<Database>, endpoint: string, a: AttemptRecord): Promise<void> {
    if (!a.endpointFailed) {
      // Any HTTP answer says the endpoint is reachable.
      if (a.responseStatus !== null) {
        await trx
          .updateTable('webhook_endpoints')
          .set({ consecutive_failures: 0, failing_since: null, paused_until: null, last_error: null, updated_at: a.finishedAt })
          .where('endpoint', '=', endpoint)
          .where('consecutive_failures', '>', 0)
          .execute();
      }
      return;
    }
    const lastError = (a.error ?? (a.responseStatus === null ? 'network' : `http_${a.responseStatus}`)).slice(0, 40);
    const row = await trx
      .insertInto('webhook_endpoints')
      .values({ endpoint, consecutive_failures: 1, failing_since: a.startedAt, paused_until: null, last_error: lastError, updated_at: a.finishedAt })
      .onConflict((oc) =>
        oc.column('endpoint').doUpdateSet((eb) => ({
          consecutive_failures: sql<number>`${eb.ref('webhook_endpoints.consecutive_failures')} + 1`,
          failing_since: sql<number>`coalesce(${eb.ref('webhook_endpoints.failing_since')}, ${eb.ref('excluded.failing_since')})`,
          last_error: eb.ref('excluded.last_error'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .returning('consecutive_failures')
      .executeTakeFirstOrThrow();
    const pause = breakerPause(row.consecutive_failures, this.scheduling.breaker);
    if (pause !== undefined) {
      await trx.updateTable('webhook_endpoints').set({ paused_until: a.finishedAt + pause }).where('endpoint', '=', endpoint).execute();
    }
  }

  /** Every endpoint with a backlog or a failure, worst first: for `pdirect webhook list` and the metrics. */
  async endpointHealth(): Promise<EndpointHealth[]> {
    const backlog = await this.db
      .selectFrom('webhook_deliveries')
      .select(['endpoint', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['pending', 'delivering'])
      .groupBy(['endpoint', 'state'])
      .execute();
    const health = await this.db.selectFrom('webhook_endpoints').selectAll().execute();
    const byEndpoint = new Map<string, EndpointHealth>();
    const entry = (endpoint: string) => {
      let e = byEndpoint.get(endpoint);
      if (!e) byEndpoint.set(endpoint, (e = { endpoint, backlog: 0, inFlight: 0, consecutiveFailures: 0, failingSince: null, pausedUntil: null, lastError: null }));
      return e;
    };
    for (const h of health as Array<Selectable<WebhookEndpointsTable>>) {
      if (h.consecutive_failures === 0) continue;
      Object.assign(entry(h.endpoint), { consecutiveFailures: h.consecutive_failures, failingSince: h.failing_since, pausedUntil: h.paused_until, lastError: h.last_error });
    }
    for (const b of backlog) {
      const e = entry(b.endpoint ?? '(unknown)');
      e.backlog += Number(b.n);
      if (b.state === 'delivering') e.inFlight += Number(b.n);
    }
    return [...byEndpoint.values()].sort((x, y) => y.consecutiveFailures - x.consecutiveFailures || y.backlog - x.backlog || x.endpoint.localeCompare(y.endpoint));
  }

  /** A merchant's events, newest first, filtered; one more than `limit` is read to tell whether more follow. */
  async listEvents(q: EventListQuery): Promise<WebhookEventRow[]> {
    let query = this.db.selectFrom('webhook_events').selectAll().where('merchant_id', '=', q.merchantId);
    if (q.type !== undefined) query = query.where('type', '=', q.type as WebhookEventRow['type']);
    if (q.orderId !== undefined) query = query.where('order_id', '=', q.orderId);
    if (q.createdGte !== undefined) query = query.where('created_at', '>=', q.createdGte);
    if (q.createdLte !== undefined) query = query.where('created_at', '<=', q.createdLte);
    if (q.after) {
      const { createdAt, id } = q.after;
      query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  }

  /** Hands back whatever `owner` still holds (graceful stop): due again at once, for any worker. */
  async releaseLeases(owner: string, now: number): Promise<number> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ state: 'pending', lease_owner: null, lease_expires_at: null, updated_at: now })
      .where('state', '=', 'delivering')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * A fresh schedule for an event whose last one ended (succeeded or dead).
   * 'busy' if one is still live; the partial unique index settles a race.
   */
  async startNewSchedule(eventId: string, now: number): Promise<{ deliveryId: number } | 'busy'> {
    const live = await this.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('event_id', '=', eventId)
      .where('state', 'in', ['pending', 'delivering'])
      .executeTakeFirst();
    if (live) return 'busy';
    try {
      const row = await this.db
        .insertInto('webhook_deliveries')
        .values({
          event_id: eventId,
          state: 'pending',
          attempt_count: 0,
          next_attempt_at: now,
          lease_owner: null,
          lease_expires_at: null,
          created_at: now,
          updated_at: now,
          endpoint: sql<string>`(select d.endpoint from webhook_deliveries d where d.event_id = ${eventId} order by d.id desc limit 1)`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { deliveryId: row.id };
    } catch (err) {
      if (isUniqueViolation(err)) return 'busy';
      throw err;
    }
  }

  async findEvent(eventId: string): Promise<WebhookEventRow | undefined> {
    return this.db.selectFrom('webhook_events').selectAll().where('id', '=', eventId).executeTakeFirst();
  }

  async deliveriesOf(eventId: string): Promise<WebhookDeliveryRow[]> {
    return this.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId).orderBy('id').execute();
  }

  async attemptsOf(eventId: string): Promise<WebhookAttemptRow[]> {
    return this.db.selectFrom('webhook_attempts').selectAll().where('event_id', '=', eventId).orderBy('id').execute();
  }

  /** Dashboard list, newest first: by type, time range, and an id (payment, refund, session) the payload mentions. */
  async listEvents(merchantId: string, filters: { type?: string; from?: number; to?: number; mentions?: string }, limit: number, offset: number): Promise<WebhookEventRow[]> {
    let query = this.db.selectFrom('webhook_events').selectAll().where('merchant_id', '=', merchantId);
    if (filters.type) query = query.where('type', '=', filters.type as WebhookEventRow['type']);
    if (filters.from !== undefined) query = query.where('created_at', '>=', filters.from);
    if (filters.to !== undefined) query = query.where('created_at', '<', filters.to);
    if (filters.mentions) query = query.where(sql<boolean>`payload like ${`%"${filters.mentions.replace(/[\\%_"]/g, (c) => `\\${c}`)}"%`} escape '\\'`);
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
  }

  async deliveriesOfEvents(eventIds: string[]): Promise<WebhookDeliveryRow[]> {
    if (eventIds.length === 0) return [];
    return this.db.selectFrom('webhook_deliveries').selectAll().where('event_id', 'in', eventIds).orderBy('id').execute();
  }

  /** Dashboard health: attempts since `since` by outcome, and the merchant's deliveries now pending or dead. */
  async healthSince(merchantId: string, since: number): Promise<{ attempts: Record<string, number>; deliveries: Record<string, number> }> {
    const attempts = await this.db
      .selectFrom('webhook_attempts as a')
      .innerJoin('webhook_events as e', 'e.id', 'a.event_id')
      .select(['a.outcome', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('e.merchant_id', '=', merchantId)
      .where('a.started_at', '>=', since)
      .groupBy('a.outcome')
      .execute();
    const deliveries = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .select(['d.state', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('e.merchant_id', '=', merchantId)
      .where('d.created_at', '>=', since)
      .groupBy('d.state')
      .execute();
    return {
      attempts: Object.fromEntries(attempts.map((r) => [r.outcome, Number(r.n)])),
      deliveries: Object.fromEntries(deliveries.map((r) => [r.state, Number(r.n)])),
    };
  }
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
