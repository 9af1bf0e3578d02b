import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A real small filesystem that can fill up: a tmpfs mounted on a fresh
 * directory (needs root, as in CI). `owner` hands the mount to another user
 * (the PostgreSQL server's, for a tablespace). `unmount` removes it again.
 */
export function mountTinyFs(options: { sizeMb: number; owner?: { uid: number; gid: number } }): { dir: string; unmount: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-tinyfs-'));
  const owner = options.owner ? `,uid=${options.owner.uid},gid=${options.owner.gid},mode=0700` : '';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${options.sizeMb}m${owner}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the filesystem holding `dir` with one file, to the last byte; returns its path (delete it to free the space). */
export function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'a');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (let i = 0; i < 1_000_000; i++) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  // The last partial page too.
  try {
    for (let i = 0; i < 4096; i++) fs.appendFileSync(filler, Buffer.alloc(512, 1));
  } catch {
    // full
  }
  return filler;
}
