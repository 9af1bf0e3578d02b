/**
 * The payment state machine: one exhaustive table of allowed transitions.
 * Every change of a payment's status goes through `assertTransition` and is
 * stored with its time and cause (payment_transitions).
 *
 *   processing ──▶ requires_action ──▶ processing   (3-D Secure challenge, then PAY)
 *        │                 └────────▶ failed        (challenge failed or abandoned)
 *        ├──▶ succeeded
 *        ├──▶ failed
 *        └──▶ pending ──▶ succeeded | failed          (outcome unknown → reconciled)
 */
export type PaymentStatus = 'processing' | 'requires_action' | 'pending' | 'succeeded' | 'failed';

export const PAYMENT_TRANSITIONS: { readonly [From in PaymentStatus]: readonly PaymentStatus[] } = {
  processing: ['requires_action', 'succeeded', 'failed', 'pending'],
  requires_action: ['processing', 'failed'],
  pending: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
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
