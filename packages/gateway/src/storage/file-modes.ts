import fs from 'node:fs';
import path from 'node:path';

/**
 * The SQLite database holds sealed personal data, key hashes and the audit
 * log: only the gateway's own user may read it. Its directory is created
 * 0700 and the database file 0600 before SQLite opens it; SQLite gives the
 * -wal and -shm files it creates the database file's mode, and existing ones
 * are brought to 0600 here.
 *
 * An existing file that others can read is a deployment mistake: live mode
 * refuses to start on it (saying how to fix it); sandbox tightens it to 0600.
 */
export class DatabaseFileModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseFileModeError';
  }
}

const isPosix = process.platform !== 'win32';
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

export function prepareSqliteFiles(file: string, options: { live: boolean }): void {
  const resolved = path.resolve(file);
  fs.mkdirSync(path.dirname(resolved), { recursive: true, mode: PRIVATE_DIR });
  if (!isPosix) return;
  try {
    // O_EXCL: creates the file 0600 (the umask can only remove bits) or fails because it exists.
    fs.closeSync(fs.openSync(resolved, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_RDWR, PRIVATE_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  for (const candidate of [resolved, `${resolved}-wal`, `${resolved}-shm`, `${resolved}-journal`]) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(candidate);
    } catch {
      continue;
    }
    if ((stat.mode & 0o077) === 0) continue;
    const mode = (stat.mode & 0o777).toString(8).padStart(3, '0');
    if (options.live && (stat.mode & 0o004) !== 0) {
      throw new DatabaseFileModeError(
        `database file ${candidate} is readable by every user (mode ${mode}); live mode refuses to start on it. Run: chmod 600 ${resolved}*`,
      );
    }
    fs.chmodSync(candidate, PRIVATE_FILE);
  }
}
