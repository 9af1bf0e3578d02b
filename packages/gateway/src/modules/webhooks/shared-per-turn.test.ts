import { describe, expect, it } from 'vitest';
import { sharedPerTurn } from './shared-per-turn.js';

describe('sharedPerTurn', () => {
  it('calls in one turn with the same key share one load, started after the last of them, with every argument', async () => {
    const loads: Array<[string, number[]]> = [];
    let version = 1;
    const read = sharedPerTurn(async (key: string, args: number[]) => (loads.push([key, args]), `${key}@${version}`));
    const a = read('m1', 10);
    const b = read('m1', 5);
    const c = read('m2', 7);
    expect(loads).toEqual([]); // nothing read yet: a change made later in this turn is still seen
    version = 2;
    expect(await Promise.all([a, b, c])).toEqual(['m1@2', 'm1@2', 'm2@2']);
    expect(loads).toEqual([
      ['m1', [10, 5]],
      ['m2', [7]],
    ]);
  });

  it('a call in a later turn gets a read of its own, never an earlier answer', async () => {
    let reads = 0;
    const read = sharedPerTurn(async () => ++reads);
    expect(await read('m1', 0)).toBe(1);
    expect(await read('m1', 0)).toBe(2);
  });

  it('a failed read fails every caller that shared it, and only them', async () => {
    let fail = true;
    const read = sharedPerTurn((key: string) => {
      if (fail) throw new Error(`no ${key}`);
      return Promise.resolve(key);
    });
    const both = await Promise.allSettled([read('m1', 0), read('m1', 0)]);
    expect(both.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['no m1', 'no m1']);
    fail = false;
    expect(await read('m1', 0)).toBe('m1');
  });
});
