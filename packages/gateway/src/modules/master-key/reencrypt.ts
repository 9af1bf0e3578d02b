import { type Kysely, sql } from 'kysely';
import type { Keyring } from '../../crypto/keyring.js';
import type { GatewayKeys } from '../../gateway-keys.js';
import type { Database } from '../../storage/schema.js';
import { SEALED_COLUMNS, type SealedColumn } from './sealed-columns.js';

export interface ColumnProgress {
  table: string;
  column: string;
  label: string;
  /** Values moved to the active version by this run. */
  reencrypted: number;
  /** Values the application rewrote between read and write (already under the active key): left as they are. */
  changedMeanwhile: number;
  /** Values that could not be opened with any configured version: left untouched and reported. */
  unreadable: number;
  /** Values still not under the active version after this run (from the final count). */
  remaining: number;
}

export interface RotationOptions {
  batchSize?: number;
  /** Pause between batches, to leave room for live traffic. */
  pauseMs?: number;
  /** Stop each column after this many batches (a bounded step of a background job); default: until done. */
  maxBatchesPerColumn?: number;
  onProgress?(progress: ColumnProgress): void;
}

type Row = Record<string, unknown>;

/**
 * Re-encrypts every sealed value under the active master-key version.
 *
 * - In batches: each batch is one short transaction; the batch cursor is
 *   the primary key, so a run walks each table once.
 * - Safe to interrupt (kill -9 included) and to re-run: a committed batch
 *   stays done, an interrupted one rolls back, and a run only picks values
 *   not yet under the active version. No progress table is needed: the data
 *   itself says what is left.
 * - Safe across processes and under live traffic: each value is written
 *   back with a compare-and-set on the value read, so a row the application
 *   (or another rotation run) rewrote meanwhile is never overwritten with a
 *   stale plaintext; two runs at once only share the work.
 * - A value is decrypted (authenticated) before it is re-encrypted; one that
 *   does not open is left as it is and reported, never destroyed.
 */
export async function reencryptAll(db: Kysely<Database>, keys: GatewayKeys, options: RotationOptions = {}): Promise<ColumnProgress[]> {
  const results: ColumnProgress[] = [];
  for (const target of SEALED_COLUMNS) results.push(await reencryptColumn(db, keys, target, options));
  return results;
}

async function reencryptColumn(db: Kysely<Database>, keys: GatewayKeys, target: SealedColumn, options: RotationOptions): Promise<ColumnProgress> {
  const batchSize = options.batchSize ?? 200;
  const progress: ColumnProgress = {
    table: target.table,
    column: target.column,
    label: target.label,
    reencrypted: 0,
    changedMeanwhile: 0,
    unreadable: 0,
    remaining: 0,
  };
  // Counted once: a count per batch would scan the table once per batch.
  const before = await countStale(db, keys, target);
  let cursor: unknown[] | undefined;
  for (let batches = 0; batches < (options.maxBatchesPerColumn ?? Number.POSITIVE_INFINITY); batches++) {
    const rows = await selectBatch(db, keys.personalData, target, cursor, batchSize);
    if (rows.length === 0) break;
    cursor = target.key.map((k) => rows[rows.length - 1]![k]);
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const old = row[target.column] as string;
        let fresh: string | undefined;
        try {
          fresh = rotateValue(keys, target, row, old);
        } catch {
          progress.unreadable += 1;
          continue;
        }
        if (fresh === undefined) continue;
        const updated = await sql`update ${sql.table(target.table)} set ${sql.ref(target.column)} = ${fresh}
          where ${sql.join(
            target.key.map((k) => sql`${sql.ref(k)} = ${row[k]}`),
            sql` and `,
          )} and ${sql.ref(target.column)} = ${old}`.execute(trx);
        if (Number(updated.numAffectedRows ?? 0n) === 1) progress.reencrypted += 1;
        else progress.changedMeanwhile += 1;
      }
    });
    progress.remaining = Math.max(0, before - progress.reencrypted - progress.changedMeanwhile - progress.unreadable);
    options.onProgress?.({ ...progress });
    if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  }
  progress.remaining = await countStale(db, keys, target);
  options.onProgress?.({ ...progress });
  return progress;
}

/** The value under the active version, or undefined if it is already there. Throws if it cannot be opened. */
function rotateValue(keys: GatewayKeys, target: SealedColumn, row: Row, value: string): string | undefined {
  if (target.kind === 'fernet') return keys.webhookSecrets.needsReencrypt(value) ? keys.webhookSecrets.reencrypt(value) : undefined;
  const aad = target.aad!(row);
  if (!keys.personalData.needsReencrypt(value)) {
    keys.personalData.decrypt(value, aad); // still proves it opens
    return undefined;
  }
  return keys.personalData.reencrypt(value, aad);
}

function activePrefix(keyring: Keyring): string {
  return `pdk1:${keyring.activeVersion}:%`;
}

async function selectBatch(db: Kysely<Database>, keyring: Keyring, target: SealedColumn, cursor: unknown[] | undefined, limit: number): Promise<Row[]> {
  const columns = [...new Set([...target.key, ...(target.extra ?? []), target.column])];
  const stale = target.kind === 'keyring' ? sql` and ${sql.ref(target.column)} not like ${activePrefix(keyring)}` : sql``;
  const after = cursor ? sql` and (${sql.join(target.key.map((k) => sql.ref(k)))}) > (${sql.join(cursor)})` : sql``;
  const result = await sql<Row>`select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(target.table)}
    where ${sql.ref(target.column)} is not null${stale}${after}
    order by ${sql.join(target.key.map((k) => sql.ref(k)))} limit ${limit}`.execute(db);
  return result.rows;
}

/** Values of the column not (yet) under the active version. */
export async function countStale(db: Kysely<Database>, keys: GatewayKeys, target: SealedColumn): Promise<number> {
  if (target.kind === 'keyring') {
    const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(target.table)}
      where ${sql.ref(target.column)} is not null and ${sql.ref(target.column)} not like ${activePrefix(keys.personalData)}`.execute(db);
    return Number(result.rows[0]?.n ?? 0);
  }
  let stale = 0;
  let cursor: unknown[] | undefined;
  for (;;) {
    const rows = await selectBatch(db, keys.personalData, target, cursor, 500);
    if (rows.length === 0) return stale;
    cursor = target.key.map((k) => rows[rows.length - 1]![k]);
    for (const row of rows) {
      try {
        if (keys.webhookSecrets.needsReencrypt(row[target.column] as string)) stale += 1;
      } catch {
        stale += 1;
      }
    }
  }
}

export interface VersionCensus {
  table: string;
  column: string;
  label: string;
  total: number;
  /** Values not under the active version (unreadable ones included). */
  stale: number;
}

/** How many sealed values each column holds, and how many are not yet under the active version. */
export async function census(db: Kysely<Database>, keys: GatewayKeys): Promise<VersionCensus[]> {
  const out: VersionCensus[] = [];
  for (const target of SEALED_COLUMNS) {
    const total = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(target.table)} where ${sql.ref(target.column)} is not null`.execute(
      db,
    );
    out.push({
      table: target.table,
      column: target.column,
      label: target.label,
      total: Number(total.rows[0]?.n ?? 0),
      stale: await countStale(db, keys, target),
    });
  }
  return out;
}
