import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { GatewayKeys } from '../../gateway-keys.js';
import { startPeriodic } from '../../periodic.js';
import type { Database } from '../../storage/schema.js';
import { reencryptAll } from './reencrypt.js';

/**
 * The background side of master-key rotation: while PDIRECT_MASTER_KEY holds
 * more than one version, every `pdirect serve` process moves a bounded step
 * of sealed values to the active version each round, so a rotation finishes
 * on its own even if nobody runs `pdirect master-key rotate`. Each step is
 * the same compare-and-set re-encryption as the command: any number of
 * processes may run it at once, and a killed process loses nothing.
 */
export function startReencryptionJob(db: Kysely<Database>, keys: GatewayKeys, logger: Logger, intervalMs = 30_000): { stop(): Promise<void> } {
  let announcedDone = false;
  return startPeriodic(
    'reencrypt-master-key',
    intervalMs,
    async () => {
      if (keys.personalData.versions.length < 2 || announcedDone) return;
      const results = await reencryptAll(db, keys, { batchSize: 100, pauseMs: 50, maxBatchesPerColumn: 5 });
      const moved = results.reduce((n, r) => n + r.reencrypted, 0);
      const left = results.reduce((n, r) => n + r.remaining, 0);
      if (moved > 0) logger.info({ reencrypted: moved, left, active_version: keys.personalData.activeVersion }, 'master-key rotation: values re-encrypted');
      if (left === 0) {
        announcedDone = true;
        logger.info(
          { active_version: keys.personalData.activeVersion },
          'master-key rotation: every sealed value is under the active version; older versions can be removed from PDIRECT_MASTER_KEY',
        );
      }
    },
    logger,
  );
}
