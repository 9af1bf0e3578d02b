/**
 * The payment state machine: one exhaustive table of allowed transitions.
 * Every change of a payment's status goes through `assertTransition` and is
 * stored with its time and cause (payment_transitions).
 *
 *   processing ──▶ requires_action ──▶ processing   (3-D Secure challenge, then PAY or AUTHORIZE)
 *        │                 └────────▶ failed        (challenge failed or abandoned)
 *        ├──▶ succeeded                              (PAY approved)
 *        ├──▶ failed
 *        └──▶ pending ──▶ succeeded | failed          (outcome unknown → reconciled)
 *
 *   Authorize first (manual capture, a review, or the security-code policy):
 *   processing | pending ──▶ requires_capture        (AUTHORIZE approved; the merchant captures or cancels)
 *   processing | pending ──▶ capturing               (AUTHORIZE approved, automatic: CAPTURE in flight)
 *   processing | pending ──▶ canceling               (AUTHORIZE approved, security code declined: VOID in flight)
 *   requires_capture ──▶ capturing ──▶ succeeded     (CAPTURE approved; unknown → stays capturing, reconciled)
 *                                 └──▶ requires_capture   (CAPTURE refused by the network)
 *   requires_capture ──▶ canceling ──▶ canceled      (VOID by the merchant or the sweeper)
 *                                 ├──▶ failed        (VOID after a declined security code)
 *                                 └──▶ requires_capture   (VOID refused by the network)
 */
export type PaymentStatus = 'processing' | 'requires_action' | 'pending' | 'requires_capture' | 'capturing' | 'canceling' | 'succeeded' | 'failed' | 'canceled';

export const PAYMENT_TRANSITIONS: { readonly [From in PaymentStatus]: readonly PaymentStatus[] } = {
  processing: ['requires_action', 'succeeded', 'failed', 'pending', 'requires_capture', 'capturing', 'canceling'],
  requires_action: ['processing', 'failed'],
  pending: ['succeeded', 'failed', 'requires_capture', 'capturing', 'canceling'],
  requires_capture: ['capturing', 'canceling'],
  capturing: ['succeeded', 'requires_capture'],
  canceling: ['canceled', 'failed', 'requires_capture'],
  succeeded: [],
  failed: [],
  canceled: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS[from].includes(to);
}

export class IllegalTransition extends Error {
  constructor(from: PaymentStatus, to: PaymentStatus) {
    super(`payment cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransition';
  }
}

export function assertTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
}

export function isFinal(status: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS[status].length === 0;
}
