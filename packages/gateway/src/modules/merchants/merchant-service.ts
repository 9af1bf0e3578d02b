import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Secret } from '../../crypto/secret.js';
import { ApiError, invalidField } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Storage } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { KeyMode } from '../keys/key-format.js';
import type { KeyService, KeyView } from '../keys/key-service.js';
import type { WebhookSecretIssuer } from '../webhooks/webhook-secrets.js';
import { canonicalHost } from './redirect-hosts.js';
import {
  DEFAULT_SECURITY_CODE_DECLINE,
  SECURITY_CODE_RESULTS,
  type FingerprintMode,
  type Merchant,
  type MerchantRepository,
  type SecurityCodeCheck,
} from './merchant-repository.js';

export interface CreatedMerchant {
  merchant: Merchant;
  keyId: string;
  /** Both shown once; only a hash / ciphertext is stored. */
  merchantSecret: Secret<string>;
  webhookSecret: Secret<string>;
}

const FINGERPRINT_MODES: readonly FingerprintMode[] = ['off', 'warn', 'enforce'];

export class MerchantService {
  constructor(
    private readonly deps: {
      storage: Storage;
      merchants: MerchantRepository;
      /** The keys module: a new merchant's first key is stored through it. */
      keys: KeyService;
      /** The webhooks module: a new merchant's first signing secret. */
      webhookSecrets: WebhookSecretIssuer;
      clock: Clock;
      mode: KeyMode;
    },
  ) {}

  /** A merchant with its first key and webhook secret, all in one transaction (each stored by its own module). */
  async create(input: { name: string; redirectHosts?: string[]; fingerprintMode?: string; ipAllowlist?: string[] }): Promise<CreatedMerchant> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 200) throw new ApiError('1010', 'name: 1 to 200 characters');
    const redirectHosts = canonicalHosts(input.redirectHosts ?? []);
    const fingerprintMode = fingerprintModeOrThrow(input.fingerprintMode);
    const now = this.deps.clock.now();
    const merchant: Merchant = {
      id: newId('mch'),
      name,
      mode: this.deps.mode,
      redirectHosts,
      fingerprintMode,
      securityCodeDecline: null,
      createdAt: now,
      updatedAt: now,
    };
    // Argon2id takes tens of ms: the key is hashed before the transaction opens.
    const key = await this.deps.keys.prepare(merchant.id, input.ipAllowlist ?? []);

    const webhookSecret = await this.deps.storage.db.transaction().execute(async (trx) => {
      await this.deps.merchants.insert(merchant, trx);
      const secret = await this.deps.webhookSecrets.issueFirst(merchant.id, now, trx);
      await this.deps.keys.record(key, trx);
      return secret;
    });
    return { merchant, keyId: key.issued.keyId, merchantSecret: key.issued.merchantSecret, webhookSecret };
  }

  async update(
    merchantId: string,
    input: { redirectHosts?: string[]; fingerprintMode?: string | null; securityCodeDecline?: readonly string[] | null },
  ): Promise<Merchant> {
    const changes = {
      ...(input.securityCodeDecline !== undefined
        ? { securityCodeDecline: input.securityCodeDecline === null ? null : securityCodeDeclineOrThrow(input.securityCodeDecline) }
        : {}),
      ...(input.redirectHosts !== undefined ? { redirectHosts: canonicalHosts(input.redirectHosts) } : {}),
      ...(input.fingerprintMode !== undefined
        ? { fingerprintMode: input.fingerprintMode === null ? null : fingerprintModeOrThrow(input.fingerprintMode) }
        : {}),
    };
    const merchant = await this.deps.merchants.update(merchantId, changes, this.deps.clock.now());
    if (!merchant) throw new ApiError('1011', `no merchant ${merchantId}`);
    return merchant;
  }

  async get(merchantId: string): Promise<Merchant> {
    const merchant = await this.deps.merchants.findById(merchantId);
    if (!merchant) throw new ApiError('1011', `no merchant ${merchantId}`);
    return merchant;
  }

  /**
   * Serialises changes to what hangs off a merchant (a webhook-secret
   * rotation): locks its row in the caller's transaction. False when there is
   * no such merchant.
   */
  lockForUpdate(merchantId: string, trx: Kysely<Database>): Promise<boolean> {
    return this.deps.merchants.lockForUpdate(merchantId, this.deps.clock.now(), trx);
  }

  async findByName(name: string): Promise<Merchant | undefined> {
    return this.deps.merchants.findByName(name);
  }

  async describe(merchantId: string): Promise<MerchantView> {
    const found = await this.deps.merchants.findWithKeys(merchantId);
    if (!found) throw new ApiError('1011', `no merchant ${merchantId}`);
    return merchantView(
      found.merchant,
      found.keys.map((k) => this.deps.keys.view(k)),
    );
  }
}

export interface MerchantView {
  object: 'merchant';
  id: string;
  name: string;
  mode: KeyMode;
  redirect_hosts: string[];
  fingerprint_mode: FingerprintMode | null;
  /** Security-code results whose payments are declined (the authorization is voided, never captured). */
  security_code_decline: SecurityCodeCheck[];
  created_at: string;
  keys: KeyView[];
}

export function merchantView(merchant: Merchant, keys: KeyView[]): MerchantView {
  return {
    object: 'merchant',
    id: merchant.id,
    name: merchant.name,
    mode: merchant.mode,
    redirect_hosts: merchant.redirectHosts,
    fingerprint_mode: merchant.fingerprintMode,
    security_code_decline: securityCodeDecline(merchant),
    created_at: new Date(merchant.createdAt).toISOString(),
    keys,
  };
}

function canonicalHosts(hosts: string[]): string[] {
  const out = hosts.map((h) => {
    const host = canonicalHost(h);
    if (!host) throw new ApiError('1010', `redirect-host: "${h}" is not a host name (give a bare host such as shop.example, no scheme, path or port)`);
    return host;
  });
  return [...new Set(out)];
}

/** The security-code results this merchant declines (its choice, or the default). */
export function securityCodeDecline(merchant: Pick<Merchant, 'securityCodeDecline'>): SecurityCodeCheck[] {
  return [...(merchant.securityCodeDecline ?? DEFAULT_SECURITY_CODE_DECLINE)];
}

function securityCodeDeclineOrThrow(values: readonly string[]): SecurityCodeCheck[] {
  for (const value of values) {
    if (!(SECURITY_CODE_RESULTS as readonly string[]).includes(value)) {
      throw invalidField('security_code_decline', `"${value.slice(0, 40)}" is not one of ${SECURITY_CODE_RESULTS.join(', ')}`);
    }
  }
  return [...new Set(values as SecurityCodeCheck[])];
}

function fingerprintModeOrThrow(mode: string | undefined): FingerprintMode | null {
  if (mode === undefined) return null;
  if ((FINGERPRINT_MODES as readonly string[]).includes(mode)) return mode as FingerprintMode;
  throw new ApiError('1010', `fingerprint-mode must be one of ${FINGERPRINT_MODES.join(', ')}`);
}
