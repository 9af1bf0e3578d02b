import { describe, expect, it } from 'vitest';
import {
  assertSessionTransition,
  canSessionTransition,
  IllegalSessionTransition,
  isPayable,
  SESSION_TRANSITIONS,
  type SessionStatus,
} from './state-machine.js';

const ALL: SessionStatus[] = ['open', 'processing', 'authorized', 'paid', 'expired', 'cancelled', 'locked'];

describe('session state machine', () => {
  it('paid, cancelled and locked are final', () => {
    for (const to of ALL) {
      expect(canSessionTransition('paid', to)).toBe(false);
      expect(canSessionTransition('cancelled', to)).toBe(false);
      expect(canSessionTransition('locked', to)).toBe(false);
    }
  });

  it('only an attempt that failed can lock a session (card testing), never an open one', () => {
    expect(() => assertSessionTransition('processing', 'locked')).not.toThrow();
    expect(() => assertSessionTransition('open', 'locked')).toThrow(IllegalSessionTransition);
  });

  it('only open and processing sessions can be claimed by a payment attempt', () => {
    expect(ALL.filter(isPayable)).toEqual(['open', 'processing']);
  });

  it('an authorized session is only captured (paid) or voided (cancelled); it takes no new attempt', () => {
    expect(SESSION_TRANSITIONS.authorized).toEqual(['paid', 'cancelled']);
    expect(isPayable('authorized')).toBe(false);
  });

  it('an expired session can only become paid or authorized (a late settled payment), never reopen', () => {
    expect(SESSION_TRANSITIONS.expired).toEqual(['paid', 'authorized']);
    expect(() => assertSessionTransition('expired', 'open')).toThrow(IllegalSessionTransition);
    expect(() => assertSessionTransition('expired', 'processing')).toThrow('checkout session cannot go from expired to processing');
  });

  it('allows every transition the payment and expiry stories make', () => {
    for (const [from, to] of [
      ['open', 'processing'],
      ['processing', 'open'],
      ['processing', 'paid'],
      ['processing', 'processing'],
      ['open', 'expired'],
      ['open', 'cancelled'],
    ] as const) {
      expect(() => assertSessionTransition(from, to)).not.toThrow();
    }
  });
});
