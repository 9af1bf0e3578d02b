import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { verifyAgainstDummy, verifySecret } from '../../crypto/password.js';
import { ApiError } from '../../errors.js';
import { openStorage, type Storage } from '../../storage/database.js';
import { migrateToLatest } from '../../storage/migrate.js';
import { MerchantAuthenticator } from './authenticator.js';
import { KeyRepository } from './key-repository.js';
import { KeyService } from './key-service.js';

describe('MerchantAuthenticator', () => {
  let storage: Storage;
  let clock: ManualClock;
  let calls: { verify: number; dummy: number };
  let auth: MerchantAuthenticator;
  let keys: KeyService;

  beforeEach(async () => {
    storage = openStorage('sqlite::memory:');
    await migrateToLatest(storage);
    await storage.db
      .insertInto('merchants')
      .values({ id: 'mch_test', name: 'T', mode: 'test', redirect_hosts: '[]', fingerprint_mode: null, created_at: 0, updated_at: 0 })
      .execute();
    clock = new ManualClock();
    calls = { verify: 0, dummy: 0 };
    const repo = new KeyRepository(storage.db);
    auth = new MerchantAuthenticator({
      keys: repo,
      clock,
      mode: 'test',
      rotationDays: 90,
      rowTtlMs: 5_000,
      verifier: {
        verify: (phc, token) => ((calls.verify += 1), verifySecret(phc, token)),
        verifyDummy: (token) => ((calls.dummy += 1), verifyAgainstDummy(token)),
      },
    });
    keys = new KeyService({ keys: repo, clock, mode: 'test', rotationDays: 90, authenticator: auth });
  });
  afterEach(async () => storage.close());

  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (err) {
      return (err as ApiError).code;
    }
  };

  it('runs Argon2id once for many requests with the same secret', async () => {
    const { merchantSecret } = await keys.issue('mch_test');
    for (let i = 0; i < 50; i++) await auth.authenticate(`Bearer ${merchantSecret.reveal()}`, '127.0.0.1');
    expect(calls.verify).toBe(1);
  });

  it('shares one verification among concurrent first requests', async () => {
    const { merchantSecret } = await keys.issue('mch_test');
    await Promise.all(Array.from({ length: 20 }, () => auth.authenticate(`Bearer ${merchantSecret.reveal()}`, '127.0.0.1')));
    expect(calls.verify).toBe(1);
  });

  it('verifies every wrong secret (never served from the cache)', async () => {
    const { merchantSecret } = await keys.issue('mch_test');
    const good = merchantSecret.reveal();
    await auth.authenticate(`Bearer ${good}`, '127.0.0.1');
    const wrong = good.slice(0, -1) + (good.endsWith('x') ? 'y' : 'x');
    expect(await codeOf(auth.authenticate(`Bearer ${wrong}`, '127.0.0.1'))).toBe('1002');
    expect(await codeOf(auth.authenticate(`Bearer ${wrong}`, '127.0.0.1'))).toBe('1002');
    expect(calls.verify).toBe(3);
  });

  it('spends a dummy Argon2id verification on an unknown key id', async () => {
    expect(await codeOf(auth.authenticate(`Bearer pd_test_sk_${'b'.repeat(16)}_${'A'.repeat(43)}`, '127.0.0.1'))).toBe('1002');
    expect(calls.dummy).toBe(1);
  });

  it('re-verifies after the verified-secret lifetime', async () => {
    const { merchantSecret } = await keys.issue('mch_test');
    await auth.authenticate(`Bearer ${merchantSecret.reveal()}`, '127.0.0.1');
    clock.advance(10 * 60_000);
    await auth.authenticate(`Bearer ${merchantSecret.reveal()}`, '127.0.0.1');
    expect(calls.verify).toBe(2);
  });

  it('invalidate() applies a revocation at once', async () => {
    const { keyId, merchantSecret } = await keys.issue('mch_test');
    await auth.authenticate(`Bearer ${merchantSecret.reveal()}`, '127.0.0.1');
    await keys.revoke(keyId);
    expect(await codeOf(auth.authenticate(`Bearer ${merchantSecret.reveal()}`, '127.0.0.1'))).toBe('1002');
  });

  it('never lets more than the configured number of verifications run at once', async () => {
    let running = 0;
    let peak = 0;
    const slow = new MerchantAuthenticator({
      keys: new KeyRepository(storage.db),
      clock,
      mode: 'test',
      rotationDays: 90,
      rowTtlMs: 5_000,
      maxConcurrentVerifications: 2,
      verifier: {
        verify: async () => false,
        verifyDummy: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setImmediate(r));
          running--;
        },
      },
    });
    const attempts = Array.from({ length: 10 }, (_, i) =>
      codeOf(slow.authenticate(`Bearer pd_test_sk_${'c'.repeat(15)}${'abcdefghij'[i]}_${'A'.repeat(43)}`, '::1')),
    );
    expect(await Promise.all(attempts)).toEqual(Array(10).fill('1002'));
    expect(peak).toBe(2);
  });

  it('spends the same Argon2id work on a revoked or expired key with its right secret as on a wrong one (no timing tell)', async () => {
    const { keyId, merchantSecret } = await keys.issue('mch_test');
    const good = `Bearer ${merchantSecret.reveal()}`;
    await auth.authenticate(good, '127.0.0.1'); // now cached as verified
    // Revoked by another process: this one sees the row change only after its TTL, the verified cache still holds.
    await storage.db.updateTable('merchant_keys').set({ revoked_at: clock.now() }).where('key_id', '=', keyId).execute();
    clock.advance(6_000);
    const before = { ...calls };
    expect(await codeOf(auth.authenticate(good, '127.0.0.1'))).toBe('1002');
    expect(calls.dummy + calls.verify - before.dummy - before.verify).toBe(1);
    expect(calls.dummy - before.dummy).toBe(1);

    const other = await keys.issue('mch_test');
    await auth.authenticate(`Bearer ${other.merchantSecret.reveal()}`, '127.0.0.1');
    await storage.db
      .updateTable('merchant_keys')
      .set({ expires_at: clock.now() + 1_000 })
      .where('key_id', '=', other.keyId)
      .execute();
    clock.advance(6_000);
    const mid = calls.dummy;
    expect(await codeOf(auth.authenticate(`Bearer ${other.merchantSecret.reveal()}`, '127.0.0.1'))).toBe('1002');
    expect(calls.dummy - mid).toBe(1);
  });

  it('sheds verifications beyond the queue bound with 503 1901 and Retry-After', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const bounded = new MerchantAuthenticator({
      keys: new KeyRepository(storage.db),
      clock,
      mode: 'test',
      rotationDays: 90,
      rowTtlMs: 5_000,
      maxConcurrentVerifications: 2,
      maxQueuedVerifications: 3,
      verifier: { verify: async () => false, verifyDummy: () => gate },
    });
    const outcomes = Array.from({ length: 9 }, (_, i) =>
      bounded.authenticate(`Bearer pd_test_sk_${'c'.repeat(15)}${'abcdefghij'[i]}_${'A'.repeat(43)}`, '::1').then(
        () => 'ok',
        (err: ApiError) => `${err.code}:${err.headers['Retry-After'] ?? ''}`,
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    release();
    const codes = await Promise.all(outcomes);
    expect(codes.filter((c) => c === '1901:1')).toHaveLength(4);
    expect(codes.filter((c) => c === '1002:')).toHaveLength(5);
  });
});
