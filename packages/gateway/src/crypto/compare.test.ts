import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from './compare.js';

describe('constantTimeEqual', () => {
  it('is true for equal strings and buffers', () => {
    expect(constantTimeEqual('pd_test_sk_abc', 'pd_test_sk_abc')).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('compares strings as their UTF-8 bytes', () => {
    expect(constantTimeEqual('é', Buffer.from('c3a9', 'hex'))).toBe(true);
  });

  it('is false for different values of the same length', () => {
    expect(constantTimeEqual('secret', 'secreT')).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(32, 0), Buffer.alloc(32, 1))).toBe(false);
  });

  it('is false, without throwing, for different lengths', () => {
    expect(constantTimeEqual('secret', 'secret2')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(16), Buffer.alloc(32))).toBe(false);
  });

  it('is false, without throwing, for non-string input from untyped callers', () => {
    const missing = undefined as unknown as string;
    expect(constantTimeEqual(missing, 'x')).toBe(false);
    expect(constantTimeEqual('x', null as unknown as string)).toBe(false);
    expect(constantTimeEqual(missing, missing)).toBe(false);
  });
});
