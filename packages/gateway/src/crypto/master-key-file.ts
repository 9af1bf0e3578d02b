import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateMasterKeyEntry, MasterKeyError, parseMasterKey } from './master-key-format.js';
import { Secret } from './secret.js';

/** File name of the sandbox master key inside the data directory. */
export const SANDBOX_MASTER_KEY_FILE = 'master.key';

export interface SandboxMasterKey {
  /** The PDIRECT_MASTER_KEY-format value; pass it to parseMasterKey. */
  value: Secret<string>;
  /** True when this call generated the key. */
  created: boolean;
  path: string;
}

const isPosix = process.platform !== 'win32';

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Reads and checks an existing key file; undefined if there is none. */
function readKeyFile(path: string): Secret<string> | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    // fstat on the open descriptor: the file checked is the file read.
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new MasterKeyError(`master key file ${path} is not a regular file`);
    if (isPosix && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(3, '0');
      throw new MasterKeyError(`master key file ${path} is accessible to group or others (mode ${mode}); run: chmod 600 ${path}`);
    }
    const text = readFileSync(fd, 'utf8').trim();
    try {
      parseMasterKey(text);
    } catch (err) {
      const why = err instanceof MasterKeyError ? err.message : 'unreadable';
      throw new MasterKeyError(`master key file ${path} is malformed (${why}); restore it from backup, or remove it to generate a new key if no data needs it`);
    }
    return new Secret(text);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `value` to `path` only if nothing is there yet; false if something is.
 *
 * Written to a private temporary file first, then hard-linked into place:
 * link() fails if the target exists, so two processes starting at once
 * cannot overwrite each other, and no reader ever sees a half-written file
 * (as it could between open(path, 'wx') and write).
 */
function createKeyFile(dataDir: string, path: string, value: string): boolean {
  const temp = join(dataDir, `.${SANDBOX_MASTER_KEY_FILE}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    if (isPosix) fchmodSync(fd, 0o600); // exact mode, whatever the umask
    writeSync(fd, `${value}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Sandbox only: the master key from `<dataDir>/master.key`, generated on first
 * use (mode 0600, directory 0700 if it has to be created). An existing file
 * that group or others can access is refused with the chmod to run, rather
 * than used: that key protects every stored webhook secret and personal datum.
 */
export function loadOrCreateSandboxMasterKey(dataDir: string): SandboxMasterKey {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, SANDBOX_MASTER_KEY_FILE);

  const existing = readKeyFile(path);
  if (existing) return { value: existing, created: false, path };

  const created = createKeyFile(dataDir, path, generateMasterKeyEntry(1).reveal());
  const value = readKeyFile(path);
  if (!value) throw new MasterKeyError(`master key file ${path} disappeared while being created`);
  return { value, created, path };
}
