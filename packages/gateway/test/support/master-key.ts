import { expect } from 'vitest';
import { MasterKeyError } from '../../src/crypto/master-key-format.js';

// Shared by the master-key unit tests beside the code (src/crypto/master-key*.test.ts).

/** Key bytes as a master-key entry carries them (`v1:<base64>`). */
export const b64 = (bytes: Buffer): string => bytes.toString('base64');

/** Runs `fn`, expecting a MasterKeyError whose message does not contain any of `secrets`. */
export function expectMasterKeyError(fn: () => unknown, secrets: string[], pattern?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MasterKeyError);
  const message = String((caught as Error).message);
  for (const s of secrets) if (s.length > 4) expect(message).not.toContain(s);
  if (pattern) expect(message).toMatch(pattern);
}
