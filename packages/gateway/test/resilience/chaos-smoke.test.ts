import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const postgres = process.env.PDIRECT_TEST_POSTGRES_URL;

// The CI variant of the fault campaign (npm run chaos -- --smoke): two gateway
// processes and a worker on PostgreSQL, kill -9 during checkouts, random
// card-network faults, terminated backends, a blackhole and refused
// connections to the database — then the invariant checker. About a minute.
describe.skipIf(!postgres)('npm run chaos -- --smoke', () => {
  it('runs checkouts through kills and faults and finds no violation', { timeout: 300_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=pdirect-source', path.join(ROOT, 'bench/chaos.ts'), '--smoke'], {
      cwd: ROOT,
      env: { ...process.env, PDIRECT_CHAOS_POSTGRES_URL: postgres },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, `${stdout}\n${stderr.slice(-4000)}`).toBe(0);
    expect(stdout).toContain('chaos: no violation');
    // It really ran: checkouts reached collect, processes were killed, and every invariant was checked on something.
    expect(Number(/checkouts (\d+) reached collect/.exec(stdout)?.[1])).toBeGreaterThan(20);
    expect(Number(/kills (\d+) gateway/.exec(stdout)?.[1])).toBeGreaterThan(0);
    const rows = [...stdout.matchAll(/^\| ([^|]+) \| (\d+) \| (\d+) \|$/gm)];
    expect(rows).toHaveLength(7);
    for (const [, invariant, checked] of rows) expect(Number(checked), invariant).toBeGreaterThan(0);
  });
});
