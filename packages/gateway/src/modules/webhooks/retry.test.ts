import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, nextRetryDelay, nextStep, parseRetryAfter } from './retry.js';

const standard = { scheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000], jitter: 0.1 };

describe('nextRetryDelay', () => {
  it('follows the schedule, then gives up', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => nextRetryDelay(n, standard, undefined, mid))).toEqual(standard.scheduleMs);
    expect(nextRetryDelay(8, standard, undefined, mid)).toBeUndefined();
  });

  it('spreads each delay by ±jitter', () => {
    expect(nextRetryDelay(2, standard, undefined, () => 0)).toBe(270_000);
    expect(nextRetryDelay(2, standard, undefined, () => 0.999999)).toBeLessThanOrEqual(330_000);
    expect(nextRetryDelay(2, { ...standard, jitter: 0 }, undefined, () => 0)).toBe(300_000);
  });

  it('waits at least as long as Retry-After asks, never less than the schedule, and within a cap', () => {
    const mid = () => 0.5;
    expect(nextRetryDelay(1, standard, 120_000, mid)).toBe(120_000);
    expect(nextRetryDelay(2, standard, 1_000, mid)).toBe(300_000);
    expect(nextRetryDelay(1, standard, 30 * 86_400_000, mid)).toBe(MAX_RETRY_AFTER_MS);
    expect(nextRetryDelay(8, standard, 1_000, mid)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 12:10:00 GMT', 600_000],
    ['Thu, 01 Jan 2026 11:00:00 GMT', 0],
  ])('%j → %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
  it.each([undefined, '', 'soon', '-5', '1.5', 'Mon, 99 Foo 2026'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('nextStep', () => {
  const at = Date.UTC(2026, 0, 1, 12, 0, 0);
  const mid = () => 0.5;
  it('succeeds on 2xx, stops at once on 410, retries anything else until the schedule is used up', () => {
    expect(nextStep({ status: 204, retryAfter: undefined }, 1, at, standard, mid)).toEqual({ succeeded: true, nextState: 'succeeded', nextAttemptAt: null });
    expect(nextStep({ status: 410, retryAfter: undefined }, 1, at, standard, mid)).toEqual({ succeeded: false, nextState: 'dead', nextAttemptAt: null });
    expect(nextStep({ status: 500, retryAfter: undefined }, 1, at, standard, mid)).toEqual({
      succeeded: false,
      nextState: 'pending',
      nextAttemptAt: at + 5_000,
    });
    expect(nextStep({ status: null, retryAfter: undefined }, 2, at, standard, mid).nextAttemptAt).toBe(at + 300_000);
    expect(nextStep({ status: 503, retryAfter: '120' }, 1, at, standard, mid).nextAttemptAt).toBe(at + 120_000);
    expect(nextStep({ status: 500, retryAfter: undefined }, 8, at, standard, mid)).toEqual({ succeeded: false, nextState: 'dead', nextAttemptAt: null });
  });
});
