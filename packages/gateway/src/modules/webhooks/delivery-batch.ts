import { CompiledQuery, type Kysely } from 'kysely';
import type { Dialect } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { AttemptRecord, ClaimedDelivery, NextLease } from './delivery-types.js';

/**
 * The set-based statements of attempt recording (delivery-attempts.ts): a
 * batch of finished attempts costs one UPDATE of their deliveries, one INSERT
 * of their attempt rows and one lease of the answering endpoints' next
 * deliveries, whatever its size. On PostgreSQL, where each statement is a
 * network round trip, they are one statement (data-modifying CTEs: atomic
 * without BEGIN and COMMIT) unless endpoint health must be written between
 * recording and leasing. The rows travel as one array per column (unnested)
 * or one JSON array (SQLite, json_each), so each statement has one SQL text
 * for every batch size: prepared once, on either database.
 */
export interface DeliveryBatch {
  /** Moves each delivery on where the attempt's worker still holds the lease (the ids it moved), and writes every attempt row (the attempt happened either way). */
  record(trx: Kysely<Database>, attempts: AttemptRecord[]): Promise<Set<number>>;
  /** Leases up to `count` due pending deliveries of each endpoint, oldest first, unless its breaker is open; with what sending them needs, per endpoint. */
  leaseNext(trx: Kysely<Database>, wanted: Wanted[], lease: NextLease): Promise<Map<string, ClaimedDelivery[]>>;
  /** record, then leaseNext, in one statement (PostgreSQL): for a batch with no endpoint health to write in between. */
  recordAndLeaseNext?(
    db: Kysely<Database>,
    attempts: AttemptRecord[],
    wanted: Wanted[],
    lease: NextLease,
  ): Promise<{ held: Set<number>; leased: Map<string, ClaimedDelivery[]> }>;
}

/** How many next deliveries an endpoint's answered attempts ask for. */
export interface Wanted {
  endpoint: string;
  count: number;
}

type Row = Record<string, unknown>;

const run = async (db: Kysely<Database>, text: string, parameters: unknown[]): Promise<Row[]> =>
  (await db.executeQuery<Row>(CompiledQuery.raw(text, parameters))).rows;

/** One attempt as the statements take it: its delivery's move, then its attempt row. */
const COLUMNS = [
  'id',
  'state',
  'attempt_count',
  'next_attempt_at',
  'updated_at',
  'owner',
  'event_id',
  'started_at',
  'duration_ms',
  'outcome',
  'response_status',
  'error',
  'response_body',
] as const;
const PG_TYPES = ['bigint', 'text', 'integer', 'bigint', 'bigint', 'text', 'text', 'bigint', 'integer', 'text', 'integer', 'text', 'text'];
const values = (a: AttemptRecord) => [
  a.deliveryId,
  a.nextState,
  a.attemptNumber,
  a.nextAttemptAt,
  a.finishedAt,
  a.workerId,
  a.eventId,
  a.startedAt,
  a.durationMs,
  a.outcome,
  a.responseStatus,
  a.error,
  a.responseBody,
];

// Shared by both dialects: `v` is the batch, one row per attempt (COLUMNS). SQLite's RETURNING
// names the updated table's columns unqualified; PostgreSQL's would find `id` in `v` too.
const MOVE = (returning: string) => `update webhook_deliveries as d
  set state = v.state, attempt_count = v.attempt_count, next_attempt_at = v.next_attempt_at,
      lease_owner = null, lease_expires_at = null, updated_at = v.updated_at
  from v where d.id = v.id and d.state = 'delivering' and d.lease_owner = v.owner
  returning ${returning}`;
const INSERT = `insert into webhook_attempts
    (delivery_id, event_id, attempt_number, worker_id, started_at, duration_ms, outcome, response_status, error, response_body, next_attempt_at)
  select id, event_id, attempt_count, owner, started_at, duration_ms, outcome, response_status, error, response_body, next_attempt_at from v`;
// One endpoint's due pending deliveries whose breaker is not open, oldest first (PostgreSQL also skips
// rows another worker is leasing). Placeholders, in order: endpoint, now, endpoint, now, count.
const dueOf = (p: [string, string, string, string, string], lock: string) => `
  select x.id from webhook_deliveries x
  where x.state = 'pending' and x.endpoint = ${p[0]} and x.next_attempt_at <= ${p[1]}
    and not exists (select 1 from webhook_endpoints h where h.endpoint = ${p[2]} and h.paused_until > ${p[3]})
  order by x.next_attempt_at, x.id limit ${p[4]}${lock}`;
const LEASED = 'd.id, d.event_id, d.attempt_count, d.created_at, d.next_attempt_at, d.endpoint, e.merchant_id, e.notify_url, e.payload';

// PostgreSQL: $1…$13 the batch's columns; $14…$16 owner, lease until, now; $17, $18 the endpoints and their counts.
const PG_BATCH = `v as (select * from unnest(${PG_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) as v(${COLUMNS.join(', ')}))`;
const PG_LEASE = (owner: string, until: string, now: string, endpoints: string, counts: string) => `leased as (
  update webhook_deliveries d set state = 'delivering', lease_owner = ${owner}, lease_expires_at = ${until}, updated_at = ${now}
  from webhook_events e
  where e.id = d.event_id and d.id = any (array(
    select x.id from unnest(${endpoints}::text[], ${counts}::integer[]) as q(endpoint, n)
    cross join lateral (${dueOf(['q.endpoint', now, 'q.endpoint', now, 'q.n'], ' for update of x skip locked')}) as x))
  returning ${LEASED})`;
const PG_RECORD = `with ${PG_BATCH}, moved as (${MOVE('d.id')}), attempts as (${INSERT}) select id from moved`;
const PG_RECORD_AND_LEASE = `with ${PG_BATCH}, moved as (${MOVE('d.id')}), attempts as (${INSERT}), ${PG_LEASE('$14', '$15', '$16', '$17', '$18')}
  select id, null as event_id, null as attempt_count, null as created_at, null as next_attempt_at, null as endpoint,
         null as merchant_id, null as notify_url, null as payload, true as moved from moved
  union all select *, false from leased`;
const PG_LEASE_ONLY = `with ${PG_LEASE('$1', '$2', '$3', '$4', '$5')} select * from leased`;

const postgres: DeliveryBatch = {
  async record(trx, attempts) {
    return ids(await run(trx, PG_RECORD, columnsOf(attempts)));
  },
  async leaseNext(trx, wanted, o) {
    return byEndpoint(await run(trx, PG_LEASE_ONLY, [o.owner, o.leaseUntil, o.now, ...endpointsAndCounts(wanted)]));
  },
  async recordAndLeaseNext(db, attempts, wanted, o) {
    const rows = await run(db, PG_RECORD_AND_LEASE, [...columnsOf(attempts), o.owner, o.leaseUntil, o.now, ...endpointsAndCounts(wanted)]);
    return { held: ids(rows.filter((r) => r.moved)), leased: byEndpoint(rows.filter((r) => !r.moved)) };
  },
};

// SQLite: the batch is one JSON array of rows (COLUMNS); a single writer, so nothing interleaves with the transaction.
const SQLITE_BATCH = `v as materialized (select ${COLUMNS.map((c, i) => `value ->> ${i} as ${c}`).join(', ')} from json_each(?) order by key)`;

const sqlite: DeliveryBatch = {
  async record(trx, attempts) {
    const batch = [JSON.stringify(attempts.map(values))];
    const moved = await run(trx, `with ${SQLITE_BATCH} ${MOVE('id')}`, batch);
    await run(trx, `with ${SQLITE_BATCH} ${INSERT}`, batch);
    return ids(moved);
  },
  async leaseNext(trx, wanted, o) {
    const leased: number[] = [];
    for (const { endpoint, count } of wanted) {
      const rows = await run(
        trx,
        `update webhook_deliveries set state = 'delivering', lease_owner = ?, lease_expires_at = ?, updated_at = ?
         where id in (${dueOf(['?', '?', '?', '?', '?'], '')}) returning id`,
        [o.owner, o.leaseUntil, o.now, endpoint, o.now, endpoint, o.now, count],
      );
      leased.push(...ids(rows));
    }
    if (leased.length === 0) return new Map();
    const rows = await run(
      trx,
      `select ${LEASED} from webhook_deliveries d join webhook_events e on e.id = d.event_id where d.id in (select value from json_each(?))`,
      [JSON.stringify(leased)],
    );
    return byEndpoint(rows);
  },
};

const ids = (rows: Row[]) => new Set(rows.map((r) => Number(r.id)));

/** The batch as PostgreSQL's unnest takes it: one array per column. */
function columnsOf(attempts: AttemptRecord[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => []);
  for (const a of attempts) values(a).forEach((value, i) => columns[i]!.push(value));
  return columns;
}

const endpointsAndCounts = (wanted: Wanted[]) => [wanted.map((w) => w.endpoint), wanted.map((w) => w.count)];

/** Leased deliveries with their events, per endpoint, oldest first. */
function byEndpoint(rows: Row[]): Map<string, ClaimedDelivery[]> {
  rows.sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at) || Number(a.id) - Number(b.id));
  const out = new Map<string, ClaimedDelivery[]>();
  for (const r of rows) {
    const endpoint = String(r.endpoint);
    let list = out.get(endpoint);
    if (!list) out.set(endpoint, (list = []));
    list.push({
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
    });
  }
  return out;
}

export function deliveryBatch(dialect: Dialect): DeliveryBatch {
  return dialect === 'postgres' ? postgres : sqlite;
}
