import { type Kysely, sql } from 'kysely';
import type { Storage } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import { type DeliveryBatch, deliveryBatch } from './delivery-batch.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryScheduling, NextLease } from './delivery-types.js';
import { breakerPause } from './endpoints.js';

/**
 * Recording finished attempts: the attempt row, the delivery's next step and
 * the endpoint's health (the circuit breaker), in one transaction per batch.
 */
export class DeliveryAttempts {
  private readonly batch: DeliveryBatch;

  constructor(
    private readonly storage: Storage,
    private readonly scheduling: DeliveryScheduling,
  ) {
    this.batch = deliveryBatch(storage.dialect);
  }

  private get db(): Kysely<Database> {
    return this.storage.db;
  }

  /**
   * WebhookDeliveryRepository.recordAttemptAndClaimNext for several finished
   * attempts in one transaction (the worker's group commit: one commit for
   * every attempt that finished meanwhile), with set-based statements
   * (delivery-batch.ts): one UPDATE moves every delivery on, one INSERT
   * writes every attempt row, then the endpoints' health (statements only
   * for an endpoint that failed, or answered after failures), then one lease
   * per endpoint of as many next deliveries as its attempts asked for. So the
   * lease sees the breaker as the whole batch left it. Endpoints are visited
   * in a fixed order, so two such transactions on PostgreSQL take endpoint
   * rows' locks in the same order and cannot deadlock. Results in the order
   * given.
   */
  async recordAttemptsAndClaimNext(
    items: Array<{ attempt: AttemptRecord; next?: NextLease | undefined }>,
  ): Promise<Array<{ held: boolean; next: ClaimedDelivery | undefined }>> {
    const order = items.map((_, i) => i);
    order.sort((x, y) => {
      const a = items[x]!.attempt;
      const b = items[y]!.attempt;
      return (a.endpoint ?? '') < (b.endpoint ?? '') ? -1 : (a.endpoint ?? '') > (b.endpoint ?? '') ? 1 : a.deliveryId - b.deliveryId;
    });
    const attempts = order.map((i) => items[i]!.attempt);
    // The endpoint answered: any failures on record were just reset, so its next deliveries are claimed as healthy.
    const asking = new Map<string, { endpoint: string; lease: NextLease; items: number[] }>();
    for (const i of order) {
      const { attempt: a, next } = items[i]!;
      if (next === undefined || a.endpoint === undefined || a.responseStatus === null) continue;
      const key = `${next.owner}\n${a.endpoint}`;
      const group = asking.get(key) ?? asking.set(key, { endpoint: a.endpoint, lease: next, items: [] }).get(key)!;
      if (next.now > group.lease.now) group.lease = next;
      group.items.push(i);
    }
    return this.db.transaction().execute(async (trx) => {
      const held = await this.batch.moveDeliveries(trx, attempts);
      await this.batch.insertAttempts(trx, attempts);
      for (const a of attempts) if (a.endpoint !== undefined) await this.#recordEndpointHealth(trx, a.endpoint, a);
      const out = items.map((it) => ({ held: held.has(it.attempt.deliveryId), next: undefined as ClaimedDelivery | undefined }));
      for (const group of asking.values()) {
        const leased = await this.batch.leaseNext(trx, group.endpoint, group.items.length, group.lease);
        leased.forEach((d, k) => (out[group.items[k]!]!.next = d));
      }
      return out;
    });
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
}
