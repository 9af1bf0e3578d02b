import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

// Tamper-evident audit: each record is chained to the previous one by an
// HMAC under a key derived from the master key. Whoever can write to the
// database, but lacks the master key, cannot change the log unnoticed.
describe.each(testDatabases())('audit hash chain ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;
  const env = () => ({ PDIRECT_DATABASE_URL: db.url });
  const verify = () => runCli(['audit', 'verify', '--json'], env());

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    secret = (await gw.services.merchants.create({ name: 'Chained Shop' })).merchantSecret.reveal();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  async function traffic(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) })).headers['x-request-id']!);
    return ids;
  }
  const rows = () => gw.services.storage.db.selectFrom('audit_log').selectAll().orderBy('chain_seq').execute();

  it('an untouched log verifies, every record has its place, and export writes JSON lines', async () => {
    const ids = await traffic(12);
    const ok = await verify();
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, first_break: null });
    expect(ok.json.records).toBeGreaterThanOrEqual(12);
    const all = await rows();
    expect(all.map((r) => Number(r.chain_seq))).toEqual(all.map((_, i) => i + 1));
    expect(all.every((r) => /^[0-9a-f]{64}$/.test(r.chain_hash!) && r.chain_key_version === 1)).toBe(true);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-export-')), 'audit.jsonl');
    const exported = await runCli(['audit', 'export', '--since', '1h', '--output', file], env());
    expect(exported.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.request_id)).toEqual(expect.arrayContaining(ids));
    expect(lines[0]).toMatchObject({ credential_type: 'merchant_key', method: 'GET', path: '/v1/merchant', status: 200, chain_seq: 1 });
    const stdout = await runCli(['audit', 'export', '--since', new Date(Date.now() + 3_600_000).toISOString()], env());
    expect(stdout.stdout).toBe('');
  });

  it('editing one row in the database: verify names that record', async () => {
    await traffic(5);
    const victim = (await rows())[6]!;
    // The insider turns a 401 into a 200, or here: hides which key made the call.
    await gw.services.storage.db.updateTable('audit_log').set({ credential_id: 'key_someoneelse' }).where('id', '=', victim.id).execute();
    const broken = await verify();
    expect(broken.code).toBe(3);
    expect(broken.json.ok).toBe(false);
    expect(broken.json.first_break).toMatchObject({ seq: 7, request_id: victim.request_id });
    expect(broken.json.first_break.reason).toContain('altered');
    expect(broken.stderr).toContain('BROKEN at record #7');
    // Putting the value back restores the chain: the HMAC is over the content.
    await gw.services.storage.db.updateTable('audit_log').set({ credential_id: victim.credential_id }).where('id', '=', victim.id).execute();
    expect((await verify()).json.ok).toBe(true);
  });

  it('recomputing a plain hash does not help without the master key', async () => {
    const victim = (await rows())[3]!;
    await gw.services.storage.db
      .updateTable('audit_log')
      .set({ status: 200, chain_hash: 'f'.repeat(64) })
      .where('id', '=', victim.id)
      .execute();
    expect((await verify()).json.first_break).toMatchObject({ seq: 4 });
    await gw.services.storage.db.updateTable('audit_log').set({ status: victim.status, chain_hash: victim.chain_hash }).where('id', '=', victim.id).execute();
    expect((await verify()).json.ok).toBe(true);
  });

  it('deleting a record, the last records, or adding one: verify names the first broken link', async () => {
    await traffic(3);
    let all = await rows();
    const middle = all[9]!;
    await gw.services.storage.db.deleteFrom('audit_log').where('id', '=', middle.id).execute();
    let res = await verify();
    expect(res.json.first_break).toMatchObject({ seq: 10 });
    expect(res.json.first_break.reason).toContain('missing');
    await gw.services.storage.db
      .insertInto('audit_log')
      .values({ ...middle, id: undefined } as never)
      .execute();
    expect((await verify()).json.ok).toBe(true);

    all = await rows();
    const last = all.at(-1)!;
    await gw.services.storage.db.deleteFrom('audit_log').where('id', '=', last.id).execute();
    res = await verify();
    expect(res.json.first_break).toMatchObject({ seq: Number(last.chain_seq) });
    expect(res.json.first_break.reason).toContain('missing from the end');
    await gw.services.storage.db
      .insertInto('audit_log')
      .values({ ...last, id: undefined } as never)
      .execute();
    expect((await verify()).json.ok).toBe(true);

    const { id: _id, ...forged } = all[0]!;
    await gw.services.storage.db
      .insertInto('audit_log')
      .values({ ...forged, request_id: 'req_forgedforgedforgedforged', chain_seq: null, chain_hash: null, chain_key_version: null })
      .execute();
    res = await verify();
    expect(res.code).toBe(3);
    expect(res.json.first_break.request_id).toBe('req_forgedforgedforgedforged');
  });
});
