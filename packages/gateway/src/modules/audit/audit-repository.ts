import type { Insertable, Kysely, Selectable } from 'kysely';
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
}
