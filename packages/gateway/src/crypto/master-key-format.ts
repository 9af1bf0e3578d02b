import { randomBytes } from 'node:crypto';
import { Secret } from './secret.js';

/**
 * PDIRECT_MASTER_KEY — the one secret every other at-rest key is derived from.
 *
 *   value   = entry *( "," entry )
 *   entry   = "v" version ":" key
 *   version = decimal 1 … 2147483647, no leading zeros
 *   key     = base64 of exactly 32 random bytes; standard (+/) or URL-safe (-_)
 *             alphabet, with or without the trailing "="
 *
 * - The highest version is active: new data is encrypted under it; lower
 *   versions remain only to read data not yet re-encrypted. To rotate,
 *   append `v<N+1>:<new key>`, run the re-encryption, then drop the old entry.
 * - A value that is just a key (no "v1:") is accepted as version 1.
 * - Whitespace around entries is ignored; versions must be unique.
 *
 * Generate one: node -e "console.log('v1:'+require('crypto').randomBytes(32).toString('base64'))"
 *
 * Error messages name the entry by position and never include key text.
 */

const KEY_BYTES = 32;
const MAX_VERSION = 2 ** 31 - 1;

export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

export interface MasterKeyVersion {
  readonly version: number;
  readonly key: Secret<Buffer>;
}

export interface MasterKeyMaterial {
  /** Every version given, newest first; the first is the active one. */
  readonly versions: readonly MasterKeyVersion[];
  readonly activeVersion: number;
}

/** Canonical base64/base64url of exactly 32 bytes, or undefined. */
function decodeKey(text: string): Buffer | undefined {
  const match = /^([A-Za-z0-9+/]{43}|[A-Za-z0-9_-]{43})=?$/.exec(text);
  if (!match) return undefined;
  const body = match[1]!;
  const encoding = /[-_]/.test(body) ? 'base64url' : 'base64';
  const bytes = Buffer.from(body, encoding);
  // Re-encoding catches non-zero spare bits: one key, one spelling.
  const canonical = bytes.toString(encoding).replace(/=+$/, '') === body;
  return bytes.length === KEY_BYTES && canonical ? bytes : undefined;
}

function parseEntry(entry: string, position: number, count: number): { version: number; key: Buffer } {
  const where = `PDIRECT_MASTER_KEY entry ${position} of ${count}`;
  const colon = entry.indexOf(':');
  if (colon === -1) {
    const key = count === 1 ? decodeKey(entry) : undefined;
    if (key) return { version: 1, key };
    throw new MasterKeyError(
      count === 1
        ? 'PDIRECT_MASTER_KEY must be v<N>:<base64 of 32 bytes> (comma-separated for several versions), or base64 of 32 bytes'
        : `${where} must be v<N>:<base64 of 32 bytes>`,
    );
  }
  const versionText = entry.slice(0, colon);
  if (!/^v[1-9][0-9]{0,9}$/.test(versionText) || Number(versionText.slice(1)) > MAX_VERSION) {
    throw new MasterKeyError(`${where} must start with a version v1, v2, … (at most v${MAX_VERSION})`);
  }
  const key = decodeKey(entry.slice(colon + 1));
  if (!key) throw new MasterKeyError(`${where} (${versionText}): the key must be base64 of exactly 32 bytes`);
  return { version: Number(versionText.slice(1)), key };
}

export function parseMasterKey(value: string | Secret<string>): MasterKeyMaterial {
  const text = typeof value === 'string' ? value : value.reveal();
  if (typeof text !== 'string' || text.trim() === '') throw new MasterKeyError('PDIRECT_MASTER_KEY is empty');

  const entries = text.split(',').map((e) => e.trim());
  const parsed = entries.map((entry, i) => {
    if (entry === '') throw new MasterKeyError(`PDIRECT_MASTER_KEY entry ${i + 1} of ${entries.length} is empty`);
    return parseEntry(entry, i + 1, entries.length);
  });

  const seen = new Set<number>();
  for (const { version } of parsed) {
    if (seen.has(version)) throw new MasterKeyError(`PDIRECT_MASTER_KEY gives version v${version} more than once`);
    seen.add(version);
  }

  const versions = parsed.sort((a, b) => b.version - a.version).map(({ version, key }) => Object.freeze({ version, key: new Secret(key) }));
  return Object.freeze({ versions: Object.freeze(versions), activeVersion: versions[0]!.version });
}

/** A fresh `v<version>:<base64 of 32 random bytes>` entry. */
export function generateMasterKeyEntry(version = 1): Secret<string> {
  if (!Number.isSafeInteger(version) || version < 1 || version > MAX_VERSION) throw new RangeError('version out of range');
  return new Secret(`v${version}:${randomBytes(KEY_BYTES).toString('base64')}`);
}
