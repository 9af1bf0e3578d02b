import { generateMasterKeyEntry } from '../../crypto/master-key.js';
import { ApiError } from '../../errors.js';
import { census, reencryptAll } from '../../modules/master-key/reencrypt.js';
import { note, out, printResult, setExitCode } from '../output.js';
import { withServices } from './context.js';

function positive(text: string | undefined, fallback: number, name: string, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0 || value > max) throw new ApiError('1010', `${name}: a whole number from 0 to ${max}`);
  return value;
}

/**
 * `pdirect master-key rotate`: re-encrypts every sealed value and webhook
 * secret under the active (highest) version of PDIRECT_MASTER_KEY, in
 * batches, printing progress. Safe to interrupt and to run again, from any
 * number of processes, while the gateway serves traffic. Exit 0 when nothing
 * is left under an older version, 4 when something is (unreadable values).
 */
export async function masterKeyRotateCommand(options: { batchSize?: string; pauseMs?: string; json?: boolean }): Promise<void> {
  const batchSize = Math.max(1, positive(options.batchSize, 200, 'batch-size', 10_000));
  const pauseMs = positive(options.pauseMs, 0, 'pause-ms', 60_000);
  await withServices(async ({ storage, keys }) => {
    const active = keys.personalData.activeVersion;
    const older = keys.personalData.versions.filter((v) => v !== active);
    note(`re-encrypting under master-key v${active}${older.length > 0 ? ` (from ${older.map((v) => `v${v}`).join(', ')})` : ''}`);
    const results = await reencryptAll(storage.db, keys, {
      batchSize,
      pauseMs,
      onProgress: (p) =>
        note(`progress ${p.table}.${p.column} reencrypted=${p.reencrypted} left=${p.remaining}${p.unreadable ? ` unreadable=${p.unreadable}` : ''}`),
    });
    const left = results.reduce((n, r) => n + r.remaining, 0);
    printResult(
      {
        active_version: active,
        columns: results.map((r) => ({
          column: `${r.table}.${r.column}`,
          reencrypted: r.reencrypted,
          changed_meanwhile: r.changedMeanwhile,
          unreadable: r.unreadable,
          remaining: r.remaining,
        })),
        remaining: left,
        old_versions_can_be_dropped: left === 0,
      },
      Boolean(options.json),
    );
    if (left === 0) {
      if (older.length > 0)
        note(
          `every sealed value is under v${active}: ${older.map((v) => `v${v}`).join(', ')} can now be removed from PDIRECT_MASTER_KEY (see docs/key-management.md)`,
        );
    } else {
      note(`${left} values are still not under v${active} (unreadable with every configured version): keep the old versions until they are resolved`);
      setExitCode(4);
    }
  });
}

/** `pdirect master-key status`: per sealed column, how many values are not yet under the active version. */
export async function masterKeyStatusCommand(options: { json?: boolean }): Promise<void> {
  await withServices(async ({ storage, keys }) => {
    const rows = await census(storage.db, keys);
    const stale = rows.reduce((n, r) => n + r.stale, 0);
    printResult(
      {
        active_version: keys.personalData.activeVersion,
        configured_versions: keys.personalData.versions,
        columns: rows.map((r) => ({ column: `${r.table}.${r.column}`, values: r.total, not_under_active: r.stale })),
        not_under_active: stale,
        old_versions_can_be_dropped: stale === 0,
      },
      Boolean(options.json),
    );
  });
}

/** `pdirect master-key generate --version N`: a fresh entry to append to PDIRECT_MASTER_KEY. */
export async function masterKeyGenerateCommand(options: { version?: string }): Promise<void> {
  const version = positive(options.version, 1, 'version', 2 ** 31 - 1);
  if (version < 1) throw new ApiError('1010', 'version: at least 1');
  out(`${generateMasterKeyEntry(version).reveal()}\n`);
  note(`append it to PDIRECT_MASTER_KEY with a comma (the highest version is active), restart every process, then run: pdirect master-key rotate`);
}
