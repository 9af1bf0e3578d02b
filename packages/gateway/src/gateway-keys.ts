import type { Keyring } from './crypto/keyring.js';
import { auditChainKeys, auditHmacKey, fernetFor, keyringFor, type MasterKeyMaterial, otpHmacKey } from './crypto/master-key.js';

/**
 * Every key the gateway derives from the master key, each with its own HKDF
 * label so that no two purposes share key material.
 */
export interface GatewayKeys {
  /** HMAC key for audit body fingerprints. */
  auditFingerprintKey: Buffer;
  /** HMAC keys of the tamper-evident audit chain, newest (active) version first. */
  auditChain: Array<{ version: number; key: Buffer }>;
  /** HMAC key for OTP hashes. */
  otpKey: Buffer;
  /** AES-256-GCM keyring for personal data at rest. */
  personalData: Keyring;
  /** Fernet sealing of webhook secrets (docs/api.md#credentials). */
  webhookSecrets: {
    seal(cleartext: string): string;
    open(token: string): string;
    /** True when the token verifies, but not under the active master-key version (master-key rotation). */
    needsReencrypt(token: string): boolean;
    /** The same secret sealed under the active version, keeping the token's timestamp. */
    reencrypt(token: string): string;
  };
}

export function deriveGatewayKeys(material: MasterKeyMaterial): GatewayKeys {
  const fernet = fernetFor(material);
  return {
    auditFingerprintKey: auditHmacKey(material),
    auditChain: auditChainKeys(material),
    otpKey: otpHmacKey(material),
    personalData: keyringFor(material),
    webhookSecrets: {
      seal: (cleartext) => fernet.encrypt(cleartext),
      open: (token) => fernet.decrypt(token).toString('utf8'),
      needsReencrypt: (token) => fernet.needsReencrypt(token),
      reencrypt: (token) => fernet.reencrypt(token),
    },
  };
}
