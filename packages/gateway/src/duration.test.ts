import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['24h', 86_400_000],
    ['90s', 90_000],
    ['15m', 900_000],
    ['7d', 604_800_000],
    ['30', 30_000],
    ['0s', 0],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'h', '1.5h', '-1h', '24 hours', '1w', '99999999d'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
