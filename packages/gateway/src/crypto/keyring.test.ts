import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Keyring, KeyringError, type KeyringFailure } from './keyring.js';
import { Secret } from './secret.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

function failure(run: () => unknown): KeyringFailure | 'ok' {
  try {
    run();
    return 'ok';
  } catch (err) {
    if (err instanceof KeyringError) return err.code;
    throw err;
  }
}

function flipByteOf(token: string, part: 2 | 3, at: number): string {
  const parts = token.split(':');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[at]! ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join(':');
}

describe('Keyring', () => {
  it('round-trips text, including empty and non-ASCII', () => {
    const ring = new Keyring([{ version: 1, key: k1 }]);
    for (const text of ['ana@example.com', '', 'Żółć 🙂 +62 812-3456-789']) expect(ring.decrypt(ring.encrypt(text))).toBe(text);
  });

  it('writes the documented pdk1 format and a fresh IV each time', () => {
    const ring = new Keyring([{ version: 1, key: k1 }]);
    const a = ring.encrypt('same');
    expect(a).toMatch(/^pdk1:1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{27}$/); // 4 bytes + 16-byte tag
    expect(ring.encrypt('same')).not.toBe(a);
    expect(a).not.toContain('same');
  });

  it('throws auth_failed when any byte of IV, ciphertext or tag is flipped', () => {
    const ring = new Keyring([{ version: 1, key: k1 }]);
    const token = ring.encrypt('ana@example.com', 'customer.email:cus_1');
    expect(failure(() => ring.decrypt(flipByteOf(token, 2, 0), 'customer.email:cus_1'))).toBe('auth_failed');
    expect(failure(() => ring.decrypt(flipByteOf(token, 3, 0), 'customer.email:cus_1'))).toBe('auth_failed');
    expect(failure(() => ring.decrypt(flipByteOf(token, 3, 30), 'customer.email:cus_1'))).toBe('auth_failed');
  });

  it('throws auth_failed with the wrong or a missing AAD', () => {
    const ring = new Keyring([{ version: 1, key: k1 }]);
    const token = ring.encrypt('ana@example.com', 'customer.email:cus_1');
    expect(ring.decrypt(token, 'customer.email:cus_1')).toBe('ana@example.com');
    expect(failure(() => ring.decrypt(token, 'customer.email:cus_2'))).toBe('auth_failed');
    expect(failure(() => ring.decrypt(token))).toBe('auth_failed');
  });

  it('binds the version: relabelling a value as another version fails', () => {
    const ring = new Keyring(
      [
        { version: 1, key: k1 },
        { version: 2, key: k1 },
      ],
      1,
    );
    const relabelled = ring.encrypt('x').replace(/^pdk1:1:/, 'pdk1:2:');
    expect(failure(() => ring.decrypt(relabelled))).toBe('auth_failed');
  });

  it('reports unknown versions and malformed values clearly, without echoing them', () => {
    const ring = new Keyring([{ version: 1, key: k1 }]);
    const v2 = new Keyring([{ version: 2, key: k2 }]).encrypt('secret-email@example.com');
    expect(failure(() => ring.decrypt(v2))).toBe('unknown_version');
    expect(() => ring.decrypt(v2)).toThrow(/version 2/);
    for (const bad of [
      '',
      'plain@example.com',
      'pdk1:1:abc:def',
      'pdk2:1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA',
      `${v2}=`,
      v2.replace('pdk1:2:', 'pdk1:02:'),
    ]) {
      expect(failure(() => ring.decrypt(bad))).toBe('malformed');
      try {
        ring.decrypt(bad);
      } catch (err) {
        if (bad) expect(String(err)).not.toContain(bad);
      }
    }
  });

  it('rotates: new values under the active version, old ones flagged and re-encrypted', () => {
    const before = new Keyring([{ version: 1, key: k1 }]);
    const old = before.encrypt('+628123456789', 'customer.phone:cus_1');

    const after = new Keyring([
      { version: 1, key: k1 },
      { version: 2, key: new Secret(k2) },
    ]);
    expect(after.activeVersion).toBe(2);
    expect(after.versions).toEqual([2, 1]);
    expect(after.decrypt(old, 'customer.phone:cus_1')).toBe('+628123456789');
    expect(after.needsReencrypt(old)).toBe(true);

    const rotated = after.reencrypt(old, 'customer.phone:cus_1');
    expect(after.versionOf(rotated)).toBe(2);
    expect(after.needsReencrypt(rotated)).toBe(false);
    expect(after.reencrypt(rotated, 'customer.phone:cus_1')).toBe(rotated);
    expect(new Keyring([{ version: 2, key: k2 }]).decrypt(rotated, 'customer.phone:cus_1')).toBe('+628123456789');
    // Re-encryption verifies first: a tampered value is not laundered into a fresh one.
    expect(failure(() => after.reencrypt(flipByteOf(old, 3, 0), 'customer.phone:cus_1'))).toBe('auth_failed');
  });

  it('validates its keys and never prints them', () => {
    expect(() => new Keyring([])).toThrow(RangeError);
    expect(() => new Keyring([{ version: 1, key: Buffer.alloc(16) }])).toThrow(/32 bytes/);
    expect(
      () =>
        new Keyring([
          { version: 1, key: k1 },
          { version: 1, key: k2 },
        ]),
    ).toThrow(/twice/);
    expect(() => new Keyring([{ version: 0, key: k1 }])).toThrow(RangeError);
    expect(() => new Keyring([{ version: 1, key: k1 }], 3)).toThrow(/active version 3/);
    const ring = new Keyring([{ version: 1, key: k1 }]);
    expect(inspect(ring)).not.toContain(k1.toString('hex').slice(0, 8));
    expect(inspect(ring)).toContain('[redacted]');
    expect(JSON.stringify({ ring })).not.toMatch(/[0-9a-f]{16}/);
  });
});
