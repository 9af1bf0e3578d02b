import { type Kysely, sql } from 'kysely';
import type { Storage } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { ClaimedDelivery, DeliveryScheduling } from './delivery-types.js';
import { endpointOf } from './endpoints.js';

/**
 * Who holds which delivery: claiming due deliveries, handing leases back,
 * and starting a fresh schedule (an endpoint's next deliveries are leased
 * while attempts are recorded: delivery-batch.ts). Claiming differs by
 * dialect: on PostgreSQL several processes claim at once, so due rows are
 * selected `FOR UPDATE SKIP LOCKED` and leased in one short transaction
 * (each row goes to exactly one worker, and nobody waits on anybody); SQLite has a single writer, so one UPDATE … RETURNING is
 * already atomic. Either way the lease is committed before any HTTP call, and
 * no transaction spans one.
 */
export class DeliveryLeases {
  constructor(
    private readonly storage: Storage,
    private readonly scheduling: DeliveryScheduling,
  ) {}

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
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
