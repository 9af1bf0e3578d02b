import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { aes256GcmDecryptRaw, aes256GcmEncryptRaw, GCM_IV_BYTES, GCM_TAG_BYTES } from './aes-gcm.js';
import { decodeBase64UrlUnpadded } from './encoding.js';
import type { Secret } from './secret.js';

/**
 * AES-256-GCM keyring for customer personal data at rest (docs/api.md#data-protection).
 *
 * Stored form, one ASCII string per value:
 *
 *   pdk1:<version>:<iv>:<ciphertext‖tag>
 *
 * - `pdk1` — "Pdirect data key, format 1": AES-256-GCM, 12-byte random IV,
 *   16-byte tag. A new format would get a new prefix.
 * - `<version>` — decimal key version (the master-key version it was derived
 *   from), so decrypt picks the right key and rotation can find stale rows.
 * - `<iv>`, `<ciphertext‖tag>` — unpadded base64url.
 *
 * The GCM additional data is `pdk1:<version>:` followed by the caller's
 * `aad`. Pass a context string such as `customer.email:<customer_id>` so a
 * ciphertext copied into another row or column fails to decrypt.
 */
const PREFIX = 'pdk1';
const TOKEN_PATTERN = /^pdk1:([1-9][0-9]{0,9}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})$/;
const KEY_BYTES = 32;
const MAX_VERSION = 2 ** 31 - 1;

export type KeyringFailure = 'malformed' | 'unknown_version' | 'auth_failed';

const FAILURE_TEXT: Record<KeyringFailure, string> = {
  malformed: 'encrypted value is not in pdk1 format',
  unknown_version: 'encrypted value uses a key version that is not in the keyring',
  auth_failed: 'encrypted value failed authentication (tampered, wrong key, or wrong associated data)',
};

export class KeyringError extends Error {
  readonly code: KeyringFailure;

  constructor(code: KeyringFailure, detail?: string) {
    super(detail ? `${FAILURE_TEXT[code]}: ${detail}` : FAILURE_TEXT[code]);
    this.name = 'KeyringError';
    this.code = code;
  }
}

export interface KeyringKey {
  version: number;
  key: Buffer | Secret<Buffer>;
}

interface ParsedToken {
  version: number;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parseToken(token: string): ParsedToken {
  const match = typeof token === 'string' ? TOKEN_PATTERN.exec(token) : null;
  const version = Number(match?.[1]);
  const iv = match ? decodeBase64UrlUnpadded(match[2]!) : undefined;
  const sealed = match ? decodeBase64UrlUnpadded(match[3]!) : undefined;
  if (!iv || !sealed || iv.length !== GCM_IV_BYTES || sealed.length < GCM_TAG_BYTES || version > MAX_VERSION) {
    throw new KeyringError('malformed');
  }
  return {
    version,
    iv,
    ciphertext: sealed.subarray(0, sealed.length - GCM_TAG_BYTES),
    tag: sealed.subarray(sealed.length - GCM_TAG_BYTES),
  };
}

function additionalData(version: number, aad: string | undefined): Buffer {
  return Buffer.from(`${PREFIX}:${version}:${aad ?? ''}`, 'utf8');
}

export class Keyring {
  readonly #keys = new Map<number, Buffer>();
  readonly #active: number;

  /** `activeVersion` defaults to the highest version given. */
  constructor(keys: readonly KeyringKey[], activeVersion?: number) {
    for (const { version, key } of keys) {
      const bytes = Buffer.isBuffer(key) ? key : key.reveal();
      if (!Number.isSafeInteger(version) || version < 1 || version > MAX_VERSION) {
        throw new RangeError('keyring versions must be integers from 1 to 2147483647');
      }
      if (bytes.length !== KEY_BYTES) throw new RangeError(`keyring key version ${version} must be 32 bytes`);
      if (this.#keys.has(version)) throw new RangeError(`keyring key version ${version} is given twice`);
      this.#keys.set(version, Buffer.from(bytes));
    }
    if (this.#keys.size === 0) throw new RangeError('keyring needs at least one key');
    this.#active = activeVersion ?? Math.max(...this.#keys.keys());
    if (!this.#keys.has(this.#active)) throw new RangeError(`keyring active version ${this.#active} has no key`);
  }

  get activeVersion(): number {
    return this.#active;
  }

  /** Versions held, newest first. */
  get versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => b - a);
  }

  encrypt(plaintext: string, aad?: string): string {
    const iv = randomBytes(GCM_IV_BYTES); // random 96-bit IVs: safe well past any realistic row count per key
    const { ciphertext, tag } = aes256GcmEncryptRaw(this.#keys.get(this.#active)!, iv, Buffer.from(plaintext, 'utf8'), additionalData(this.#active, aad));
    return `${PREFIX}:${this.#active}:${iv.toString('base64url')}:${Buffer.concat([ciphertext, tag]).toString('base64url')}`;
  }

  decrypt(token: string, aad?: string): string {
    const parsed = parseToken(token);
    const key = this.#keys.get(parsed.version);
    if (!key) throw new KeyringError('unknown_version', `version ${parsed.version}`);
    try {
      return aes256GcmDecryptRaw(key, parsed.iv, parsed.ciphertext, parsed.tag, additionalData(parsed.version, aad)).toString('utf8');
    } catch {
      throw new KeyringError('auth_failed');
    }
  }

  /** The key version a stored value was encrypted under (format check only, no decryption). */
  versionOf(token: string): number {
    return parseToken(token).version;
  }

  /** True when the value is not under the active version: a rotation job should re-encrypt it. */
  needsReencrypt(token: string): boolean {
    return this.versionOf(token) !== this.#active;
  }

  /** Decrypts (verifying) and encrypts under the active version; a value already there is returned as is. */
  reencrypt(token: string, aad?: string): string {
    const plaintext = this.decrypt(token, aad);
    return this.needsReencrypt(token) ? this.encrypt(plaintext, aad) : token;
  }

  [inspect.custom](): string {
    return `Keyring(active v${this.#active}, versions ${this.versions.join(',')}, [redacted])`;
  }

  toJSON(): string {
    return `Keyring(active v${this.#active})`;
  }
}
