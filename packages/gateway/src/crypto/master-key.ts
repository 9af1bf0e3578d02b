import { Fernet, MultiFernet } from './fernet.js';
import { deriveSubkey } from './kdf.js';
import { Keyring } from './keyring.js';
import type { MasterKeyMaterial, MasterKeyVersion } from './master-key-format.js';

export * from './master-key-format.js';
export * from './master-key-file.js';

/**
 * One HKDF label per purpose (kdf.ts): keys for different purposes are
 * unrelated even though they come from the same master key. Changing a label
 * orphans everything stored under it, so these are frozen.
 */
export const SUBKEY_LABELS = Object.freeze({
  personalData: 'pdirect/v1/personal-data/aes-256-gcm',
  webhookSecrets: 'pdirect/v1/webhook-secret/fernet',
  auditFingerprint: 'pdirect/v1/audit/body-fingerprint-hmac',
  otp: 'pdirect/v1/otp/hmac',
  auditChain: 'pdirect/v1/audit/chain-hmac',
});

function derive(version: MasterKeyVersion, label: string): Buffer {
  return deriveSubkey(version.key.reveal(), label);
}

function active(material: MasterKeyMaterial): MasterKeyVersion {
  const found = material.versions.find((v) => v.version === material.activeVersion);
  if (!found) throw new RangeError(`master key has no active version v${material.activeVersion}`);
  return found;
}

/**
 * Personal-data keyring: one AES-256-GCM key per master-key version, keyed by
 * the same version number, so `pdk1:<n>:…` was written under master key v<n>.
 */
export function keyringFor(material: MasterKeyMaterial): Keyring {
  return new Keyring(
    material.versions.map((v) => ({ version: v.version, key: derive(v, SUBKEY_LABELS.personalData) })),
    material.activeVersion,
  );
}

/**
 * Webhook-secret sealing: Fernet under the active version's derived key,
 * decrypting tokens from older versions by trying keys newest-first (Fernet
 * tokens carry no key id). needsReencrypt/reencrypt move old tokens forward.
 */
export function fernetFor(material: MasterKeyMaterial): MultiFernet {
  const newestFirst = [active(material), ...material.versions.filter((v) => v.version !== material.activeVersion)];
  return new MultiFernet(newestFirst.map((v) => new Fernet(derive(v, SUBKEY_LABELS.webhookSecrets))));
}

/**
 * HMAC key for audit body fingerprints, from the active version. After a
 * rotation, fingerprints from before it no longer match new ones for the
 * same body; they stay valid as records.
 */
export function auditHmacKey(material: MasterKeyMaterial): Buffer {
  return derive(active(material), SUBKEY_LABELS.auditFingerprint);
}

/** HMAC key for stored OTP hashes, from the active version (codes outstanding at a rotation must be re-sent). */
export function otpHmacKey(material: MasterKeyMaterial): Buffer {
  return derive(active(material), SUBKEY_LABELS.otp);
}

/**
 * HMAC keys for the audit hash chain, one per master-key version (newest
 * first). Each record names the version it was chained under, so records
 * chained before a rotation still verify while that version is configured.
 */
export function auditChainKeys(material: MasterKeyMaterial): Array<{ version: number; key: Buffer }> {
  const newestFirst = [active(material), ...material.versions.filter((v) => v.version !== material.activeVersion)];
  return newestFirst.map((v) => ({ version: v.version, key: derive(v, SUBKEY_LABELS.auditChain) }));
}
