import type { Kysely } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { Database } from '../../storage/schema.js';

const WINDOW_MS = 60_000;

/**
 * Failed merchant authentications per client address, counted in fixed
 * one-minute windows in the database, so every gateway process sees the same
 * count. An address over the limit is refused before any Argon2id work is
 * spent on it, until its window ends.
 */
export class AuthFailureLimiter {
  #sweptWindow = 0;
  // Read on every merchant-key request: built once (storage/precompiled.ts).
  readonly #current = precompiled(
    () => this.db,
    (param) =>
      this.db
        .selectFrom('auth_failures')
        .select('failures')
        .where('client_ip', '=', param('clientIp'))
        .where('window_start', '=', param('windowStart') as unknown as number),
  );

  constructor(
    private readonly db: Kysely<Database>,
    private readonly limitPerMinute: number,
  ) {}

  /** Seconds until `clientIp` may try again, or 0 when it is under the limit. */
  async blockedForSeconds(clientIp: string, now: number): Promise<number> {
    const windowStart = now - (now % WINDOW_MS);
    const [row] = await this.#current({ clientIp, windowStart });
    if (!row || row.failures < this.limitPerMinute) return 0;
    return Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
  }

  /** Counts one failure (one statement: an atomic upsert, safe across processes). */
  async record(clientIp: string, now: number): Promise<void> {
    const windowStart = now - (now % WINDOW_MS);
    await this.db
      .insertInto('auth_failures')
      .values({ client_ip: clientIp, window_start: windowStart, failures: 1 })
      .onConflict((oc) => oc.columns(['client_ip', 'window_start']).doUpdateSet((eb) => ({ failures: eb('auth_failures.failures', '+', 1) })))
      .execute();
    if (this.#sweptWindow !== windowStart) {
      this.#sweptWindow = windowStart;
      await this.db
        .deleteFrom('auth_failures')
        .where('window_start', '<', windowStart - WINDOW_MS)
        .execute();
    }
  }
}
