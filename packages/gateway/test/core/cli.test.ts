import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { runCli } from '../support/cli.js';
import { startTestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

describe.each(testDatabases())('pdirect CLI ($name)', (factory) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await factory.create();
    env = { PDIRECT_DATABASE_URL: db.url };
  });
  afterAll(async () => db?.drop());

  it('migrate is idempotent', async () => {
    const first = await runCli(['migrate', '--json'], env);
    expect(first.code).toBe(0);
    expect(first.json.applied).toContain('0001_core');
    const second = await runCli(['migrate', '--json'], env);
    expect(second.json.applied).toEqual([]);
  });

  it('merchant create → key create → key revoke, with secrets printed once to stdout', async () => {
    const created = await runCli(
      [
        'merchant',
        'create',
        '--name',
        'CLI Shop',
        '--redirect-host',
        'Shop.Example.',
        '--redirect-host',
        'localhost',
        '--fingerprint-mode',
        'enforce',
        '--json',
      ],
      env,
    );
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      merchant_id: expect.stringMatching(/^mch_[a-z2-7]{20}$/),
      key_id: expect.stringMatching(/^[a-z2-7]{16}$/),
      merchant_secret: expect.stringMatching(/^pd_test_sk_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/),
      webhook_secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      redirect_hosts: ['shop.example', 'localhost'],
      fingerprint_mode: 'enforce',
    });
    expect(created.json.merchant_secret).toContain(created.json.key_id);
    expect(created.stderr).not.toContain(created.json.merchant_secret);

    const merchant = created.json.merchant_id as string;
    const key = await runCli(['key', 'create', '--merchant', merchant, '--ip', '10.0.0.0/8', '--ip', '2001:db8::/32', '--json'], env);
    expect(key.code).toBe(0);
    expect(key.json.ip_allowlist).toEqual(['10.0.0.0/8', '2001:db8::/32']);

    const revoke = await runCli(['key', 'revoke', '--key', created.json.key_id, '--expires-in', '24h', '--json'], env);
    expect(revoke.code).toBe(0);
    expect(revoke.json.active).toBe(true);
    expect(Date.parse(revoke.json.expires_at) - Date.now()).toBeGreaterThan(23 * 3_600_000);

    const list = await runCli(['key', 'list', '--merchant', merchant, '--json'], env);
    expect(list.json.keys).toHaveLength(2);
    expect(JSON.stringify(list.json)).not.toContain(created.json.merchant_secret.slice(28));

    const update = await runCli(['merchant', 'update', '--merchant', merchant, '--redirect-host', 'pay.example', '--fingerprint-mode', 'warn', '--json'], env);
    expect(update.json).toMatchObject({ redirect_hosts: ['pay.example'], fingerprint_mode: 'warn' });

    // The secret the CLI printed works against a running gateway on the same database.
    const gw = await startTestGateway({ databaseUrl: db.url });
    try {
      const me = await http(`${gw.url}/v1/merchant`, { headers: bearer(created.json.merchant_secret) });
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(merchant);
      // Revoked now by another process: refused once the row cache lapses.
      const now = await runCli(['key', 'revoke', '--key', created.json.key_id, '--json'], env);
      expect(now.json.active).toBe(false);
      // The CLI stamped the revocation with the wall clock: move the gateway's
      // clock past it (and past the row cache), however long the CLI took.
      gw.clock.set(Math.max(gw.clock.now(), Date.now()) + 5_001);
      expect((await http(`${gw.url}/v1/merchant`, { headers: bearer(created.json.merchant_secret) })).body.error.error_code).toBe('1002');
    } finally {
      await gw.close();
    }
  });

  it.each([
    [['merchant', 'create', '--name', 'X', '--redirect-host', 'https://evil.example/x'], 'redirect-host'],
    [['merchant', 'create', '--name', 'X', '--fingerprint-mode', 'sometimes'], 'fingerprint-mode'],
    [['merchant', 'create', '--name', 'X', '--ip', '10.0.0.0/33'], 'ip'],
    [['key', 'create', '--merchant', 'mch_doesnotexist'], 'no merchant'],
    [['key', 'revoke', '--key', 'abcdefghijklmnop', '--expires-in', 'soon'], 'expires-in'],
    [['key', 'revoke', '--key', 'NOT-A-KEY'], 'key_id'],
  ])('explains bad input: %j', async (args, words) => {
    const res = await runCli(args as string[], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(words);
    expect(res.stdout).toBe('');
  });

  it('fails fast with every bad setting named', async () => {
    const res = await runCli(['migrate'], { PDIRECT_DATABASE_URL: 'mysql://x', PDIRECT_PORT: 'eighty' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('PDIRECT_DATABASE_URL');
    expect(res.stderr).toContain('PDIRECT_PORT');
  });
});
