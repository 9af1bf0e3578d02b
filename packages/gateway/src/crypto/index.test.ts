import { describe, expect, it } from 'vitest';
import * as crypto from './index.js';

describe('crypto index', () => {
  it('exports the public API', () => {
    for (const name of [
      'Secret',
      'constantTimeEqual',
      'sha256Hex',
      'hmacSha256',
      'hmacSha256Hex',
      'hmacSha256Base64',
      'hashSecret',
      'verifySecret',
      'verifyAgainstDummy',
      'getDummyPhc',
      'Fernet',
      'MultiFernet',
      'deriveFernetKey',
      'Keyring',
      'aes256GcmEncryptRaw',
      'parseMasterKey',
      'loadOrCreateSandboxMasterKey',
      'keyringFor',
      'fernetFor',
      'auditHmacKey',
      'otpHmacKey',
      'randomBase64Url',
      'randomBase32Lower',
      'randomDigits',
    ]) {
      expect(crypto, name).toHaveProperty(name);
    }
  });
});
