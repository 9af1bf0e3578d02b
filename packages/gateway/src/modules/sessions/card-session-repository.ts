import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { CardSessionsTable, Database } from '../../storage/schema.js';

export type CardSessionRow = Selectable<CardSessionsTable>;

/** The hosted-session id is a credential: rows are keyed by its SHA-256, never the id in clear. */
export function hostedSessionHash(hostedSessionId: string): string {
  return createHash('sha256').update(hostedSessionId, 'utf8').digest('hex');
}

/**
 * Storage of the hosted card sessions issued for checkout sessions. Owned by
 * the sessions module; every count is a query on rows, so the caps hold
 * across every gateway process sharing the database.
 */
export class CardSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findByHostedId(hostedSessionId: string, db: Kysely<Database> = this.db): Promise<CardSessionRow | undefined> {
    return db.selectFrom('card_sessions').selectAll().where('id_hash', '=', hostedSessionHash(hostedSessionId)).executeTakeFirst();
  }

  /** How many card sessions this checkout session has been issued. */
  async countForSession(sessionId: string): Promise<number> {
    const row = await this.db
      .selectFrom('card_sessions')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Card sessions opened since `since` from this client IP, and from this device (when it sent a fingerprint): one read. */
  async countRecent(since: number, clientIp: string, device: string | null): Promise<{ ip: number; device: number }> {
    const row = await this.db
      .selectFrom('card_sessions')
      .select((eb) => [
        eb.fn.sum<string | number | null>(eb.case().when('client_ip', '=', clientIp).then(1).else(0).end()).as('ip'),
        eb.fn
          .sum<string | number | null>(
            eb
              .case()
              .when('device_fingerprint', '=', device ?? '')
              .then(1)
              .else(0)
              .end(),
          )
          .as('device'),
      ])
      .where('created_at', '>', since)
      .where((eb) => eb.or([eb('client_ip', '=', clientIp), ...(device ? [eb('device_fingerprint', '=', device)] : [])]))
      .executeTakeFirstOrThrow();
    return { ip: Number(row.ip ?? 0), device: device ? Number(row.device ?? 0) : 0 };
  }

  /** Records an issued id as number `seq` of its checkout session; false when another request took that number first. */
  async insert(row: CardSessionRow): Promise<boolean> {
    // A lost race is the unique (session_id, seq) pair; outside any transaction, so PostgreSQL has nothing to roll back.
    const result = await this.db
      .insertInto('card_sessions')
      .values(row)
      .onConflict((oc) => oc.columns(['session_id', 'seq']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Spends an unspent id of this checkout session for a payment attempt; false when it is not this session's or already spent. */
  async spend(hostedSessionId: string, sessionId: string, paymentId: string, at: number, db: Kysely<Database> = this.db): Promise<boolean> {
    const result = await db
      .updateTable('card_sessions')
      .set({ spent_at: at, spent_by: paymentId })
      .where('id_hash', '=', hostedSessionHash(hostedSessionId))
      .where('session_id', '=', sessionId)
      .where('spent_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
