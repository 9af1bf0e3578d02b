import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { deriveFernetKey, Fernet, FernetError, type FernetRejection, MultiFernet } from './fernet.js';
import { Secret } from './secret.js';

/** Fixtures are the fernet/spec repository's own files; see testdata/fernet/README.md. */
function fixture<T>(name: string): T[] {
  return JSON.parse(readFileSync(new URL(`./testdata/fernet/${name}.json`, import.meta.url), 'utf8')) as T[];
}
const seconds = (iso: string): number => Date.parse(iso) / 1000;

interface GenerateCase {
  token: string;
  now: string;
  iv: number[];
  src: string;
  secret: string;
}
interface VerifyCase {
  token: string;
  now: string;
  ttl_sec: number;
  src: string;
  secret: string;
}
interface InvalidCase {
  desc: string;
  token: string;
  now: string;
  ttl_sec: number;
  secret: string;
}

function rejection(run: () => unknown): FernetRejection | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (err) {
    if (err instanceof FernetError) return err.reason;
    throw err;
  }
}

describe('Fernet — fernet/spec generate.json', () => {
  const cases = fixture<GenerateCase>('generate');
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(`produces the exact token for "${c.src}" at ${c.now}`, () => {
      const token = new Fernet(c.secret).encrypt(c.src, { now: seconds(c.now), iv: Buffer.from(c.iv) });
      expect(token).toBe(c.token);
    });
  }
});

describe('Fernet — fernet/spec verify.json', () => {
  const cases = fixture<VerifyCase>('verify');
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(`decrypts to "${c.src}" at ${c.now} with ttl ${c.ttl_sec}s`, () => {
      const plaintext = new Fernet(c.secret).decrypt(c.token, { ttlSeconds: c.ttl_sec, now: seconds(c.now) });
      expect(plaintext.toString('utf8')).toBe(c.src);
    });
  }
});

describe('Fernet — fernet/spec invalid.json', () => {
  // The reason each published case must fail for, keyed by its `desc`.
  const expected: Record<string, FernetRejection> = {
    'incorrect mac': 'bad_signature',
    'too short': 'malformed',
    'invalid base64': 'malformed',
    'payload size not multiple of block size': 'malformed',
    'payload padding error': 'bad_ciphertext',
    'far-future TS (unacceptable clock skew)': 'from_future',
    'expired TTL': 'expired',
    'incorrect IV (causes padding error)': 'bad_ciphertext',
    'trailing characters after b64 padding': 'malformed',
    'invalid characters in b64': 'malformed',
    'invalid non-urlsafe characters in b64': 'malformed',
  };
  const cases = fixture<InvalidCase>('invalid');
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(`rejects: ${c.desc}`, () => {
      const reason = rejection(() => new Fernet(c.secret).decrypt(c.token, { ttlSeconds: c.ttl_sec, now: seconds(c.now) }));
      expect(reason).not.toBe('accepted');
      if (expected[c.desc]) expect(reason).toBe(expected[c.desc]);
    });
  }
});

describe('Fernet — behaviour', () => {
  const key = Fernet.generateKey();

  it('round-trips bytes and strings with a random IV', () => {
    const f = new Fernet(key);
    const a = f.encrypt('whsec_abc');
    expect(a).not.toBe(f.encrypt('whsec_abc'));
    expect(f.decrypt(a).toString('utf8')).toBe('whsec_abc');
    expect(f.decrypt(f.encrypt(Buffer.from([0, 255, 1]))).equals(Buffer.from([0, 255, 1]))).toBe(true);
    expect(f.decrypt(f.encrypt('')).length).toBe(0);
  });

  it('writes padded base64url starting with the version byte', () => {
    const token = new Fernet(key).encrypt('x');
    expect(token).toMatch(/^gAAAAA[A-Za-z0-9_-]*={0,2}$/);
    expect(token.length % 4).toBe(0);
  });

  it('accepts the key as text, raw bytes, or a Secret of either', () => {
    const raw = Buffer.from(key, 'base64url');
    const token = new Fernet(key).encrypt('x', { now: 1 });
    for (const k of [raw, new Secret(key), new Secret(raw)]) expect(new Fernet(k).decrypt(token).toString()).toBe('x');
  });

  it('refuses another key, and any flipped bit', () => {
    const token = new Fernet(key).encrypt('x');
    expect(rejection(() => new Fernet(Fernet.generateKey()).decrypt(token))).toBe('bad_signature');
    const bytes = Buffer.from(token, 'base64url');
    for (const at of [9, 30, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[at]! ^= 1;
      const text = tampered.toString('base64url') + '='.repeat((4 - (tampered.toString('base64url').length % 4)) % 4);
      expect(rejection(() => new Fernet(key).decrypt(text))).toBe('bad_signature');
    }
  });

  it('applies ttl and the 60-second clock-skew rule at their exact boundaries', () => {
    const f = new Fernet(key);
    const token = f.encrypt('x', { now: 1_000 });
    expect(rejection(() => f.decrypt(token, { ttlSeconds: 60, now: 1_060 }))).toBe('accepted');
    expect(rejection(() => f.decrypt(token, { ttlSeconds: 60, now: 1_061 }))).toBe('expired');
    expect(rejection(() => f.decrypt(token, { ttlSeconds: 60, now: 940 }))).toBe('accepted');
    expect(rejection(() => f.decrypt(token, { ttlSeconds: 60, now: 939 }))).toBe('from_future');
    // Without a ttl there is no age limit: secrets at rest never expire.
    expect(rejection(() => f.decrypt(token, { now: 10_000_000 }))).toBe('accepted');
    expect(() => f.decrypt(token, { ttlSeconds: Number.NaN, now: 1_000 })).toThrow(RangeError);
    expect(() => f.decrypt(token, { ttlSeconds: -1, now: 1_000 })).toThrow(RangeError);
  });

  it('rejects bad keys and IVs without echoing the key', () => {
    const short = 'c2hvcnQta2V5LW5vdC0zMi1ieXRlcw==';
    expect(() => new Fernet(short)).toThrow(/32 bytes/);
    try {
      new Fernet(short);
    } catch (err) {
      expect(String(err)).not.toContain(short);
    }
    expect(() => new Fernet(key.replace(/=$/, ''))).toThrow(RangeError); // the spec's form is padded
    expect(() => new Fernet(key).encrypt('x', { iv: Buffer.alloc(12) })).toThrow(RangeError);
  });

  it('never prints its key', () => {
    const f = new Fernet(key);
    expect(inspect(f)).not.toContain(key);
    expect(JSON.stringify({ f })).not.toContain(key);
  });
});

describe('MultiFernet', () => {
  const oldKey = new Fernet(Fernet.generateKey());
  const newKey = new Fernet(Fernet.generateKey());

  it('encrypts under the first key and decrypts under any', () => {
    const ring = new MultiFernet([newKey, oldKey]);
    const legacy = oldKey.encrypt('s1', { now: 1234 });
    expect(ring.decrypt(legacy).toString()).toBe('s1');
    expect(newKey.decrypt(ring.encrypt('s2')).toString()).toBe('s2');
  });

  it('tells which tokens need re-encryption and re-encrypts keeping the timestamp', () => {
    const ring = new MultiFernet([newKey, oldKey]);
    const legacy = oldKey.encrypt('s1', { now: 1234 });
    expect(ring.needsReencrypt(legacy)).toBe(true);
    const rotated = ring.reencrypt(legacy);
    expect(ring.needsReencrypt(rotated)).toBe(false);
    expect(newKey.decryptWithTimestamp(rotated)).toMatchObject({ timestamp: 1234 });
    expect(newKey.decrypt(rotated).toString()).toBe('s1');
  });

  it('rejects tokens under none of its keys', () => {
    const stranger = new Fernet(Fernet.generateKey()).encrypt('x');
    expect(rejection(() => new MultiFernet([newKey, oldKey]).decrypt(stranger))).toBe('bad_signature');
    expect(() => new MultiFernet([])).toThrow(RangeError);
  });
});

describe('deriveFernetKey', () => {
  const master = Buffer.alloc(32, 1);

  it('derives a deterministic, label-separated 32-byte key usable as a Fernet key', () => {
    const a = deriveFernetKey(master, 'pdirect/webhook-secret');
    expect(a).toHaveLength(32);
    expect(deriveFernetKey(master, 'pdirect/webhook-secret')).toEqual(a);
    expect(deriveFernetKey(master, 'pdirect/other')).not.toEqual(a);
    const f = new Fernet(a);
    expect(f.decrypt(f.encrypt('x')).toString()).toBe('x');
  });
});
