import { type Kysely, type Selectable, sql } from 'kysely';
import type { Storage } from '../../storage/database.js';
import type {
  Database,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookDeliveryState,
  WebhookEndpointsTable,
  WebhookEventsTable,
} from '../../storage/schema.js';
import { precompiled, precompiledResult } from '../../storage/precompiled.js';
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
  /** When this delivery schedule was committed to the outbox (ms): the first attempt's lag is measured from it. */
  scheduledAt?: number;
  /** The notify URL's origin (fair scheduling, circuit breaker); derived from notifyUrl when absent. */
  endpoint?: string;
  /** The endpoint had failures on record when claimed: a success must reset them. */
  endpointUnwell?: boolean;
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
  /** As claimed (ClaimedDelivery.endpointUnwell); undefined = unknown, so reset to be sure. */
  endpointUnwell?: boolean;
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
    const postgres = this.storage.dialect === 'postgres';
    // On SQLite the whole claim is one write transaction (one writer: nothing interleaves); on
    // PostgreSQL each row is taken FOR UPDATE SKIP LOCKED, so concurrent workers never share one.
    let unwell = new Set<string>();
    const ids = await this.db.transaction().execute(async (trx) => {
      const plan = await this.#planClaim(trx, now, limit);
      unwell = plan.unwell;
      const claimed: number[] = [];
      // Leases that lapsed (a worker died mid-attempt) first: that work is oldest.
      for (const id of plan.lapsed) claimed.push(id);
      for (const { endpoint, quota } of plan.quotas) {
        if (claimed.length >= limit) break;
        let q = trx
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('state', '=', 'pending')
          .where('endpoint', '=', endpoint)
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(Math.min(quota, limit - claimed.length));
        if (postgres) q = q.forUpdate().skipLocked();
        for (const r of await q.execute()) claimed.push(Number(r.id));
      }
      if (claimed.length === 0) return [];
      await trx.updateTable('webhook_deliveries').set(lease).where('id', 'in', claimed).execute();
      return claimed;
    });
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .select(['d.id', 'd.event_id', 'd.attempt_count', 'd.created_at', 'd.endpoint', 'e.merchant_id', 'e.notify_url', 'e.payload'])
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
      scheduledAt: Number(r.created_at),
      endpoint: r.endpoint ?? endpointOf(r.notify_url),
      endpointUnwell: unwell.has(r.endpoint ?? endpointOf(r.notify_url)),
    }));
  }

  /**
   * Which endpoints get how many of the `limit` slots: every endpoint with
   * due work, oldest first, one slot each in turn (round robin) up to its
   * room — the per-endpoint cap minus what is in flight there, 1 while its
   * breaker is half-open, none while it is open. The distinct endpoints are
   * found by a loose index scan (one index seek per endpoint), so the cost
   * does not grow with a backlog's length.
   */
  async #planClaim(
    trx: Kysely<Database>,
    now: number,
    limit: number,
  ): Promise<{ lapsed: number[]; quotas: Array<{ endpoint: string; quota: number }>; unwell: Set<string> }> {
    const { perEndpointConcurrency, breaker } = this.scheduling;
    const endpoints = await sql<{ endpoint: string; oldest: number }>`
      with recursive eps(endpoint) as (
        select min(endpoint) from webhook_deliveries where state = 'pending'
        union all
        select (select min(d.endpoint) from webhook_deliveries d where d.state = 'pending' and d.endpoint > eps.endpoint)
        from eps where eps.endpoint is not null
      )
      select endpoint, (select min(d.next_attempt_at) from webhook_deliveries d where d.state = 'pending' and d.endpoint = eps.endpoint) as oldest
      from eps where endpoint is not null`.execute(trx);
    const due = endpoints.rows.filter((e) => e.oldest !== null && Number(e.oldest) <= now).sort((a, b) => Number(a.oldest) - Number(b.oldest));
    const lapsed = await trx
      .selectFrom('webhook_deliveries')
      .select(['id', 'endpoint'])
      .where('state', '=', 'delivering')
      .where('lease_expires_at', '<=', now)
      .orderBy('lease_expires_at')
      .limit(limit)
      .$if(this.storage.dialect === 'postgres', (q) => q.forUpdate().skipLocked())
      .execute();
    const unwell = await trx
      .selectFrom('webhook_endpoints')
      .select(['endpoint', 'consecutive_failures', 'paused_until'])
      .where('consecutive_failures', '>', 0)
      .execute();
    const health = new Map(unwell.map((h) => [h.endpoint, h]));
    if (due.length === 0) return { lapsed: lapsed.map((r) => Number(r.id)), quotas: [], unwell: new Set(health.keys()) };
    const busyRows = await trx
      .selectFrom('webhook_deliveries')
      .select(['endpoint', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'delivering')
      .where('lease_expires_at', '>', now)
      .groupBy('endpoint')
      .execute();
    const busy = new Map(busyRows.map((r) => [r.endpoint, Number(r.n)]));
    for (const r of lapsed) busy.set(r.endpoint, (busy.get(r.endpoint) ?? 0) + 1);
    const room = new Map<string, number>();
    for (const e of due) {
      const h = health.get(e.endpoint);
      if (h?.paused_until != null && h.paused_until > now) continue; // breaker open: the backlog waits, untouched
      const cap = h && h.consecutive_failures >= breaker.failureThreshold ? 1 : perEndpointConcurrency; // half-open: one probe
      const left = cap - (busy.get(e.endpoint) ?? 0);
      if (left > 0) room.set(e.endpoint, left);
    }
    const quotas = new Map<string, number>();
    let slots = limit - lapsed.length;
    while (slots > 0 && room.size > 0) {
      for (const [endpoint, left] of room) {
        if (slots === 0) break;
        quotas.set(endpoint, (quotas.get(endpoint) ?? 0) + 1);
        slots--;
        if (left === 1) room.delete(endpoint);
        else room.set(endpoint, left - 1);
      }
    }
    return { lapsed: lapsed.map((r) => Number(r.id)), quotas: [...quotas].map(([endpoint, quota]) => ({ endpoint, quota })), unwell: new Set(health.keys()) };
  }

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
  async recordAttemptAndClaimNext(
    a: AttemptRecord,
    next?: { owner: string; now: number; leaseUntil: number },
  ): Promise<{ held: boolean; next: ClaimedDelivery | undefined }> {
    return (await this.recordAttemptsAndClaimNext([{ attempt: a, next }]))[0]!;
  }

  /**
   * recordAttemptAndClaimNext for several finished attempts in one
   * transaction (the worker's group commit: one commit for every attempt
   * that finished meanwhile). Endpoints are visited in a fixed order, so two
   * such transactions on PostgreSQL take endpoint rows' locks in the same
   * order and cannot deadlock. Results in the order given.
   */
  async recordAttemptsAndClaimNext(
    items: Array<{ attempt: AttemptRecord; next?: { owner: string; now: number; leaseUntil: number } | undefined }>,
  ): Promise<Array<{ held: boolean; next: ClaimedDelivery | undefined }>> {
    const order = items.map((_, i) => i);
    order.sort((x, y) => {
      const a = items[x]!.attempt;
      const b = items[y]!.attempt;
      return (a.endpoint ?? '') < (b.endpoint ?? '') ? -1 : (a.endpoint ?? '') > (b.endpoint ?? '') ? 1 : a.deliveryId - b.deliveryId;
    });
    return this.db.transaction().execute(async (trx) => {
      const out: Array<{ held: boolean; next: ClaimedDelivery | undefined }> = new Array(items.length);
      for (const i of order) {
        const { attempt: a, next } = items[i]!;
        const held = await this.#record(trx, a);
        // The endpoint answered: any failures on record were just reset, so the next one is claimed as healthy.
        const answered = next !== undefined && a.endpoint !== undefined && a.responseStatus !== null;
        out[i] = { held, next: answered ? await this.#leaseNextOf(trx, a.endpoint!, next) : undefined };
      }
      return out;
    });
  }

  readonly #leasedRow = precompiled(
    () => this.db,
    (p) =>
      this.db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
        .select(['d.id', 'd.event_id', 'd.attempt_count', 'd.created_at', 'e.merchant_id', 'e.notify_url', 'e.payload'])
        .where('d.id', '=', p('id') as unknown as number),
  );

  async #leaseNextOf(trx: Kysely<Database>, endpoint: string, o: { owner: string; now: number; leaseUntil: number }): Promise<ClaimedDelivery | undefined> {
    const postgres = this.storage.dialect === 'postgres';
    const leased = await sql<{ id: number }>`
      update webhook_deliveries set state = 'delivering', lease_owner = ${o.owner}, lease_expires_at = ${o.leaseUntil}, updated_at = ${o.now}
      where id = (
        select d.id from webhook_deliveries d
        where d.state = 'pending' and d.endpoint = ${endpoint} and d.next_attempt_at <= ${o.now}
          and not exists (select 1 from webhook_endpoints h where h.endpoint = ${endpoint} and h.paused_until > ${o.now})
        order by d.next_attempt_at, d.id limit 1
        ${postgres ? sql`for update skip locked` : sql``}
      )
      returning id`.execute(trx);
    const id = leased.rows[0]?.id;
    if (id === undefined) return undefined;
    const [row] = await this.#leasedRow({ id: Number(id) }, trx);
    if (!row) throw new Error(`webhook delivery ${id} vanished inside its own transaction`);
    return {
      deliveryId: row.id,
      eventId: row.event_id,
      merchantId: row.merchant_id,
      notifyUrl: row.notify_url,
      payload: row.payload,
      attemptCount: row.attempt_count,
      scheduledAt: Number(row.created_at),
      endpoint,
      endpointUnwell: false,
    };
  }

  // Every attempt runs these: built once (storage/precompiled.ts).
  readonly #moveDelivery = precompiledResult(
    () => this.db,
    (p) =>
      this.db
        .updateTable('webhook_deliveries')
        .set({
          state: p('state') as WebhookDeliveryState,
          attempt_count: p('attemptCount') as unknown as number,
          next_attempt_at: p('nextAttemptAt') as unknown as number,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: p('updatedAt') as unknown as number,
        })
        .where('id', '=', p('id') as unknown as number)
        .where('state', '=', 'delivering')
        .where('lease_owner', '=', p('owner')),
  );
  readonly #insertAttempt = precompiled(
    () => this.db,
    (p) =>
      this.db.insertInto('webhook_attempts').values({
        delivery_id: p('deliveryId') as unknown as number,
        event_id: p('eventId'),
        attempt_number: p('attemptNumber') as unknown as number,
        worker_id: p('workerId'),
        started_at: p('startedAt') as unknown as number,
        duration_ms: p('durationMs') as unknown as number,
        outcome: p('outcome') as 'succeeded' | 'failed',
        response_status: p('responseStatus') as unknown as number,
        error: p('error'),
        response_body: p('responseBody'),
        next_attempt_at: p('nextAttemptAt') as unknown as number,
      }),
  );

  async #record(trx: Kysely<Database>, a: AttemptRecord): Promise<boolean> {
    const moved = await this.#moveDelivery(
      { state: a.nextState, attemptCount: a.attemptNumber, nextAttemptAt: a.nextAttemptAt, updatedAt: a.finishedAt, id: a.deliveryId, owner: a.workerId },
      trx,
    );
    await this.#insertAttempt(
      {
        deliveryId: a.deliveryId,
        eventId: a.eventId,
        attemptNumber: a.attemptNumber,
        workerId: a.workerId,
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        outcome: a.outcome,
        responseStatus: a.responseStatus,
        error: a.error,
        responseBody: a.responseBody,
        nextAttemptAt: a.nextAttemptAt,
      },
      trx,
    );
    if (a.endpoint !== undefined) await this.#recordEndpointHealth(trx, a.endpoint, a);
    return Number(moved.numAffectedRows ?? 0n) === 1;
  }

  /**
   * The breaker: any HTTP answer closes it (a no-op while healthy); an
   * attempt that got no answer counts, and at the threshold pauses the endpoint — its backlog
   * stays pending, untouched — for a time that doubles with each failed probe.
   */
  async #recordEndpointHealth(trx: Kysely<Database>, endpoint: string, a: AttemptRecord): Promise<void> {
    if (!a.endpointFailed) {
      // Any HTTP answer says the endpoint is reachable (nothing to write if it had no failures when claimed).
      if (a.responseStatus !== null && a.endpointUnwell !== false) {
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
      await trx
        .updateTable('webhook_endpoints')
        .set({ paused_until: a.finishedAt + pause })
        .where('endpoint', '=', endpoint)
        .execute();
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
      if (!e)
        byEndpoint.set(endpoint, (e = { endpoint, backlog: 0, inFlight: 0, consecutiveFailures: 0, failingSince: null, pausedUntil: null, lastError: null }));
      return e;
    };
    for (const h of health as Array<Selectable<WebhookEndpointsTable>>) {
      if (h.consecutive_failures === 0) continue;
      Object.assign(entry(h.endpoint), {
        consecutiveFailures: h.consecutive_failures,
        failingSince: h.failing_since,
        pausedUntil: h.paused_until,
        lastError: h.last_error,
      });
    }
    for (const b of backlog) {
      const e = entry(b.endpoint ?? '(unknown)');
      e.backlog += Number(b.n);
      if (b.state === 'delivering') e.inFlight += Number(b.n);
    }
    return [...byEndpoint.values()].sort(
      (x, y) => y.consecutiveFailures - x.consecutiveFailures || y.backlog - x.backlog || x.endpoint.localeCompare(y.endpoint),
    );
  }

  /** A merchant's events, newest first, filtered; one more than `limit` is read to tell whether more follow. */
  async listEventsPage(q: EventListQuery): Promise<WebhookEventRow[]> {
    let query = this.db.selectFrom('webhook_events').selectAll().where('merchant_id', '=', q.merchantId);
    if (q.type !== undefined) query = query.where('type', '=', q.type as WebhookEventRow['type']);
    if (q.orderId !== undefined) query = query.where('order_id', '=', q.orderId);
    if (q.createdGte !== undefined) query = query.where('created_at', '>=', q.createdGte);
    if (q.createdLte !== undefined) query = query.where('created_at', '<=', q.createdLte);
    if (q.after) {
      const { createdAt, id } = q.after;
      query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
    }
    return query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
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
  async listEvents(
    merchantId: string,
    filters: { type?: string; from?: number; to?: number; mentions?: string },
    limit: number,
    offset: number,
  ): Promise<WebhookEventRow[]> {
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
