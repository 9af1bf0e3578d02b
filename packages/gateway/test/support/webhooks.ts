import type { Kysely } from 'kysely';
import type { Database } from '../../src/storage/schema.js';

/**
 * Retires every delivery still pending or in flight, so what one test left
 * scheduled cannot show up in the next one's claims (tests sharing a gateway).
 */
export async function retireOpenDeliveries(db: Kysely<Database>): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ state: 'dead', next_attempt_at: null, lease_owner: null, lease_expires_at: null })
    .where('state', 'in', ['pending', 'delivering'])
    .execute();
}
