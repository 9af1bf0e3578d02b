import { type Insertable, type Kysely, type Selectable, sql, SqliteAdapter } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { AuditLogTable, Database } from '../../storage/schema.js';
import { CHAINED_FIELDS, type ChainedFields, chainHash, GENESIS_HASH } from './chain.js';

/** `public`: an unauthenticated route that can move money (the 3-D Secure return), recorded all the same. */
export type CredentialType = 'merchant_key' | 'session_token' | 'dashboard_user' | 'public';

/** The key new records are chained under: the active master-key version's. */
export interface ChainKey {
  version: number;
  key: Buffer;
}

/** One audit record (docs/api.md#audit-log). Never holds a body, secret, token or OTP. */
export interface AuditRecord {
  requestId: string;
  at: number;
  credentialType: CredentialType;
  /** key_id, session id or user id; for a failed attempt, the id the caller claimed (if it parsed). */
  credentialId: string | null;
  merchantId: string | null;
  sourceIp: string;
  userAgent: string | null;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** Keyed HMAC-SHA256 of the raw body, hex; null for an empty body. */
  bodyFingerprint: string | null;
  warnings: string[];
}

function toRow(r: AuditRecord): ChainedFields {
  return {
    request_id: r.requestId,
    at: r.at,
    credential_type: r.credentialType,
    credential_id: r.credentialId,
    merchant_id: r.merchantId,
    source_ip: r.sourceIp,
    user_agent: r.userAgent,
    method: r.method,
    path: r.path,
    status: r.status,
    duration_ms: r.durationMs,
    body_fingerprint: r.bodyFingerprint,
    warnings: JSON.stringify(r.warnings),
  };
}

/** One record as the CLI and exports show it: the stored field names, the time in ISO 8601, warnings as a list. */
export function auditRecordView(r: AuditRecord) {
  return { ...toRow(r), at: new Date(r.at).toISOString(), warnings: r.warnings };
}

/** A stored row as a record. */
export function toRecord(row: Selectable<AuditLogTable>): AuditRecord {
  return {
    requestId: row.request_id,
    at: row.at,
    credentialType: row.credential_type as CredentialType,
    credentialId: row.credential_id,
    merchantId: row.merchant_id,
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
    method: row.method,
    path: row.path,
    status: row.status,
    durationMs: row.duration_ms,
    bodyFingerprint: row.body_fingerprint,
    warnings: JSON.parse(row.warnings) as string[],
  };
}

export type StoredAuditRecord = Selectable<AuditLogTable>;

/** The columns an append writes, in a fixed order: the chained fields, then the chain's own. */
const AUDIT_COLUMNS = [...CHAINED_FIELDS, 'chain_seq', 'chain_hash', 'chain_key_version'] as const;

const slotNamesBySize = new Map<number, string[][]>();
/** The precompiled insert's parameter names for `size` rows: `0.request_id`, … (made once per shape). */
function slotNames(size: number): string[][] {
  let names = slotNamesBySize.get(size);
  if (!names) slotNamesBySize.set(size, (names = Array.from({ length: size }, (_, r) => AUDIT_COLUMNS.map((column) => `${r}.${column}`))));
  return names;
}

/** Rows per INSERT on PostgreSQL, largest first: a batch of any size is a few statements of these shapes. */
const INSERT_SHAPES = [64, 16, 4, 1];

/** `path` contains `text` literally (LIKE wildcards escaped; the same SQL on SQLite and PostgreSQL). */
function pathContains(text: string) {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`path like ${pattern} escape '\\'`;
}

export class AuditRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly chainKey?: ChainKey,
  ) {}

  /** Which of these request ids already have their record (a write whose outcome was lost). */
  async requestIdsWritten(requestIds: string[]): Promise<Set<string>> {
    if (requestIds.length === 0) return new Set();
    const rows = await this.db.selectFrom('audit_log').select('request_id').where('request_id', 'in', requestIds).execute();
    return new Set(rows.map((r) => r.request_id));
  }

  /**
   * Appends the records to the chain in one short transaction. Its first
   * statement touches the chain head row, which takes that row's lock on
   * PostgreSQL (and the write lock on SQLite): appends from every process
   * queue there, each then reads the head as the previous one committed it.
   */
  async insertMany(records: AuditRecord[], inTransaction?: Kysely<Database>): Promise<void> {
    if (records.length === 0) return;
    const chainKey = this.chainKey;
    if (!chainKey) throw new Error('audit repository has no chain key: it can read, not append');
    // Inside the caller's transaction (a money-moving state change and its record commit together), or in its own.
    const run = <T>(work: (trx: Kysely<Database>) => Promise<T>) => (inTransaction ? work(inTransaction) : this.db.transaction().execute(work));
    await run(async (trx) => {
      // Takes the head row's lock and reads it as the previous append committed it, in one statement.
      const [head] = await this.#takeHead({ at: records[records.length - 1]!.at }, trx);
      if (!head) throw new Error('audit chain head row is missing (run pdirect migrate)');
      let seq = Number(head.seq);
      let hash = head.hash;
      const rows = records.map((record) => {
        const row = toRow(record);
        seq += 1;
        hash = chainHash(chainKey.key, hash, seq, row);
        return { ...row, chain_seq: seq, chain_hash: hash, chain_key_version: chainKey.version };
      });
      // A few fixed statement shapes, each built and prepared once, whatever the batch size: on SQLite
      // one row per statement (no round trip to save), on PostgreSQL up to 64 rows per statement.
      const shapes = this.#postgres ? INSERT_SHAPES : [1];
      for (let i = 0; i < rows.length;) {
        const size = shapes.find((n) => n <= rows.length - i)!;
        const values: Record<string, unknown> = {};
        const names = slotNames(size);
        for (let r = 0; r < size; r++) {
          const row = rows[i + r]!;
          AUDIT_COLUMNS.forEach((column, c) => (values[names[r]![c]!] = row[column]));
        }
        await this.#insertShape(size)(values, trx);
        i += size;
      }
      await this.#setHead({ seq, hash }, trx);
    });
  }

  get #postgres(): boolean {
    return !(this.db.getExecutor().adapter instanceof SqliteAdapter);
  }

  // The append's statements, built once (storage/precompiled.ts): they run for every audited request.
  readonly #takeHead = precompiled(
    () => this.db,
    (param) =>
      this.db
        .updateTable('audit_chain')
        .set({ updated_at: param('at') as unknown as number })
        .where('id', '=', 'main')
        .returning(['seq', 'hash']),
  );
  readonly #setHead = precompiled(
    () => this.db,
    (param) =>
      this.db
        .updateTable('audit_chain')
        .set({ seq: param('seq') as unknown as number, hash: param('hash') })
        .where('id', '=', 'main'),
  );
  readonly #inserts = new Map<number, ReturnType<typeof precompiled>>();
  #insertShape(size: number): ReturnType<typeof precompiled> {
    let insert = this.#inserts.get(size);
    if (!insert) {
      insert = precompiled(
        () => this.db,
        (param) =>
          this.db
            .insertInto('audit_log')
            .values(
              Array.from(
                { length: size },
                (_, r) =>
                  Object.fromEntries(AUDIT_COLUMNS.map((column, c) => [column, param(slotNames(size)[r]![c]!)])) as unknown as Insertable<AuditLogTable>,
              ),
            ),
      );
      this.#inserts.set(size, insert);
    }
    return insert;
  }

  /** The chain head: the last appended record's place and hash. */
  async head(): Promise<{ seq: number; hash: string }> {
    const row = await this.db.selectFrom('audit_chain').select(['seq', 'hash']).where('id', '=', 'main').executeTakeFirst();
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Chained records with chain_seq > afterSeq, in chain order. */
  async chainPage(afterSeq: number, limit: number): Promise<StoredAuditRecord[]> {
    return this.db.selectFrom('audit_log').selectAll().where('chain_seq', '>', afterSeq).orderBy('chain_seq').limit(limit).execute();
  }

  /** Records written after the chain began yet carrying no place in it (inserted behind the gateway's back). */
  async unchainedAfterChainStart(): Promise<StoredAuditRecord | undefined> {
    const first = await this.db.selectFrom('audit_log').select('id').where('chain_seq', 'is not', null).orderBy('id').limit(1).executeTakeFirst();
    if (!first) return undefined;
    return this.db.selectFrom('audit_log').selectAll().where('chain_seq', 'is', null).where('id', '>', first.id).orderBy('id').limit(1).executeTakeFirst();
  }

  /** Records at or after `since` (ms), in write order, for export; keyset-paged on the row id. */
  async pageSince(since: number, afterId: number, limit: number): Promise<StoredAuditRecord[]> {
    return this.db.selectFrom('audit_log').selectAll().where('at', '>=', since).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  }

  async findByRequestId(requestId: string): Promise<AuditRecord[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
    return rows.map(toRecord);
  }

  /** Dashboard search within one merchant, newest first. `path` matches anywhere in the path. */
  async search(
    merchantId: string,
    filters: {
      requestId?: string;
      credentialId?: string;
      credentialType?: CredentialType;
      path?: string;
      status?: number;
      from?: number;
      to?: number;
      credentialIds?: string[];
    },
    limit: number,
    offset: number,
  ): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit_log').selectAll().where('merchant_id', '=', merchantId);
    if (filters.requestId) query = query.where('request_id', '=', filters.requestId);
    if (filters.credentialId) query = query.where('credential_id', '=', filters.credentialId);
    if (filters.credentialType) query = query.where('credential_type', '=', filters.credentialType);
    if (filters.path) query = query.where(pathContains(filters.path));
    if (filters.status !== undefined) query = query.where('status', '=', filters.status);
    if (filters.from !== undefined) query = query.where('at', '>=', filters.from);
    if (filters.to !== undefined) query = query.where('at', '<', filters.to);
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return rows.map(toRecord);
  }

  /** The audit records of requests about one resource: its id in the path, or the credential (a session's own SDK calls). */
  async aboutResource(merchantId: string, ids: string[], limit: number): Promise<AuditRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where((eb) => eb.or([...ids.map(pathContains), eb('credential_id', 'in', ids)]))
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  /** When each merchant key last authenticated a request successfully. */
  async lastUsed(merchantId: string, keyIds: string[]): Promise<Map<string, number>> {
    if (keyIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('audit_log')
      .select(['credential_id', (eb) => eb.fn.max('at').as('at')])
      .where('merchant_id', '=', merchantId)
      .where('credential_type', '=', 'merchant_key')
      .where('credential_id', 'in', keyIds)
      .where('status', '<', 400)
      .groupBy('credential_id')
      .execute();
    return new Map(rows.map((r) => [r.credential_id!, Number(r.at)]));
  }
}
