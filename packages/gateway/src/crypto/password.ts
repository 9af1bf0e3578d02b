import { hash, verify } from '@node-rs/argon2';
import type { Algorithm, Version } from '@node-rs/argon2';
import { randomBase64Url } from './random.js';

/**
 * Argon2id for merchant secrets and dashboard passwords (docs/api.md#credentials), stored as
 * PHC strings: `$argon2id$v=19$m=19456,t=2,p=1$<salt b64>$<hash b64>`.
 *
 * @node-rs/argon2 declares its enums as `const enum`, which isolatedModules
 * cannot read at compile time and which are empty objects at run time, so
 * the numeric values are spelled out here.
 */
const ARGON2ID = 2 as Algorithm;
const VERSION_0X13 = 1 as Version;

/** OWASP Password Storage Cheat Sheet, first Argon2id option: 19 MiB, 2 passes, 1 lane. */
export const ARGON2ID_PARAMS = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

/**
 * Upper bounds on what a stored PHC string may ask for. The PHC string picks
 * its own cost, so a corrupted or planted row with m=4294967295 would make
 * verify try to allocate 4 TiB and kill the process. Anything above these is
 * treated as malformed. Room is left above today's parameters for upgrades.
 */
export const ARGON2ID_VERIFY_LIMITS = Object.freeze({
  maxMemoryKiB: 262_144,
  maxTimeCost: 10,
  maxParallelism: 8,
});

const PHC_PATTERN = /^\$argon2id\$v=19\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,64})\$([A-Za-z0-9+/]{16,88})$/;

interface PhcParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  outputLen: number;
}

/** Parses an Argon2id v19 PHC string within the verify limits; undefined otherwise. */
function parsePhc(phc: string): PhcParams | undefined {
  const match = PHC_PATTERN.exec(phc);
  if (!match) return undefined;
  const [, m, t, p, , hashB64] = match;
  const params = {
    memoryCost: Number(m),
    timeCost: Number(t),
    parallelism: Number(p),
    outputLen: Buffer.from(hashB64!, 'base64').length,
  };
  const limits = ARGON2ID_VERIFY_LIMITS;
  const withinLimits =
    params.parallelism >= 1 &&
    params.parallelism <= limits.maxParallelism &&
    params.timeCost >= 1 &&
    params.timeCost <= limits.maxTimeCost &&
    params.memoryCost >= 8 * params.parallelism &&
    params.memoryCost <= limits.maxMemoryKiB;
  return withinLimits ? params : undefined;
}

/** Hashes a secret with a fresh random 16-byte salt under ARGON2ID_PARAMS. */
export async function hashSecret(cleartext: string): Promise<string> {
  return hash(cleartext, { ...ARGON2ID_PARAMS, algorithm: ARGON2ID, version: VERSION_0X13 });
}

/**
 * True only if `cleartext` matches the PHC string. Never throws: a malformed,
 * non-Argon2id or out-of-limits PHC string is simply "no match", so a bad row
 * cannot turn into a 500 that tells a caller the key id exists.
 */
export async function verifySecret(phc: string, cleartext: string): Promise<boolean> {
  if (typeof phc !== 'string' || typeof cleartext !== 'string') return false;
  if (!parsePhc(phc)) return false;
  try {
    return await verify(phc, cleartext);
  } catch {
    return false;
  }
}

/** True when a stored hash was made with other parameters than today's: rehash it after a successful verify. */
export function needsRehash(phc: string): boolean {
  const params = parsePhc(phc);
  if (!params) return true;
  return (
    params.memoryCost !== ARGON2ID_PARAMS.memoryCost ||
    params.timeCost !== ARGON2ID_PARAMS.timeCost ||
    params.parallelism !== ARGON2ID_PARAMS.parallelism ||
    params.outputLen !== ARGON2ID_PARAMS.outputLen
  );
}

let DUMMY_PHC: Promise<string> | undefined;

/**
 * A PHC string of a random secret nobody knows, made once per process under
 * the same parameters as real hashes. Call it at boot to pay its one hash
 * up front; otherwise the first unknown key id pays for it.
 */
export function getDummyPhc(): Promise<string> {
  DUMMY_PHC ??= hashSecret(randomBase64Url(32)).catch((err: unknown) => {
    DUMMY_PHC = undefined;
    throw err;
  });
  return DUMMY_PHC;
}

/**
 * Spends one real Argon2id verification and answers false. Used when a key
 * id is unknown, so that a request for a missing key costs the same time as
 * one for an existing key with the wrong secret, and response timing does
 * not reveal which key ids exist.
 */
export async function verifyAgainstDummy(cleartext: string): Promise<false> {
  await verifySecret(await getDummyPhc(), typeof cleartext === 'string' ? cleartext : '');
  return false;
}
