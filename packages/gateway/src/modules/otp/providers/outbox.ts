import type { Kysely } from 'kysely';
import type { Clock } from '../../../clock.js';
import type { Keyring } from '../../../crypto/keyring.js';
import type { Secret } from '../../../crypto/secret.js';
import type { Database, OtpChannel } from '../../../storage/schema.js';
import { otpMessageText, type OtpDelivery, type OtpSender } from './sender.js';

export interface OutboxMessage {
  object: 'otp_message';
  session_id: string;
  channel: OtpChannel;
  to: string;
  code: string;
  message: string;
  sent_at: string;
  expires_at: string;
}

const aad = (sessionId: string) => `otp_outbox:${sessionId}`;

/**
 * The sandbox "provider": nothing leaves the machine; each message is a row
 * sealed with the personal-data keyring (so the database never holds a code
 * in clear), shared by every gateway process, and swept once its code has
 * expired. The developer reads it through GET /v1/_sandbox/otp-outbox, which
 * does not exist in live mode — and live mode refuses this provider at boot.
 */
export class OutboxSender implements OtpSender {
  readonly name = 'outbox';

  constructor(private readonly deps: { db: Kysely<Database>; keyring: Keyring; clock: Clock }) {}

  async send(to: string, code: Secret<string>, delivery: OtpDelivery): Promise<void> {
    const message = otpMessageText(code, delivery);
    await this.deps.db
      .insertInto('otp_outbox')
      .values({
        session_id: delivery.sessionId,
        merchant_id: delivery.merchantId,
        channel: delivery.channel,
        sealed: this.deps.keyring.encrypt(JSON.stringify({ to, code: code.reveal(), message }), aad(delivery.sessionId)),
        created_at: this.deps.clock.now(),
        expires_at: delivery.expiresAt,
      })
      .execute();
  }

  /** The session's messages whose code has not expired, newest first. */
  async messagesFor(merchantId: string, sessionId: string): Promise<OutboxMessage[]> {
    const rows = await this.deps.db
      .selectFrom('otp_outbox')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('session_id', '=', sessionId)
      .where('expires_at', '>', this.deps.clock.now())
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((row) => {
      const opened = JSON.parse(this.deps.keyring.decrypt(row.sealed, aad(row.session_id))) as { to: string; code: string; message: string };
      return {
        object: 'otp_message',
        session_id: row.session_id,
        channel: row.channel,
        to: opened.to,
        code: opened.code,
        message: opened.message,
        sent_at: new Date(row.created_at).toISOString(),
        expires_at: new Date(row.expires_at).toISOString(),
      };
    });
  }

  async sweep(now: number): Promise<number> {
    const result = await this.deps.db.deleteFrom('otp_outbox').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
