import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database } from '../../storage/schema.js';
import { hashSecret } from '../../crypto/password.js';
import type { Secret } from '../../crypto/secret.js';
import { ApiError } from '../../errors.js';
import type { MerchantAuthenticator } from './authenticator.js';
import { generateMerchantSecret, isKeyId, type KeyMode } from './key-format.js';
import { isValidCidr, normaliseCidr } from './ip-allowlist.js';
import { keyIsActive, type KeyRepository, type MerchantKey } from './key-repository.js';

export interface IssuedKey {
  keyId: string;
  /** Shown once. Only its Argon2id hash is stored. */
  merchantSecret: Secret<string>;
  ipAllowlist: string[];
}

export interface KeyView {
  key_id: string;
  mode: KeyMode;
  ip_allowlist: string[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  active: boolean;
  rotation_due: boolean;
}

/** Issuing and revoking merchant_secret keys (docs/api.md#credentials): several active at once, revoked now or after an overlap. */
export class KeyService {
  constructor(
    private readonly deps: {
      keys: KeyRepository;
      clock: Clock;
      mode: KeyMode;
      rotationDays: number;
      authenticator?: MerchantAuthenticator;
    },
  ) {}

  /** Mints a key and hashes it (Argon2id takes tens of ms: done before any transaction opens). */
  async prepare(merchantId: string, ipAllowlist: string[] = []): Promise<{ row: MerchantKey; issued: IssuedKey }> {
    const bad = ipAllowlist.find((cidr) => !isValidCidr(cidr));
    if (bad !== undefined) throw new ApiError('1010', `ip: "${bad}" is not an IPv4/IPv6 address or CIDR range`);
    const allowlist = [...new Set(ipAllowlist.map(normaliseCidr))];
    const { keyId, token } = generateMerchantSecret(this.deps.mode);
    const row: MerchantKey = {
      keyId,
      merchantId,
      mode: this.deps.mode,
      secretHash: await hashSecret(token.reveal()),
      ipAllowlist: allowlist,
      createdAt: this.deps.clock.now(),
      expiresAt: null,
      revokedAt: null,
    };
    return { row, issued: { keyId, merchantSecret: token, ipAllowlist: allowlist } };
  }

  /** Stores a prepared key, inside the caller's transaction when given one (a new merchant's first key). */
  async record(prepared: { row: MerchantKey }, db?: Kysely<Database>): Promise<void> {
    await this.deps.keys.insert(prepared.row, db);
  }

  async issue(merchantId: string, ipAllowlist: string[] = []): Promise<IssuedKey> {
    const { row, issued } = await this.prepare(merchantId, ipAllowlist);
    await this.deps.keys.insert(row);
    return issued;
  }

  /** Revoke at once, or (with `expiresInMs`) let the key keep working until then — the rotation overlap. */
  async revoke(keyId: string, expiresInMs?: number): Promise<KeyView> {
    if (!isKeyId(keyId)) throw new ApiError('1010', 'key: a key_id is 16 lower-case base32 characters');
    const now = this.deps.clock.now();
    const key = await this.deps.keys.revoke(keyId, expiresInMs === undefined ? { revokedAt: now } : { expiresAt: now + expiresInMs });
    if (!key) throw new ApiError('1011', `no key ${keyId}`);
    this.deps.authenticator?.invalidate(keyId);
    return this.view(key);
  }

  /** Replaces a key's source-address allow-list (empty = any address); takes effect at once in this process. */
  async setIpAllowlist(merchantId: string, keyId: string, ipAllowlist: string[]): Promise<KeyView> {
    const bad = ipAllowlist.find((cidr) => !isValidCidr(cidr));
    if (bad !== undefined) throw new ApiError('1010', `ip: "${bad}" is not an IPv4/IPv6 address or CIDR range`);
    const key = isKeyId(keyId) ? await this.deps.keys.findById(keyId) : undefined;
    if (!key || key.merchantId !== merchantId) throw new ApiError('1011', `no key ${keyId}`);
    const allowlist = [...new Set(ipAllowlist.map(normaliseCidr))];
    await this.deps.keys.setIpAllowlist(keyId, allowlist);
    this.deps.authenticator?.invalidate(keyId);
    return this.view({ ...key, ipAllowlist: allowlist });
  }

  async list(merchantId: string): Promise<KeyView[]> {
    return (await this.deps.keys.listByMerchant(merchantId)).map((k) => this.view(k));
  }

  view(key: Omit<MerchantKey, 'secretHash'>): KeyView {
    const now = this.deps.clock.now();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      key_id: key.keyId,
      mode: key.mode,
      ip_allowlist: key.ipAllowlist,
      created_at: new Date(key.createdAt).toISOString(),
      expires_at: iso(key.expiresAt),
      revoked_at: iso(key.revokedAt),
      active: keyIsActive(key, now),
      rotation_due: keyIsActive(key, now) && now - key.createdAt >= this.deps.rotationDays * 86_400_000,
    };
  }
}
