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
    const row = await this.db.selectFrom('card_sessions').select((eb) => eb.fn.countAll<string | number>().as('n')).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Card sessions opened since `since` from this client IP, and from this device (when it sent a fingerprint). */
  async countRecent(since: number, clientIp: string, device: string | null): Promise<{ ip: number; device: number }> {
    const count = async (column: 'client_ip' | 'device_fingerprint', value: string) =>
      Number(
        (
          await this.db
            .selectFrom('card_sessions')
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .where(column, '=', value)
            .where('created_at', '>', since)
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { ip: await count('client_ip', clientIp), device: device ? await count('device_fingerprint', device) : 0 };
  }

  /** Records an issued id as number `seq` of its checkout session; false when another request took that number first. */
  async insert(row: CardSessionRow): Promise<boolean> {
    const taken = await this.db.selectFrom('card_sessions').select('id_hash').where('session_id', '=', row.session_id).where('seq', '=', row.seq).executeTakeFirst();
    if (taken) return false;
    try {
      await this.db.insertInto('card_sessions').values(row).execute();
      return true;
    } catch (err) {
      // The unique (session_id, seq) pair: a concurrent issue won the number.
      if (/unique|duplicate/i.test(String((err as Error).message))) return false;
      throw err;
    }
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
