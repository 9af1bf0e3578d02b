import { describe, expect, it } from 'vitest';
import { judgeWindow } from './rate-limiter.js';

const LIMIT = { max: 5, windowMs: 300_000 };

describe('sliding window judgement', () => {
  it('admits while fewer than max hits are inside the window', () => {
    expect(judgeWindow([], LIMIT, 1_000_000)).toEqual({ inWindow: [], retryAfterSeconds: null });
    expect(judgeWindow([1, 2, 3, 4], LIMIT, 10).retryAfterSeconds).toBeNull();
  });

  it('when full, waits until the oldest counted hit leaves the window (whole seconds, rounded up)', () => {
    const t0 = 1_000_000;
    const hits = [t0, t0 + 10_000, t0 + 20_000, t0 + 30_000, t0 + 40_000];
    expect(judgeWindow(hits, LIMIT, t0 + 50_000).retryAfterSeconds).toBe(250);
    expect(judgeWindow(hits, LIMIT, t0 + 299_001).retryAfterSeconds).toBe(1);
    expect(judgeWindow(hits, LIMIT, t0 + 299_999).retryAfterSeconds).toBe(1);
    expect(judgeWindow(hits, LIMIT, t0 + 300_000).retryAfterSeconds).toBeNull();
  });

  it('drops hits that left the window, whatever their order (several processes append)', () => {
    const t0 = 1_000_000;
    const judged = judgeWindow([t0 + 40_000, t0 - 400_000, t0, t0 + 20_000, t0 + 10_000, t0 + 30_000], LIMIT, t0 + 50_000);
    expect(judged.inWindow).toEqual([t0, t0 + 10_000, t0 + 20_000, t0 + 30_000, t0 + 40_000]);
    expect(judged.retryAfterSeconds).toBe(250);
  });

  it('over-full (after a limit was lowered): waits until enough have left', () => {
    const t0 = 1_000_000;
    const hits = [t0, t0 + 1000, t0 + 2000, t0 + 3000, t0 + 4000, t0 + 5000, t0 + 6000];
    // 7 counted, room needs 4: the third oldest (t0+2s) must leave, at t0+302s.
    expect(judgeWindow(hits, LIMIT, t0 + 10_000).retryAfterSeconds).toBe(292);
  });
});
