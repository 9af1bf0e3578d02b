import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The databases every integration suite runs against: SQLite always, and
 * PostgreSQL when PDIRECT_TEST_POSTGRES_URL is set (.ci/run sets it). Each
 * call gives a fresh, empty database: a temp file, or a new schema selected
 * through the connection's search_path.
 */
export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  url: string;
  /** SQLite file path (to scan bytes at rest), if SQLite. */
  file?: string;
  drop(): Promise<void>;
}

export type TestDatabaseFactory = { name: 'sqlite' | 'postgres'; create(): Promise<TestDatabase> };

export function testDatabases(): TestDatabaseFactory[] {
  const factories: TestDatabaseFactory[] = [{ name: 'sqlite', create: createSqlite }];
  if (process.env.PDIRECT_TEST_POSTGRES_URL) factories.push({ name: 'postgres', create: createPostgres });
  return factories;
}

async function createSqlite(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-test-'));
  const file = path.join(dir, 'pdirect.db');
  return { name: 'sqlite', url: `sqlite:${file}`, file, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function createPostgres(): Promise<TestDatabase> {
  const base = process.env.PDIRECT_TEST_POSTGRES_URL!;
  // The run's prefix (global-setup.ts) lets the teardown find and drop every schema of this run.
  const prefix = process.env.PDIRECT_TEST_SCHEMA_PREFIX;
  const schema = `${prefix ?? 't_'}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    name: 'postgres',
    url: url.toString(),
    drop: async () => {
      if (prefix) return; // dropped by the global teardown, after every worker has finished
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** Every text value stored in every table, for "no cleartext secret at rest" checks on PostgreSQL. */
export async function dumpPostgres(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
    );
    let dump = '';
    for (const { table_name } of tables.rows) {
      const rows = await client.query(`select row_to_json(t)::text as j from "${table_name}" t`);
      dump += rows.rows.map((r: { j: string }) => r.j).join('\n');
    }
    return dump;
  } finally {
    await client.end();
  }
}

/** The SQLite database file and its WAL, as bytes. */
export function readSqliteFiles(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}
