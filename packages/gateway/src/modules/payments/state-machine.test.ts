import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, isFinal, PAYMENT_TRANSITIONS, type PaymentStatus } from './state-machine.js';

const ALL = Object.keys(PAYMENT_TRANSITIONS) as PaymentStatus[];

describe('payment state machine', () => {
  it('final states go nowhere', () => {
    expect(ALL.filter(isFinal).sort()).toEqual(['canceled', 'failed', 'succeeded']);
    for (const to of ALL) {
      expect(canTransition('succeeded', to)).toBe(false);
      expect(canTransition('failed', to)).toBe(false);
    }
  });

  it('a challenge can only resume into processing or fail', () => {
    expect(ALL.filter((to) => canTransition('requires_action', to)).sort()).toEqual(['failed', 'processing']);
  });

  it('an unknown outcome is never abandoned: pending only settles (or, authorized, goes on to capture or void)', () => {
    expect(ALL.filter((to) => canTransition('pending', to)).sort()).toEqual(['canceling', 'capturing', 'failed', 'requires_capture', 'succeeded']);
  });

  it('an authorization is only ever captured or voided, and money moves only through a capture in flight', () => {
    expect(ALL.filter((to) => canTransition('requires_capture', to)).sort()).toEqual(['canceling', 'capturing']);
    expect(ALL.filter((to) => canTransition(to, 'succeeded')).sort()).toEqual(['capturing', 'pending', 'processing']);
    // A capture in flight is never voided, and a void in flight never captured: each is settled first.
    expect(canTransition('capturing', 'canceling')).toBe(false);
    expect(canTransition('canceling', 'capturing')).toBe(false);
    expect(canTransition('canceling', 'succeeded')).toBe(false);
  });

  it('never reaches succeeded from requires_action without PAY (processing)', () => {
    expect(canTransition('requires_action', 'succeeded')).toBe(false);
  });

  it('throws on an illegal transition', () => {
    expect(() => assertTransition('failed', 'succeeded')).toThrow('payment cannot go from failed to succeeded');
    expect(() => assertTransition('processing', 'succeeded')).not.toThrow();
  });
});
