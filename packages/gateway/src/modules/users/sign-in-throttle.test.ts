import { describe, expect, it } from 'vitest';
import { ACCOUNT_POLICY, lockDuration } from './sign-in-throttle.js';

describe('sign-in lockout backoff', () => {
  it('locks at the threshold and doubles with every further failure, up to the cap', () => {
    expect(lockDuration(ACCOUNT_POLICY.threshold - 1, ACCOUNT_POLICY)).toBe(0);
    expect(lockDuration(ACCOUNT_POLICY.threshold, ACCOUNT_POLICY)).toBe(60_000);
    expect(lockDuration(ACCOUNT_POLICY.threshold + 1, ACCOUNT_POLICY)).toBe(120_000);
    expect(lockDuration(ACCOUNT_POLICY.threshold + 3, ACCOUNT_POLICY)).toBe(480_000);
    expect(lockDuration(ACCOUNT_POLICY.threshold + 50, ACCOUNT_POLICY)).toBe(ACCOUNT_POLICY.maxLockMs);
  });
});
