import { describe, expect, it } from 'vitest';
import { canonicalHost } from './redirect-hosts.js';

describe('canonicalHost', () => {
  it.each([
    ['shop.example', 'shop.example'],
    ['Shop.Example.', 'shop.example'],
    ['localhost', 'localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '[::1]'],
    ['[::1]', '[::1]'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalHost(input)).toBe(expected);
  });

  it.each([
    '',
    'https://shop.example',
    'shop.example/path',
    'shop.example:443',
    'user@shop.example',
    '*.shop.example',
    'a..b',
    '-bad.example',
    'sp ace.example',
  ])('rejects %j', (input) => {
    expect(canonicalHost(input)).toBeUndefined();
  });
});
