import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Storage } from '../../storage/database.js';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable, WebhookDeliveryState, WebhookEventsTable } from '../../storage/schema.js';

/** A delivery a worker holds a lease on, with what it needs to send it. */
export interface ClaimedDelivery {
  deliveryId: number;
  eventId: string;
  merchantId: string;
  notifyUrl: string;
  payload: string;
  /** Attempts already made in this schedule; the one about to happen is attemptCount + 1. */
  attemptCount: number;
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
  constructor(private readonly storage: Storage) {}

  private get db(): Kysely<Database> {
    return this.storage.db;
  }

  async claimDue(options: { now: number; limit: number; owner: string; leaseUntil: number }): Promise<ClaimedDelivery[]> {
    const { now, limit, owner, leaseUntil } = options;
    const lease = { state: 'delivering' as const, lease_owner: owner, lease_expires_at: leaseUntil, updated_at: now };
    let ids: number[];
    if (this.storage.dialect === 'postgres') {
      ids = await this.db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('webhook_deliveries')
          .select('id')
          .where(isDue(now))
          .orderBy('next_attempt_at')
          .limit(limit)
          .forUpdate()
          .skipLocked()
          .execute();
        if (due.length === 0) return [];
        const claimed = due.map((r) => r.id);
        await trx.updateTable('webhook_deliveries').set(lease).where('id', 'in', claimed).execute();
        return claimed;
      });
    } else {
      const rows = await this.db
        .updateTable('webhook_deliveries')
        .set(lease)
        .where('id', 'in', (eb) => eb.selectFrom('webhook_deliveries').select('id').where(isDue(now)).orderBy('next_attempt_at').limit(limit))
        .returning('id')
        .execute();
      ids = rows.map((r) => r.id);
    }
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
      .select(['d.id', 'd.event_id', 'd.attempt_count', 'e.merchant_id', 'e.notify_url', 'e.payload'])
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
      return Number(moved.numUpdatedRows) === 1;
    });
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
        .values({ event_id: eventId, state: 'pending', attempt_count: 0, next_attempt_at: now, lease_owner: null, lease_expires_at: null, created_at: now, updated_at: now })
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
