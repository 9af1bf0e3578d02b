import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, IdempotencyKeysTable } from '../../storage/schema.js';

export type IdempotencyRow = Selectable<IdempotencyKeysTable>;

/** What a new claim writes: the request's identity and its lease. */
export interface ClaimRow {
  scope: string;
  key: string;
  ownerRequestId: string;
  method: string;
  path: string;
  /** Sealed by the service; this layer never sees a fingerprint or response in clear. */
  requestFingerprint: string;
  now: number;
  lockedUntil: number;
  expiresAt: number;
}

/**
 * The idempotency_keys table. Every write that settles or takes over a row is
 * conditional on the owner_request_id seen or held, so a holder whose lease
 * lapsed can never overwrite the row of whoever took it over. The statements
 * are plain Kysely (INSERT ... ON CONFLICT DO NOTHING, conditional UPDATE and
 * DELETE) and read the same on SQLite and PostgreSQL.
 */
export class IdempotencyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The atomic claim: true when this call inserted the row, false when one exists. */
  async insertIfAbsent(claim: ClaimRow): Promise<boolean> {
    const result = await this.db
      .insertInto('idempotency_keys')
      .values({ scope: claim.scope, idempotency_key: claim.key, state: 'in_flight', ...claimColumns(claim) })
      .onConflict((oc) => oc.columns(['scope', 'idempotency_key']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async find(scope: string, key: string): Promise<IdempotencyRow | undefined> {
    return this.db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('idempotency_key', '=', key).executeTakeFirst();
  }

  /**
   * Takes over a row that counts as absent (expired, or in flight with a
   * lapsed lease) — compare-and-set on the owner seen, so of two requests
   * racing for the same stale row only one wins.
   */
  async takeOverStale(claim: ClaimRow, seenOwner: string): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotency_keys')
      .set({ state: 'in_flight', ...claimColumns(claim), response_status: null, response: null })
      .where('scope', '=', claim.scope)
      .where('idempotency_key', '=', claim.key)
      .where('owner_request_id', '=', seenOwner)
      .where((eb) => staleAt(eb, claim.now))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Stores the final response; false when the claim was lost (lease lapsed and taken over). */
  async complete(scope: string, key: string, owner: string, response: { status: number; sealed: string; expiresAt: number }): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotency_keys')
      .set({ state: 'completed', locked_until: null, response_status: response.status, response: response.sealed, expires_at: response.expiresAt })
      .where((eb) => heldBy(eb, scope, key, owner))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Pushes the lease of a still-running holder forward. */
  async extendLease(scope: string, key: string, owner: string, lockedUntil: number): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotency_keys')
      .set({ locked_until: lockedUntil })
      .where((eb) => heldBy(eb, scope, key, owner))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the key back (a 5xx, or a response that cannot be stored): the next request runs afresh. */
  async release(scope: string, key: string, owner: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('idempotency_keys')
      .where((eb) => heldBy(eb, scope, key, owner))
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Deletes exactly the rows a claim would already treat as absent. */
  async deleteStale(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('idempotency_keys')
      .where((eb) => staleAt(eb, now))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function claimColumns(claim: ClaimRow) {
  return {
    owner_request_id: claim.ownerRequestId,
    method: claim.method,
    path: claim.path,
    request_fingerprint: claim.requestFingerprint,
    locked_until: claim.lockedUntil,
    created_at: claim.now,
    expires_at: claim.expiresAt,
  };
}

/** A row is absent once it has expired, or once an in-flight holder's lease has lapsed (it crashed). */
export function isStale(row: IdempotencyRow, now: number): boolean {
  return row.expires_at <= now || (row.state === 'in_flight' && row.locked_until !== null && row.locked_until <= now);
}

/** The key's row while `owner` still holds it in flight: what settling, extending or giving the claim back may touch. */
function heldBy(eb: ExpressionBuilder<Database, 'idempotency_keys'>, scope: string, key: string, owner: string) {
  return eb.and([eb('scope', '=', scope), eb('idempotency_key', '=', key), eb('owner_request_id', '=', owner), eb('state', '=', 'in_flight')]);
}

function staleAt(eb: ExpressionBuilder<Database, 'idempotency_keys'>, now: number) {
  return eb.or([eb('expires_at', '<=', now), eb.and([eb('state', '=', 'in_flight'), eb('locked_until', '<=', now)])]);
}
