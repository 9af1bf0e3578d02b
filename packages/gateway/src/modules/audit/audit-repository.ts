import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { AuditLogTable, Database } from '../../storage/schema.js';

export type CredentialType = 'merchant_key' | 'session_token' | 'dashboard_user';

/** One audit record (shared/SPEC.md §5). Never holds a body, secret, token or OTP. */
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

function toRow(r: AuditRecord): Insertable<AuditLogTable> {
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

function toRecord(row: Selectable<AuditLogTable>): AuditRecord {
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

/** `path` contains `text` literally (LIKE wildcards escaped; the same SQL on SQLite and PostgreSQL). */
function pathContains(text: string) {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`path like ${pattern} escape '\\'`;
}

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.insertInto('audit_log').values(records.map(toRow)).execute();
  }

  async findByRequestId(requestId: string): Promise<AuditRecord[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
    return rows.map(toRecord);
  }

  /** Dashboard search within one merchant, newest first. `path` matches anywhere in the path. */
  async search(
    merchantId: string,
    filters: { requestId?: string; credentialId?: string; credentialType?: CredentialType; path?: string; status?: number; from?: number; to?: number; credentialIds?: string[] },
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
