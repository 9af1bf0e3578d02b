import type { Kysely, Selectable } from 'kysely';
import { randomBase32Lower } from '../../crypto/random.js';
import type { Database, OtpChallengesTable, OtpChannel } from '../../storage/schema.js';

export type OtpChallenge = Selectable<OtpChallengesTable>;

/**
 * Storage of each session's one live code. Every change after issue is a
 * compare-and-set on the challenge id, so a verification that raced a fresh
 * send can neither consume nor penalise the new code.
 */
export class OtpChallengeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(sessionId: string): Promise<OtpChallenge | undefined> {
    return this.db.selectFrom('otp_challenges').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  }

  /** Replaces the session's code (and with it the wrong-code count and any lockout). */
  async issue(input: { sessionId: string; channel: OtpChannel; codeHash: string; expiresAt: number; at: number }): Promise<OtpChallenge> {
    const row: OtpChallenge = {
      session_id: input.sessionId,
      id: `otp_${randomBase32Lower(20)}`,
      channel: input.channel,
      code_hash: input.codeHash,
      expires_at: input.expiresAt,
      wrong_attempts: 0,
      consumed_at: null,
      created_at: input.at,
    };
    await this.db
      .insertInto('otp_challenges')
      .values(row)
      .onConflict((oc) =>
        oc.column('session_id').doUpdateSet({
          id: row.id,
          channel: row.channel,
          code_hash: row.code_hash,
          expires_at: row.expires_at,
          wrong_attempts: 0,
          consumed_at: null,
          created_at: row.created_at,
        }),
      )
      .execute();
    return row;
  }

  /** Uses the code once: true only for the caller that consumed a live, unlocked code. */
  async consume(challenge: Pick<OtpChallenge, 'session_id' | 'id'>, at: number, maxWrongCodes: number, db: Kysely<Database> = this.db): Promise<boolean> {
    const result = await db
      .updateTable('otp_challenges')
      .set({ consumed_at: at })
      .where('session_id', '=', challenge.session_id)
      .where('id', '=', challenge.id)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', at)
      .where('wrong_attempts', '<', maxWrongCodes)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async recordWrongCode(challenge: Pick<OtpChallenge, 'session_id' | 'id'>): Promise<void> {
    await this.db
      .updateTable('otp_challenges')
      .set((eb) => ({ wrong_attempts: eb('wrong_attempts', '+', 1) }))
      .where('session_id', '=', challenge.session_id)
      .where('id', '=', challenge.id)
      .where('consumed_at', 'is', null)
      .execute();
  }

  /** Withdraws a code that could not be delivered: nobody holds it, so nobody may guess it either. */
  async withdraw(challenge: Pick<OtpChallenge, 'session_id' | 'id'>): Promise<void> {
    await this.db.deleteFrom('otp_challenges').where('session_id', '=', challenge.session_id).where('id', '=', challenge.id).execute();
  }

  async sweep(now: number): Promise<number> {
    const result = await this.db.deleteFrom('otp_challenges').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
