import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { Secret } from '../../crypto/secret.js';
import { newId } from '../../ids.js';
import { precompiled } from '../../storage/precompiled.js';
import type { Database } from '../../storage/schema.js';

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks form (docs/api.md#credentials). */
export function generateWebhookSecret(): Secret<string> {
  return new Secret(`whsec_${randomBytes(32).toString('base64')}`);
}

/**
 * How another module gives a new merchant its first webhook secret without
 * touching this module's table: the merchants module calls `issueFirst`
 * inside its own create transaction.
 */
export class WebhookSecretIssuer {
  constructor(
    private readonly secrets: WebhookSecretRepository,
    /** Seals a secret for storage (the gateway's webhook-secret Fernet key). */
    private readonly seal: (secret: string) => string,
  ) {}

  /** A fresh `whsec_` secret for the merchant, stored sealed in the caller's transaction; shown once. */
  async issueFirst(merchantId: string, createdAt: number, trx: Kysely<Database>): Promise<Secret<string>> {
    const secret = generateWebhookSecret();
    await this.secrets.insert({ merchantId, ciphertext: this.seal(secret.reveal()), createdAt }, trx);
    return secret;
  }
}

export class WebhookSecretRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: { merchantId: string; ciphertext: string; createdAt: number }, trx: Kysely<Database> = this.db): Promise<string> {
    const id = newId('whs');
    await trx
      .insertInto('webhook_secrets')
      .values({ id, merchant_id: row.merchantId, ciphertext: row.ciphertext, created_at: row.createdAt, expires_at: null })
      .execute();
    return id;
  }

  /**
   * Rotation: the new secret signs from now on; every secret still active
   * keeps signing until `oldExpiresAt` (the overlap), then stops.
   * `lockMerchant` locks the merchant row first (through the merchants
   * module), so two rotations at once cannot both leave their new secret
   * active for ever. Returns false if there is no such merchant.
   */
  async rotate(
    row: { merchantId: string; ciphertext: string; now: number; oldExpiresAt: number },
    lockMerchant: (trx: Kysely<Database>) => Promise<boolean>,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await lockMerchant(trx))) return false;
      await trx
        .updateTable('webhook_secrets')
        .set({ expires_at: row.oldExpiresAt })
        .where('merchant_id', '=', row.merchantId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', row.oldExpiresAt)]))
        .execute();
      await this.insert({ merchantId: row.merchantId, ciphertext: row.ciphertext, createdAt: row.now }, trx);
      return true;
    });
  }

  // Read for every webhook attempt (the worker signs each): built once (storage/precompiled.ts).
  readonly #active = precompiled(
    () => this.db,
    (param) =>
      this.db
        .selectFrom('webhook_secrets')
        .selectAll()
        .where('merchant_id', '=', param('merchantId'))
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', param('now') as unknown as number)]))
        .orderBy('created_at', 'desc'),
  );

  /** Secrets that still sign at `now` (during rotation overlap, more than one), newest first. */
  async active(merchantId: string, now: number): Promise<Array<{ id: string; ciphertext: string; createdAt: number; expiresAt: number | null }>> {
    const rows = await this.#active({ merchantId, now });
    return rows.map((r) => ({ id: r.id, ciphertext: r.ciphertext, createdAt: r.created_at, expiresAt: r.expires_at }));
  }
}
