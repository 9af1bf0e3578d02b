import { describe, expect, it } from 'vitest';
import { DecimalAmount, canonicalRequest, deepMerge, getPath, toMpgsJson } from './mpgs-json.js';

describe('toMpgsJson', () => {
  it('sorts keys at every level, drops undefined and writes amounts as decimal numbers', () => {
    const text = toMpgsJson({ b: 1, a: { d: undefined, c: new DecimalAmount(1250, 2) }, list: [{ z: 1, y: 2 }] });
    expect(text).toBe('{"a":{"c":12.50},"b":1,"list":[{"y":2,"z":1}]}');
    expect(JSON.parse(text).a.c).toBe(12.5);
  });

  it('gives the same canonical text whatever the key order', () => {
    expect(canonicalRequest({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalRequest({ b: { d: 3, c: 2 }, a: 1 }));
    expect(canonicalRequest({ a: 1 })).not.toBe(canonicalRequest({ a: 2 }));
  });
});

describe('getPath / deepMerge', () => {
  it('reads nested paths and merges objects', () => {
    expect(getPath({ a: { b: { c: 1 } } }, 'a.b.c')).toBe(1);
    expect(getPath({ a: 1 }, 'a.b')).toBeUndefined();
    expect(deepMerge({ order: { amount: '1.00', currency: 'USD' } }, { order: { amount: '2.00' } })).toEqual({
      order: { amount: '2.00', currency: 'USD' },
    });
  });
});
