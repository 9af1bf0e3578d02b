import { type Kysely, sql } from 'kysely';
import type { Storage } from '../../storage/database.js';
import type { Database, WebhookDeliveryState } from '../../storage/schema.js';
import { precompiled, precompiledResult } from '../../storage/precompiled.js';
import type { DeliveryLeases } from './delivery-leases.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryScheduling, NextLease } from './delivery-types.js';
import { breakerPause } from './endpoints.js';

/**
 * Recording finished attempts: the attempt row, the delivery's next step and
 * the endpoint's health (the circuit breaker), in one transaction per batch.
 */
export class DeliveryAttempts {
  constructor(
    private readonly storage: Storage,
    private readonly scheduling: DeliveryScheduling,
    private readonly leases: DeliveryLeases,
  ) {}

  private get db(): Kysely<Database> {
    return this.storage.db;
  }

  /**
   * WebhookDeliveryRepository.recordAttemptAndClaimNext for several finished
   * attempts in one transaction (the worker's group commit: one commit for
   * every attempt that finished meanwhile). Endpoints are visited in a fixed
   * order, so two such transactions on PostgreSQL take endpoint rows' locks
   * in the same order and cannot deadlock. Results in the order given.
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
    return this.db.transaction().execute(async (trx) => {
      const out: Array<{ held: boolean; next: ClaimedDelivery | undefined }> = new Array(items.length);
      for (const i of order) {
        const { attempt: a, next } = items[i]!;
        const held = await this.#record(trx, a);
        // The endpoint answered: any failures on record were just reset, so the next one is claimed as healthy.
        const answered = next !== undefined && a.endpoint !== undefined && a.responseStatus !== null;
        out[i] = { held, next: answered ? await this.leases.leaseNextOf(trx, a.endpoint!, next) : undefined };
      }
      return out;
    });
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

  /** One attempt (WebhookDeliveryRepository.recordAttempt says how); whether the worker still held the lease. */
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
}
