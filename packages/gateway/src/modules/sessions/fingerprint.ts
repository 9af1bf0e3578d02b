import type { FingerprintMode } from '../merchants/merchant-repository.js';

/**
 * Device fingerprint binding (docs/api.md#http-api): the first authenticated SDK request
 * that carries X-Device-Fingerprint locks it on the session; later requests
 * must match. Per merchant: off, warn (mismatch recorded in the audit log,
 * request allowed) or enforce (mismatch or missing → 401 code 1006). Unset
 * means warn for the first 14 days after the merchant was created, then enforce.
 */
export const DEFAULT_WARN_PERIOD_MS = 14 * 86_400_000;
const FINGERPRINT = /^[0-9a-f]{64}$/;

export function effectiveFingerprintMode(configured: FingerprintMode | null, merchantCreatedAt: number, now: number): FingerprintMode {
  if (configured) return configured;
  return now - merchantCreatedAt < DEFAULT_WARN_PERIOD_MS ? 'warn' : 'enforce';
}

export type FingerprintDecision =
  | { action: 'allow'; lock?: string; warning?: undefined }
  | { action: 'warn'; warning: 'fingerprint_missing' | 'fingerprint_mismatch' | 'fingerprint_malformed'; lock?: undefined }
  | { action: 'reject'; reason: 'missing' | 'mismatch' | 'malformed' };

/** Pure decision; the caller locks `lock` atomically (only if still unlocked) and re-checks if it lost the race. */
export function decideFingerprint(mode: FingerprintMode, locked: string | null, presented: string | undefined): FingerprintDecision {
  if (mode === 'off') return { action: 'allow' };
  const value = presented?.trim().toLowerCase();
  const problem =
    value === undefined || value === '' ? 'missing' : !FINGERPRINT.test(value) ? 'malformed' : locked !== null && locked !== value ? 'mismatch' : undefined;
  if (problem) return mode === 'enforce' ? { action: 'reject', reason: problem } : { action: 'warn', warning: `fingerprint_${problem}` };
  return locked === null ? { action: 'allow', lock: value } : { action: 'allow' };
}
