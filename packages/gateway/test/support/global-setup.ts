import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { MIGRATION_LOCK_KEY } from '../../src/storage/migrate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * Tests import the TypeScript sources, but the few that spawn a real
 * `pdirect` / simulator process run the compiled dist/, and every gateway
 * serves @pdirect/browser's built files: bring them up to date first (tsc -b
 * is incremental: a no-op when nothing changed), so no test can run stale
 * JavaScript.
 */
function buildCompiledPackages(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const projects = ['packages/mpgs-simulator', 'packages/gateway', 'packages/sdk-node'];
  execFileSync(process.execPath, [tsc, '-b', ...projects], { cwd: ROOT, stdio: 'inherit' });
  // Runtime files tsc does not emit (e.g. the risk model's weights).
  execFileSync(process.execPath, [path.join(ROOT, 'packages/gateway/scripts/copy-assets.js')], { cwd: ROOT, stdio: 'inherit' });
  // The browser SDK and the checkout page's script, each joined from its modules into the one file the gateway serves.
  execFileSync(process.execPath, [path.join(ROOT, 'packages/sdk-browser/scripts/build.js')], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * One prefix per test run for the PostgreSQL schemas the suites create.
 * Schemas are dropped here, once every worker is done: dropping them while
 * other workers run lets a concurrent catalogue scan (Kysely's migrator
 * introspects every schema) trip over a schema that vanished mid-query.
 */
export default function setup(): () => Promise<void> {
  buildCompiledPackages();
  const prefix = `t${Date.now().toString(36)}${process.pid.toString(36)}_`;
  process.env.PDIRECT_TEST_SCHEMA_PREFIX = prefix;
  return async () => {
    const url = process.env.PDIRECT_TEST_POSTGRES_URL;
    if (!url) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // Under the migrations' advisory lock: another run on the same server (a developer's beside CI)
      // may be in Kysely's catalogue scan, which fails on a schema that vanishes mid-query.
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const { rows } = await client.query<{ nspname: string }>(`select nspname from pg_namespace where starts_with(nspname, $1)`, [prefix]);
      for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
    } finally {
      await client.end();
    }
  };
}
