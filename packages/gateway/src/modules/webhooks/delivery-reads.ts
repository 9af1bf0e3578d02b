import { type Kysely, type Selectable, sql } from 'kysely';
import type { Storage } from '../../storage/database.js';
import type { Database, WebhookEndpointsTable } from '../../storage/schema.js';
import type { EndpointHealth, EventListQuery, WebhookAttemptRow, WebhookDeliveryRow, WebhookEventRow } from './delivery-types.js';

/** What the outbox holds, read for the events API, the dashboard, `pdirect webhook list` and the metrics. */
export class DeliveryReads {
  constructor(private readonly storage: Storage) {}

  private get db(): Kysely<Database> {
    return this.storage.db;
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
