/**
 * Pdirect's cryptography, in one place. Everything here is built on
 * node:crypto and @node-rs/argon2; nothing in it logs, and no error it throws
 * contains key material, secrets or the data it protects.
 */
export { Secret, secret } from './secret.js';
export { constantTimeEqual } from './compare.js';
export { type BinaryLike, hmacSha256, hmacSha256Base64, hmacSha256Hex, sha256Hex } from './hash.js';
export { deriveSubkey, hkdfSha256 } from './kdf.js';
export { BASE32_LOWER_ALPHABET, randomBase32Lower, randomBase64Url, randomDigits } from './random.js';
export { ARGON2ID_PARAMS, ARGON2ID_VERIFY_LIMITS, getDummyPhc, hashSecret, needsRehash, verifyAgainstDummy, verifySecret } from './password.js';
export {
  deriveFernetKey,
  Fernet,
  FERNET_MAX_CLOCK_SKEW_SECONDS,
  type FernetDecryptOptions,
  type FernetEncryptOptions,
  FernetError,
  type FernetRejection,
  MultiFernet,
} from './fernet.js';
export { aes256GcmDecryptRaw, aes256GcmEncryptRaw } from './aes-gcm.js';
export { Keyring, KeyringError, type KeyringFailure, type KeyringKey } from './keyring.js';
export {
  auditChainKeys,
  auditHmacKey,
  fernetFor,
  generateMasterKeyEntry,
  keyringFor,
  loadOrCreateSandboxMasterKey,
  MasterKeyError,
  type MasterKeyMaterial,
  type MasterKeyVersion,
  otpHmacKey,
  parseMasterKey,
  SANDBOX_MASTER_KEY_FILE,
  type SandboxMasterKey,
  SUBKEY_LABELS,
} from './master-key.js';
