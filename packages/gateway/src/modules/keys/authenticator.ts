import ipaddr from 'ipaddr.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../clock.js';
import { hmacSha256Hex } from '../../crypto/hash.js';
import { verifyAgainstDummy, verifySecret } from '../../crypto/password.js';
import { ApiError } from '../../errors.js';
import { bearerToken, type KeyMode, parseMerchantSecret } from './key-format.js';
import { type Cidr, ipAllowed, parseCidr } from './ip-allowlist.js';
import { keyIsActive, type KeyRepository, type MerchantKey } from './key-repository.js';
import type { AuthFailureLimiter } from './auth-failures.js';

export interface AuthenticatedMerchant {
  keyId: string;
  merchantId: string;
  mode: KeyMode;
  /** The key is older than the rotation cadence: answer with Pdirect-Key-Rotation-Due. */
  rotationDue: boolean;
}

export interface AuthenticatorOptions {
  keys: KeyRepository;
  clock: Clock;
  /** Keys of the other mode (pd_live_ on a sandbox gateway) are refused. */
  mode: KeyMode;
  rotationDays: number;
  /** How long a key row is trusted before it is re-read: bounds how late another process's revocation is seen. */
  rowTtlMs: number;
  /** How long a verified secret is remembered. */
  verifiedTtlMs?: number;
  maxEntries?: number;
  /** Concurrent Argon2id verifications; the rest wait, so wrong-secret floods cannot starve the CPU. */
  maxConcurrentVerifications?: number;
  /** Verifications allowed to wait for a slot; beyond this the request is shed with 503 1901 and Retry-After. */
  maxQueuedVerifications?: number;
  /** Per-address limit on failed authentications, shared across processes; none when absent. */
  failures?: AuthFailureLimiter | undefined;
  /** The Argon2id check (replaceable so tests can count how often it runs). */
  verifier?: { verify(phc: string, token: string): Promise<boolean>; verifyDummy(token: string): Promise<unknown> };
}

/**
 * Authenticates `Authorization: Bearer pd_{mode}_sk_...` without re-hashing
 * per request (docs/api.md#credentials). A key row is looked up by key_id; the
 * secret is checked with Argon2id once and the success remembered under an
 * HMAC of the whole presented token, so a different (wrong) secret can never
 * hit the cache. Revocation and expiry are evaluated on every request against
 * the row, which is re-read at most `rowTtlMs` after another process changed
 * it and at once after `invalidate` in this one. An unknown key id — and a
 * revoked, expired or other-mode key, even with its right secret — is
 * verified against a dummy hash, so it costs the same as a wrong secret: the
 * answer's timing never tells whether a leaked old secret was genuine.
 *
 * Argon2id work is bounded twice: at most `maxConcurrentVerifications` run
 * and `maxQueuedVerifications` wait (the rest are shed at once with 503 1901),
 * and a client address with too many failed authentications in the current
 * minute is refused (429 1007) before any verification, across processes.
 */
export class MerchantAuthenticator {
  readonly #opts: Required<Omit<AuthenticatorOptions, 'failures'>> & Pick<AuthenticatorOptions, 'failures'>;
  readonly #cacheKey = randomBytes(32);
  readonly #rows: LRUCache<string, { key: MerchantKey | null; allowlist: Cidr[]; fetchedAt: number }>;
  readonly #verified: LRUCache<string, { keyId: string; secretHash: string; at: number }>;
  readonly #inflight = new Map<string, Promise<boolean>>();
  #activeVerifications = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(options: AuthenticatorOptions) {
    this.#opts = {
      verifiedTtlMs: 10 * 60_000,
      maxEntries: 10_000,
      maxConcurrentVerifications: 4,
      maxQueuedVerifications: 32,
      verifier: { verify: verifySecret, verifyDummy: verifyAgainstDummy },
      ...options,
    };
    this.#rows = new LRUCache({ max: this.#opts.maxEntries });
    this.#verified = new LRUCache({ max: this.#opts.maxEntries });
  }

  async authenticate(authorization: string | undefined, clientIp: string): Promise<AuthenticatedMerchant> {
    const parsed = parseMerchantSecret(bearerToken(authorization) ?? '');
    if (!parsed) throw new ApiError('1001', 'Authorization must be "Bearer pd_{mode}_sk_..." with a merchant secret');
    const now = this.#opts.clock.now();
    const source = clientBucket(clientIp);
    const blockedFor = (await this.#opts.failures?.blockedForSeconds(source, now)) ?? 0;
    if (blockedFor > 0) {
      throw new ApiError('1007', 'too many failed authentications from this address; retry later', { 'Retry-After': String(blockedFor) });
    }
    const row = await this.#row(parsed.keyId, now);
    const key = row.key;
    // Only a key that could be accepted is checked against its own hash (and the cache); every
    // other case does the same Argon2id work against a dummy, so all refusals cost alike.
    const usable = key !== null && key.mode === this.#opts.mode && keyIsActive(key, now);
    const secretOk = usable ? await this.#verify(key, parsed.token.reveal(), now) : await this.#verifyDummy(parsed.token.reveal());
    if (!usable || !secretOk) {
      await this.#opts.failures?.record(source, now);
      throw new ApiError('1002', 'unknown, revoked or expired merchant secret');
    }
    if (!ipAllowed(clientIp, row.allowlist)) throw new ApiError('1003', "source IP is not on this key's allow-list");
    return {
      keyId: key.keyId,
      merchantId: key.merchantId,
      mode: key.mode,
      rotationDue: now - key.createdAt >= this.#opts.rotationDays * 86_400_000,
    };
  }

  /** Forget a key at once (after revocation or an allow-list change in this process). */
  invalidate(keyId: string): void {
    this.#rows.delete(keyId);
    for (const [cacheKey, entry] of this.#verified.entries()) if (entry.keyId === keyId) this.#verified.delete(cacheKey);
  }

  async #row(keyId: string, now: number) {
    const cached = this.#rows.get(keyId);
    if (cached && now - cached.fetchedAt < this.#opts.rowTtlMs) return cached;
    const key = (await this.#opts.keys.findById(keyId)) ?? null;
    // Unknown ids are not cached: the row cache must not become a key-id oracle or fill with garbage.
    const entry = { key, allowlist: key ? key.ipAllowlist.map(parseCidr) : [], fetchedAt: now };
    if (key) this.#rows.set(keyId, entry);
    return entry;
  }

  async #verify(key: MerchantKey, token: string, now: number): Promise<boolean> {
    const cacheKey = hmacSha256Hex(this.#cacheKey, token);
    const hit = this.#verified.get(cacheKey);
    if (hit && hit.keyId === key.keyId && sameStoredHash(hit.secretHash, key.secretHash) && now - hit.at < this.#opts.verifiedTtlMs) return true;
    // Identical concurrent requests share one Argon2id verification.
    let pending = this.#inflight.get(cacheKey);
    if (!pending) {
      pending = this.#limited(() => this.#opts.verifier.verify(key.secretHash, token)).finally(() => this.#inflight.delete(cacheKey));
      this.#inflight.set(cacheKey, pending);
    }
    const ok = await pending;
    if (ok) this.#verified.set(cacheKey, { keyId: key.keyId, secretHash: key.secretHash, at: now });
    return ok;
  }

  async #verifyDummy(token: string): Promise<false> {
    await this.#limited(() => this.#opts.verifier.verifyDummy(token));
    return false;
  }

  async #limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.#activeVerifications < this.#opts.maxConcurrentVerifications) this.#activeVerifications++;
    else if (this.#waiting.length >= this.#opts.maxQueuedVerifications) {
      throw new ApiError('1901', 'too many authentications in progress; retry shortly', { 'Retry-After': '1' });
    } else await new Promise<void>((resolve) => this.#waiting.push(resolve)); // the slot is handed over, count unchanged
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#activeVerifications--;
    }
  }
}

/**
 * Whether the cached entry was verified against the key's current Argon2id
 * hash. Both sides come from storage (the caller picks neither), and a PHC
 * string's length is fixed by its format, so a length check leaks nothing;
 * the bytes are compared in constant time all the same. (constantTimeEqual
 * would also hide lengths, at the price of two HMACs per request.)
 */
function sameStoredHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The address failures are counted against: an IPv4 address (also when IPv4-mapped), or an IPv6 /64 (one subscriber's prefix). */
export function clientBucket(ip: string): string {
  try {
    const addr = ipaddr.process(ip);
    if (addr.kind() === 'ipv4') return addr.toString();
    return `${(addr as ipaddr.IPv6).parts
      .slice(0, 4)
      .map((p) => p.toString(16))
      .join(':')}::/64`;
  } catch {
    return ip.slice(0, 64);
  }
}
