import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateMasterKeyEntry, parseMasterKey } from './master-key-format.js';
import { b64, expectMasterKeyError } from '../../test/support/master-key.js';
import { Secret } from './secret.js';

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);

describe('parseMasterKey', () => {
  it('reads one versioned key', () => {
    const m = parseMasterKey(`v1:${b64(KEY_A)}`);
    expect(m.activeVersion).toBe(1);
    expect(m.versions.map((v) => v.version)).toEqual([1]);
    expect(m.versions[0]!.key.reveal().equals(KEY_A)).toBe(true);
  });

  it('reads a bare key as version 1, and a Secret as well as a string', () => {
    expect(parseMasterKey(b64(KEY_A)).versions[0]).toMatchObject({ version: 1 });
    expect(parseMasterKey(new Secret(`v1:${b64(KEY_A)}`)).activeVersion).toBe(1);
  });

  it('makes the highest of several versions active, in any order, tolerating spaces', () => {
    const m = parseMasterKey(` v2:${b64(KEY_B)} , v1:${b64(KEY_A)} `);
    expect(m.activeVersion).toBe(2);
    expect(m.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(parseMasterKey(`v1:${b64(KEY_A)},v7:${b64(KEY_B)}`).activeVersion).toBe(7);
  });

  it('accepts base64url and unpadded spellings', () => {
    for (const spelling of [KEY_A.toString('base64url'), b64(KEY_A).replace(/=$/, '')]) {
      expect(parseMasterKey(`v1:${spelling}`).versions[0]!.key.reveal().equals(KEY_A)).toBe(true);
    }
  });

  it('rejects bad values with clear messages that never contain the key', () => {
    const a = b64(KEY_A);
    const short = b64(randomBytes(16));
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['   ', /empty/],
      [`v1:${short}`, /32 bytes/],
      [`v0:${a}`, /version/],
      [`v01:${a}`, /version/],
      [`x1:${a}`, /version/],
      [`v99999999999:${a}`, /version/],
      [`v1:${a},v1:${b64(KEY_B)}`, /v1 more than once/],
      [`${a},v2:${b64(KEY_B)}`, /entry 1 of 2/],
      [`v1:${a},`, /entry 2 of 2 is empty/],
      [`v1:${a.slice(0, 42)}B=`, /32 bytes/], // non-canonical spare bits
      [`v1:${a}!`, /32 bytes/],
      ['not a key at all', /base64 of 32 bytes/],
    ];
    for (const [value, pattern] of cases) expectMasterKeyError(() => parseMasterKey(value), [a, a.slice(0, 20), short], pattern);
  });

  it('keeps key bytes out of inspect and JSON', () => {
    const m = parseMasterKey(`v1:${b64(KEY_A)}`);
    expect(inspect(m, { depth: 5 })).not.toContain(KEY_A.toString('hex').slice(0, 8));
    expect(JSON.stringify(m)).not.toContain(b64(KEY_A).slice(0, 12));
    expect(JSON.stringify(m)).toContain('[redacted]');
  });

  it('generates entries in its own format', () => {
    const entry = generateMasterKeyEntry(3);
    expect(String(entry)).toBe('[redacted]');
    expect(entry.reveal()).toMatch(/^v3:[A-Za-z0-9+/]{43}=$/);
    expect(parseMasterKey(entry).activeVersion).toBe(3);
  });
});
