import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Fernet } from './fernet.js';
import { Keyring } from './keyring.js';
import { auditHmacKey, fernetFor, keyringFor, otpHmacKey, parseMasterKey } from './master-key.js';
import { b64 } from '../../test/support/master-key.js';

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);

describe('sub-keys derived from the master key', () => {
  // Pinned outputs (HKDF-SHA256, salt "pdirect.hkdf.salt.v1", info = label, master = 32 zero
  // bytes), cross-checked with an independent HMAC-based HKDF. A change here orphans stored data.
  const zero = parseMasterKey(`v1:${b64(Buffer.alloc(32))}`);

  it('audit and OTP keys: pinned values', () => {
    expect(auditHmacKey(zero).toString('hex')).toBe('9a00d13bfc1ca804ce00fe8be91e3cc879cab18f6506a105481caff2e070e679');
    expect(otpHmacKey(zero).toString('hex')).toBe('210c1aa2a403051e2cd21937b0250d9654f1b70d96cd0f92de92b2a48a459a62');
  });

  it('personal-data keyring and webhook Fernet: pinned keys', () => {
    const personal = Buffer.from('24f7424f20bf7e41697f3c258517d77b8523887ea581e2334d90b12b645b8db7', 'hex');
    const webhook = Buffer.from('161fddbfea045d966ef448cb9c40b9bb7da50a505fa2c77a04bd834a8cfacdb1', 'hex');
    expect(keyringFor(zero).decrypt(new Keyring([{ version: 1, key: personal }]).encrypt('x'))).toBe('x');
    expect(fernetFor(zero).decrypt(new Fernet(webhook).encrypt('y')).toString()).toBe('y');
  });

  it('gives each purpose its own key', () => {
    const m = parseMasterKey(`v1:${b64(KEY_A)}`);
    expect(auditHmacKey(m)).toHaveLength(32);
    expect(auditHmacKey(m).equals(otpHmacKey(m))).toBe(false);
    expect(auditHmacKey(m).equals(auditHmacKey(parseMasterKey(`v1:${b64(KEY_B)}`)))).toBe(false);
  });

  it('rotation: data under v1 stays readable after v2 is added, and is flagged for re-encryption', () => {
    const v1 = parseMasterKey(`v1:${b64(KEY_A)}`);
    const v1v2 = parseMasterKey(`v1:${b64(KEY_A)},v2:${b64(KEY_B)}`);

    const email = keyringFor(v1).encrypt('ana@example.com', 'customer.email:cus_1');
    const ring = keyringFor(v1v2);
    expect(ring.activeVersion).toBe(2);
    expect(ring.decrypt(email, 'customer.email:cus_1')).toBe('ana@example.com');
    expect(ring.needsReencrypt(email)).toBe(true);
    expect(ring.versionOf(ring.reencrypt(email, 'customer.email:cus_1'))).toBe(2);

    const sealed = fernetFor(v1).encrypt('whsec_old');
    const fernet = fernetFor(v1v2);
    expect(fernet.decrypt(sealed).toString()).toBe('whsec_old');
    expect(fernet.needsReencrypt(sealed)).toBe(true);
    expect(fernet.needsReencrypt(fernet.encrypt('whsec_new'))).toBe(false);
    expect(() => fernetFor(v1).decrypt(fernet.encrypt('whsec_new'))).toThrow(/signature/);

    expect(auditHmacKey(v1v2).equals(auditHmacKey(v1))).toBe(false); // active version changed
  });
});
