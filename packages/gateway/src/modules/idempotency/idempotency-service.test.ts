import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../clock.js';
import { Keyring } from '../../crypto/keyring.js';
import { createLogger } from '../../logger.js';
import { openStorage, type Storage } from '../../storage/database.js';
import { migrateToLatest } from '../../storage/migrate.js';
import { IdempotencyRepository } from './idempotency-repository.js';
import { IdempotencyService } from './idempotency-service.js';

// The timer-driven parts (lease renewal, periodic sweep) against a real
// in-memory SQLite; the HTTP behaviour is covered in test/core/idempotency.test.ts.
describe('IdempotencyService timers', () => {
  const LEASE = 60_000;
  let storage: Storage;
  let clock: ManualClock;
  let repository: IdempotencyRepository;
  let service: IdempotencyService;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    storage = openStorage('sqlite::memory:');
    await migrateToLatest(storage);
    clock = new ManualClock();
    repository = new IdempotencyRepository(storage.db);
    service = new IdempotencyService({
      repository,
      keyring: new Keyring([{ version: 1, key: Buffer.alloc(32, 1) }]),
      clock,
      logger: createLogger('silent'),
      settings: { retentionMs: 24 * 3_600_000, leaseMs: LEASE, sweepIntervalMs: 300_000 },
    });
  });
  afterEach(async () => {
    await service.stop();
    await storage.close();
    vi.useRealTimers();
  });

  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const request = { scope: 'merchant:mch_1', key: 'k1', requestId: 'req_1', method: 'POST', path: '/v1/sessions', fingerprint: 'f'.repeat(64) };

  it('renews a live holder every third of the lease, so a slow request keeps its key', async () => {
    const outcome = await service.begin(request);
    expect(outcome.kind).toBe('claimed');
    const t0 = clock.now();
    clock.advance(LEASE / 3);
    vi.advanceTimersByTime(LEASE / 3);
    await settle();
    expect((await repository.find('merchant:mch_1', 'k1'))?.locked_until).toBe(t0 + LEASE / 3 + LEASE);
    // Well past the first lease, another request still finds it in flight.
    clock.advance(LEASE);
    vi.advanceTimersByTime(LEASE);
    await settle();
    expect((await service.begin({ ...request, requestId: 'req_2' })).kind).toBe('in_flight');
  });

  it('stops renewing once the claim is settled, and gives up on a holder stuck for ten leases', async () => {
    const renew = vi.spyOn(repository, 'extendLease');
    const settled = await service.begin(request);
    if (settled.kind !== 'claimed') throw new Error('not claimed');
    await service.complete(settled.claim, { status: 201, headers: {}, body: '{}', encoding: 'utf8' });
    vi.advanceTimersByTime(5 * LEASE);
    expect(renew).not.toHaveBeenCalled();

    const stuck = await service.begin({ ...request, key: 'k2' });
    expect(stuck.kind).toBe('claimed');
    vi.advanceTimersByTime(20 * LEASE);
    await settle();
    expect(renew).toHaveBeenCalledTimes(30); // 10 leases at one renewal per third
  });

  it('sweeps at once and then every interval until stopped', async () => {
    const sweep = vi.spyOn(repository, 'deleteStale');
    service.startSweeping();
    expect(service.sweeping).toBe(true);
    expect(sweep).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(300_000 * 2);
    expect(sweep).toHaveBeenCalledTimes(3);
    await service.stop();
    expect(service.sweeping).toBe(false);
    vi.advanceTimersByTime(300_000 * 2);
    expect(sweep).toHaveBeenCalledTimes(3);
  });
});
