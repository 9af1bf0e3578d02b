import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { decodeBase64UrlPadded, encodeBase64UrlPadded } from './encoding.js';
import { deriveSubkey } from './kdf.js';
import type { Secret } from './secret.js';

/**
 * Fernet, version 0x80 (https://github.com/fernet/spec/blob/master/Spec.md):
 *
 *   token = base64url( 0x80 ‖ timestamp(u64 BE seconds) ‖ IV(16) ‖ AES-128-CBC/PKCS7 ciphertext ‖ HMAC-SHA256(32) )
 *   key   = base64url( signing key(16) ‖ encryption key(16) )
 *
 * Pdirect stores each webhook_secret as a Fernet token (docs/api.md#credentials) so that it
 * stays readable by any standard Fernet library given the derived key.
 */

const VERSION = 0x80;
const KEY_BYTES = 32;
const IV_BYTES = 16;
const BLOCK_BYTES = 16;
const HMAC_BYTES = 32;
const HEADER_BYTES = 1 + 8 + IV_BYTES;
/** Spec's clock-skew rule, as the reference implementations apply it: 60 s into the future at most. */
export const FERNET_MAX_CLOCK_SKEW_SECONDS = 60;

/** Why a token was refused. Messages never include the token or the key. */
export type FernetRejection =
  | 'malformed' // not canonical base64url, or the wrong size
  | 'unsupported_version'
  | 'bad_signature' // HMAC mismatch: tampered, or another key
  | 'expired' // older than ttlSeconds
  | 'from_future' // more than 60 s ahead of now
  | 'bad_ciphertext'; // authenticated, yet the padding is wrong

const REJECTION_TEXT: Record<FernetRejection, string> = {
  malformed: 'not a well-formed Fernet token',
  unsupported_version: 'unsupported Fernet version',
  bad_signature: 'signature does not verify',
  expired: 'token has expired',
  from_future: 'token timestamp is too far in the future',
  bad_ciphertext: 'ciphertext does not decrypt',
};

export class FernetError extends Error {
  readonly reason: FernetRejection;

  constructor(reason: FernetRejection) {
    super(`invalid Fernet token: ${REJECTION_TEXT[reason]}`);
    this.name = 'FernetError';
    this.reason = reason;
  }
}

export interface FernetEncryptOptions {
  /** Creation time, whole seconds since the epoch. Default: now. */
  now?: number;
  /** Fixed IV, for test vectors only. Default: 16 random bytes. */
  iv?: Buffer;
}

export interface FernetDecryptOptions {
  /** Maximum age in seconds; when given, the clock-skew rule applies too. Default: no limit. */
  ttlSeconds?: number;
  /** Current time, whole seconds since the epoch. Default: now. */
  now?: number;
}

function nowSeconds(now: number | undefined): number {
  const value = now ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('now must be whole seconds since the epoch');
  return value;
}

function keyBytes(key: string | Buffer | Secret<string> | Secret<Buffer>): Buffer {
  const raw = typeof key === 'string' || Buffer.isBuffer(key) ? key : key.reveal();
  const bytes = typeof raw === 'string' ? decodeBase64UrlPadded(raw) : Buffer.from(raw);
  if (!bytes || bytes.length !== KEY_BYTES) throw new RangeError('Fernet key must be 32 bytes (base64url with padding, or raw)');
  return bytes;
}

export class Fernet {
  readonly #signingKey: Buffer;
  readonly #encryptionKey: Buffer;

  /** `key`: the 44-character base64url key of the spec, or its 32 raw bytes. */
  constructor(key: string | Buffer | Secret<string> | Secret<Buffer>) {
    const bytes = keyBytes(key);
    this.#signingKey = bytes.subarray(0, 16);
    this.#encryptionKey = bytes.subarray(16, 32);
  }

  /** A fresh random key in the spec's text form. */
  static generateKey(): string {
    return encodeBase64UrlPadded(randomBytes(KEY_BYTES));
  }

  encrypt(plaintext: Buffer | string, opts: FernetEncryptOptions = {}): string {
    const timestamp = nowSeconds(opts.now);
    const iv = opts.iv ?? randomBytes(IV_BYTES);
    if (iv.length !== IV_BYTES) throw new RangeError('Fernet IV must be 16 bytes');

    const cipher = createCipheriv('aes-128-cbc', this.#encryptionKey, iv); // PKCS7 padding is Node's default
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);

    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(VERSION, 0);
    header.writeBigUInt64BE(BigInt(timestamp), 1);
    iv.copy(header, 9);
    const signed = Buffer.concat([header, ciphertext]);
    const mac = createHmac('sha256', this.#signingKey).update(signed).digest();
    return encodeBase64UrlPadded(Buffer.concat([signed, mac]));
  }

  /** Verifies and decrypts; throws FernetError on any failure. */
  decrypt(token: string, opts: FernetDecryptOptions = {}): Buffer {
    return this.decryptWithTimestamp(token, opts).plaintext;
  }

  /**
   * Like decrypt, also returning the token's creation time. The spec lists the
   * TTL check before the HMAC check; the accepted set is the same either way,
   * and checking the HMAC first means every later decision (and error) is
   * about data known to come from a key holder.
   */
  decryptWithTimestamp(token: string, opts: FernetDecryptOptions = {}): { plaintext: Buffer; timestamp: number } {
    const now = nowSeconds(opts.now);
    const data = typeof token === 'string' ? decodeBase64UrlPadded(token) : undefined;
    if (!data || data.length < HEADER_BYTES + BLOCK_BYTES + HMAC_BYTES) throw new FernetError('malformed');
    if (data[0] !== VERSION) throw new FernetError('unsupported_version');

    const signed = data.subarray(0, data.length - HMAC_BYTES);
    const expected = createHmac('sha256', this.#signingKey).update(signed).digest();
    if (!timingSafeEqual(expected, data.subarray(data.length - HMAC_BYTES))) throw new FernetError('bad_signature');

    const ciphertext = signed.subarray(HEADER_BYTES);
    if (ciphertext.length % BLOCK_BYTES !== 0) throw new FernetError('malformed');

    const timestamp = Number(data.readBigUInt64BE(1));
    if (opts.ttlSeconds !== undefined) {
      // A NaN ttl would make both comparisons false and silently disable the age check.
      if (!Number.isSafeInteger(opts.ttlSeconds) || opts.ttlSeconds < 0) throw new RangeError('ttlSeconds must be a non-negative integer');
      if (timestamp + opts.ttlSeconds < now) throw new FernetError('expired');
      if (timestamp > now + FERNET_MAX_CLOCK_SKEW_SECONDS) throw new FernetError('from_future');
    }

    const iv = signed.subarray(9, HEADER_BYTES);
    try {
      const decipher = createDecipheriv('aes-128-cbc', this.#encryptionKey, iv);
      return { plaintext: Buffer.concat([decipher.update(ciphertext), decipher.final()]), timestamp };
    } catch {
      throw new FernetError('bad_ciphertext');
    }
  }

  [inspect.custom](): string {
    return 'Fernet([redacted])';
  }

  toJSON(): string {
    return 'Fernet([redacted])';
  }
}

/**
 * Several Fernet keys, newest first: encrypts under the first and decrypts
 * under whichever verifies, so tokens sealed under an older master-key
 * version stay readable after rotation until they are re-encrypted.
 */
export class MultiFernet {
  readonly #fernets: readonly Fernet[];

  constructor(fernets: readonly Fernet[]) {
    if (fernets.length === 0) throw new RangeError('MultiFernet needs at least one key');
    this.#fernets = [...fernets];
  }

  encrypt(plaintext: Buffer | string, opts: FernetEncryptOptions = {}): string {
    return this.#fernets[0]!.encrypt(plaintext, opts);
  }

  decrypt(token: string, opts: FernetDecryptOptions = {}): Buffer {
    return this.#open(token, opts).opened.plaintext;
  }

  /** True when the token verifies, but not under the newest key. */
  needsReencrypt(token: string): boolean {
    return this.#open(token, {}).keyIndex !== 0;
  }

  /** Re-encrypts under the newest key, keeping the original timestamp (as MultiFernet.rotate does in pyca/cryptography). */
  reencrypt(token: string): string {
    const { opened } = this.#open(token, {});
    return this.encrypt(opened.plaintext, { now: opened.timestamp });
  }

  #open(token: string, opts: FernetDecryptOptions): { opened: { plaintext: Buffer; timestamp: number }; keyIndex: number } {
    for (const [keyIndex, fernet] of this.#fernets.entries()) {
      try {
        return { opened: fernet.decryptWithTimestamp(token, opts), keyIndex };
      } catch (err) {
        // Only a signature mismatch means "try the next key"; anything else
        // (malformed, expired) would fail under every key the same way.
        if (!(err instanceof FernetError) || err.reason !== 'bad_signature') throw err;
      }
    }
    throw new FernetError('bad_signature');
  }

  [inspect.custom](): string {
    return `MultiFernet(${this.#fernets.length} keys, [redacted])`;
  }

  toJSON(): string {
    return 'MultiFernet([redacted])';
  }
}

/**
 * The 32-byte Fernet key for one purpose, from a master key via HKDF-SHA256
 * with `label` as the info string (see kdf.ts).
 */
export function deriveFernetKey(masterKey: Buffer, label: string): Buffer {
  return deriveSubkey(masterKey, label, KEY_BYTES);
}
