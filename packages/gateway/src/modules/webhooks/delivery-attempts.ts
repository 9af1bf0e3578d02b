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
   * attempts at once (the worker's group commit: one commit for every
   * attempt that finished meanwhile), with set-based statements
   * (delivery-batch.ts): every delivery moved on and every attempt row
   * written, then the endpoints' health (statements only for an endpoint
   * that failed, or answered after failures), then the answering endpoints'
   * next deliveries, as many as their attempts asked for — so the lease sees
   * the breaker as the whole batch left it. All in one transaction; on
   * PostgreSQL, with no health to write, in one statement. Endpoints are
   * visited in a fixed order, so two such transactions on PostgreSQL take
   * endpoint rows' locks in the same order and cannot deadlock. Results in
   * the order given.
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
    const asks = askingForNext(items, order);
    const held = new Set<number>();
    const nexts = new Map<number, ClaimedDelivery>();
    const handOut = (endpoints: Map<string, number[]>, leased: Map<string, ClaimedDelivery[]>) => {
      for (const [endpoint, waiting] of endpoints) (leased.get(endpoint) ?? []).forEach((d, k) => nexts.set(waiting[k]!, d));
    };
    const wanted = (endpoints: Map<string, number[]>) => [...endpoints].map(([endpoint, waiting]) => ({ endpoint, count: waiting.length }));
    if (this.batch.recordAndLeaseNext && asks.length <= 1 && !attempts.some(writesHealth)) {
      // PostgreSQL, no endpoint health to write in between: one statement, atomic without BEGIN and COMMIT.
      const [ask] = asks;
      if (ask) {
        const result = await this.batch.recordAndLeaseNext(this.db, attempts, wanted(ask.endpoints), ask.lease);
        result.held.forEach((id) => held.add(id));
        handOut(ask.endpoints, result.leased);
      } else (await this.batch.record(this.db, attempts)).forEach((id) => held.add(id));
    } else {
      await this.db.transaction().execute(async (trx) => {
        (await this.batch.record(trx, attempts)).forEach((id) => held.add(id));
        for (const a of attempts) if (writesHealth(a)) await this.#recordEndpointHealth(trx, a.endpoint!, a);
        for (const ask of asks) handOut(ask.endpoints, await this.batch.leaseNext(trx, wanted(ask.endpoints), ask.lease));
      });
    }
    return items.map((it, i) => ({ held: held.has(it.attempt.deliveryId), next: nexts.get(i) }));
  }

  /**
   * The breaker: any HTTP answer closes it (a no-op while healthy); an
   * attempt that got no answer counts, and at the threshold pauses the endpoint — its backlog
   * stays pending, untouched — for a time that doubles with each failed probe.
   */
  async #recordEndpointHealth(trx: Kysely<Database>, endpoint: string, a: AttemptRecord): Promise<void> {
    if (!a.endpointFailed) {
      // Any HTTP answer says the endpoint is reachable (see writesHealth).
      await trx
        .updateTable('webhook_endpoints')
        .set({ consecutive_failures: 0, failing_since: null, paused_until: null, last_error: null, updated_at: a.finishedAt })
        .where('endpoint', '=', endpoint)
        .where('consecutive_failures', '>', 0)
        .execute();
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

/**
 * Whether recording `a` writes its endpoint's health: a failure counts (the
 * breaker), an HTTP answer resets failures on record — nothing to write if
 * it had none when claimed (endpointUnwell false).
 */
function writesHealth(a: AttemptRecord): boolean {
  return a.endpoint !== undefined && (a.endpointFailed === true || (a.responseStatus !== null && a.endpointUnwell !== false));
}

/**
 * Which attempts ask for their endpoint's next delivery — those whose
 * endpoint answered (any failures on record were just reset, so the next
 * ones are claimed as healthy) — grouped per worker (in practice a batch is
 * one worker's; its lease is the latest `now` asked for) and per endpoint,
 * in the batch's order: item indexes.
 */
function askingForNext(
  items: Array<{ attempt: AttemptRecord; next?: NextLease | undefined }>,
  order: number[],
): Array<{ lease: NextLease; endpoints: Map<string, number[]> }> {
  const byOwner = new Map<string, { lease: NextLease; endpoints: Map<string, number[]> }>();
  for (const i of order) {
    const { attempt: a, next } = items[i]!;
    if (next === undefined || a.endpoint === undefined || a.responseStatus === null) continue;
    let ask = byOwner.get(next.owner);
    if (!ask) byOwner.set(next.owner, (ask = { lease: next, endpoints: new Map() }));
    if (next.now > ask.lease.now) ask.lease = next;
    let waiting = ask.endpoints.get(a.endpoint);
    if (!waiting) ask.endpoints.set(a.endpoint, (waiting = []));
    waiting.push(i);
  }
  return [...byOwner.values()];
}
