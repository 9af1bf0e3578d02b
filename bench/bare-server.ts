// The machine's limit for an authenticated, audited request: plain Fastify
// and raw better-sqlite3 (statements prepared once), one indexed read and one
// insert per request. No Kysely, no authentication, no audit chain: the least
// such a request can do on this machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-bench-bare-'));
const db = new SQLite(path.join(dir, 'bare.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`create table merchants (id text primary key, name text not null, redirect_hosts text not null, created_at integer not null);
  create table log (id integer primary key autoincrement, merchant_id text not null, path text not null, status integer not null, at integer not null);
  insert into merchants values ('mch_bench', 'Bench Shop', '["localhost"]', 0);`);
const read = db.prepare('select * from merchants where id = ?');
const write = db.prepare('insert into log (merchant_id, path, status, at) values (?, ?, ?, ?)');

const app = Fastify({ logger: false });
app.get('/bare', async () => {
  const merchant = read.get('mch_bench') as { id: string; name: string; redirect_hosts: string };
  write.run(merchant.id, '/bare', 200, Date.now());
  return { object: 'merchant', id: merchant.id, name: merchant.name, redirect_hosts: JSON.parse(merchant.redirect_hosts) };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address() as { port: number };
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
process.once('SIGTERM', () => void app.close().then(() => (db.close(), fs.rmSync(dir, { recursive: true, force: true }), process.exit(0))));
