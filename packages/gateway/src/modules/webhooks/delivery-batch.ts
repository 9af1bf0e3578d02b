import { CompiledQuery, type Kysely } from 'kysely';
import type { Dialect } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { AttemptRecord, ClaimedDelivery, NextLease } from './delivery-types.js';

/**
 * The set-based statements of attempt recording (delivery-attempts.ts): a
 * batch of finished attempts costs one UPDATE of their deliveries, one INSERT
 * of their attempt rows and one lease of each endpoint's next deliveries,
 * whatever its size — on PostgreSQL each statement is a network round trip.
 * The rows travel as one parameter per column (PostgreSQL arrays, unnested)
 * or one JSON array (SQLite, json_each), so each statement has one SQL text
 * for every batch size: prepared once, on either database.
 */
export interface DeliveryBatch {
  /** Moves each delivery on (its next state, attempt count, next attempt) where the attempt's worker still holds the lease; the ids it moved. */
  moveDeliveries(trx: Kysely<Database>, attempts: AttemptRecord[]): Promise<Set<number>>;
  /** One row per attempt, in the order given (written whether or not the lease was still held: the attempt happened). */
  insertAttempts(trx: Kysely<Database>, attempts: AttemptRecord[]): Promise<void>;
  /** Leases up to `count` of `endpoint`'s due pending deliveries, oldest first, unless its breaker is open; with what sending them needs. */
  leaseNext(trx: Kysely<Database>, endpoint: string, count: number, lease: NextLease): Promise<ClaimedDelivery[]>;
}

type Row = Record<string, unknown>;

const run = async (trx: Kysely<Database>, text: string, parameters: unknown[]): Promise<Row[]> =>
  (await trx.executeQuery<Row>(CompiledQuery.raw(text, parameters))).rows;

const moveColumns = (a: AttemptRecord) => [a.deliveryId, a.nextState, a.attemptNumber, a.nextAttemptAt, a.finishedAt, a.workerId];
const attemptColumns = (a: AttemptRecord) => [
  a.deliveryId,
  a.eventId,
  a.attemptNumber,
  a.workerId,
  a.startedAt,
  a.durationMs,
  a.outcome,
  a.responseStatus,
  a.error,
  a.responseBody,
  a.nextAttemptAt,
];
const ATTEMPT_COLUMNS =
  'delivery_id, event_id, attempt_number, worker_id, started_at, duration_ms, outcome, response_status, error, response_body, next_attempt_at';

/** Columns of a leased delivery and its event, as each dialect's statement answers them. */
function claimed(r: Row, endpoint: string): ClaimedDelivery {
  return {
    deliveryId: Number(r.id),
    eventId: String(r.event_id),
    merchantId: String(r.merchant_id),
    notifyUrl: String(r.notify_url),
    payload: String(r.payload),
    attemptCount: Number(r.attempt_count),
    scheduledAt: Number(r.created_at),
    endpoint,
    // Only an endpoint that just answered asks for its next deliveries: any failures on record were reset.
    endpointUnwell: false,
  };
}

const byDueThenId = (a: Row, b: Row) => Number(a.next_attempt_at) - Number(b.next_attempt_at) || Number(a.id) - Number(b.id);

// The due pending deliveries of one endpoint whose breaker is not open, oldest first (PostgreSQL also
// skips rows another worker is leasing). Its placeholders, in order: endpoint, now, endpoint, now, count.
const dueOf = (p: [string, string, string, string, string], lock: string) => `
  select x.id from webhook_deliveries x
  where x.state = 'pending' and x.endpoint = ${p[0]} and x.next_attempt_at <= ${p[1]}
    and not exists (select 1 from webhook_endpoints h where h.endpoint = ${p[2]} and h.paused_until > ${p[3]})
  order by x.next_attempt_at, x.id limit ${p[4]}${lock}`;

const postgres: DeliveryBatch = {
  async moveDeliveries(trx, attempts) {
    const columns = transpose(attempts.map(moveColumns), 6);
    const rows = await run(
      trx,
      `update webhook_deliveries d
       set state = v.state, attempt_count = v.attempt_count, next_attempt_at = v.next_attempt_at,
           lease_owner = null, lease_expires_at = null, updated_at = v.updated_at
       from unnest($1::bigint[], $2::text[], $3::integer[], $4::bigint[], $5::bigint[], $6::text[])
         as v(id, state, attempt_count, next_attempt_at, updated_at, owner)
       where d.id = v.id and d.state = 'delivering' and d.lease_owner = v.owner
       returning d.id`,
      columns,
    );
    return new Set(rows.map((r) => Number(r.id)));
  },
  async insertAttempts(trx, attempts) {
    await run(
      trx,
      `insert into webhook_attempts (${ATTEMPT_COLUMNS})
       select * from unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::bigint[], $6::integer[],
                            $7::text[], $8::integer[], $9::text[], $10::text[], $11::bigint[])`,
      transpose(attempts.map(attemptColumns), 11),
    );
  },
  async leaseNext(trx, endpoint, count, o) {
    // The lease and the read of the events in one statement: one round trip.
    const rows = await run(
      trx,
      `update webhook_deliveries d
       set state = 'delivering', lease_owner = $1, lease_expires_at = $2, updated_at = $3
       from webhook_events e
       where e.id = d.event_id and d.id in (${dueOf(['$4', '$3', '$4', '$3', '$5'], ' for update of x skip locked')})
       returning d.id, d.event_id, d.attempt_count, d.created_at, d.next_attempt_at, e.merchant_id, e.notify_url, e.payload`,
      [o.owner, o.leaseUntil, o.now, endpoint, count],
    );
    return rows.sort(byDueThenId).map((r) => claimed(r, endpoint));
  },
};

const sqlite: DeliveryBatch = {
  async moveDeliveries(trx, attempts) {
    const rows = await run(
      trx,
      `update webhook_deliveries
       set state = v.state, attempt_count = v.attempt_count, next_attempt_at = v.next_attempt_at,
           lease_owner = null, lease_expires_at = null, updated_at = v.updated_at
       from (select value ->> 0 as id, value ->> 1 as state, value ->> 2 as attempt_count, value ->> 3 as next_attempt_at,
                    value ->> 4 as updated_at, value ->> 5 as owner from json_each(?)) as v
       where webhook_deliveries.id = v.id and webhook_deliveries.state = 'delivering' and webhook_deliveries.lease_owner = v.owner
       returning id`,
      [JSON.stringify(attempts.map(moveColumns))],
    );
    return new Set(rows.map((r) => Number(r.id)));
  },
  async insertAttempts(trx, attempts) {
    const values = Array.from({ length: 11 }, (_, i) => `value ->> ${i}`).join(', ');
    await run(trx, `insert into webhook_attempts (${ATTEMPT_COLUMNS}) select ${values} from json_each(?) order by key`, [
      JSON.stringify(attempts.map(attemptColumns)),
    ]);
  },
  async leaseNext(trx, endpoint, count, o) {
    // SQLite has a single writer: nothing else can lease between these two statements of the transaction.
    const leased = await run(
      trx,
      `update webhook_deliveries set state = 'delivering', lease_owner = ?, lease_expires_at = ?, updated_at = ?
       where id in (${dueOf(['?', '?', '?', '?', '?'], '')})
       returning id`,
      [o.owner, o.leaseUntil, o.now, endpoint, o.now, endpoint, o.now, count],
    );
    if (leased.length === 0) return [];
    const rows = await run(
      trx,
      `select d.id, d.event_id, d.attempt_count, d.created_at, d.next_attempt_at, e.merchant_id, e.notify_url, e.payload
       from webhook_deliveries d join webhook_events e on e.id = d.event_id
       where d.id in (select value from json_each(?))`,
      [JSON.stringify(leased.map((r) => Number(r.id)))],
    );
    return rows.sort(byDueThenId).map((r) => claimed(r, endpoint));
  },
};

/** Rows → one array per column (PostgreSQL's unnest takes the columns side by side). */
function transpose(rows: unknown[][], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) row.forEach((value, i) => columns[i]!.push(value));
  return columns;
}

export function deliveryBatch(dialect: Dialect): DeliveryBatch {
  return dialect === 'postgres' ? postgres : sqlite;
}
