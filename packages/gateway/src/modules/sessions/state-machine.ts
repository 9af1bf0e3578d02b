/**
 * The checkout-session state machine: one exhaustive table of allowed
 * transitions. Every change of a session's status goes through
 * `assertSessionTransition` inside the repository's compare-and-set, and is
 * stored with its time and cause (session_transitions).
 *
 *   open ──▶ processing ──▶ paid                 (an attempt claims the session, and pays)
 *    │  ◀────────┘ │ └───▶ processing            (a failed attempt reopens it; an abandoned challenge is replaced)
 *    │             └─────▶ expired               (a failed attempt after the session's time)
 *    ├──▶ expired ──▶ paid                       (time is up; a late settled payment still counts)
 *    ├──▶ cancelled
 *    └──▶ paid                                   (a payment reconciled after its attempt let go)
 *   processing ──▶ locked                        (too many failed attempts: card testing; final)
 *   processing | open | expired ──▶ authorized    (the payment is authorized and waits for its capture)
 *   authorized ──▶ paid                           (captured)
 *   authorized ──▶ cancelled                      (the authorization was voided: by the merchant, or uncaptured in time)
 */
import type { SessionStatus } from '../../storage/schema.js';

export type { SessionStatus } from '../../storage/schema.js';

export const SESSION_TRANSITIONS: { readonly [From in SessionStatus]: readonly SessionStatus[] } = {
  open: ['processing', 'expired', 'cancelled', 'paid', 'authorized'],
  processing: ['processing', 'open', 'expired', 'paid', 'locked', 'authorized'],
  authorized: ['paid', 'cancelled'],
  expired: ['paid', 'authorized'],
  paid: [],
  cancelled: [],
  locked: [],
};

export function canSessionTransition(from: SessionStatus, to: SessionStatus): boolean {
  return SESSION_TRANSITIONS[from].includes(to);
}

export class IllegalSessionTransition extends Error {
  constructor(from: SessionStatus, to: SessionStatus) {
    super(`checkout session cannot go from ${from} to ${to}`);
    this.name = 'IllegalSessionTransition';
  }
}

export function assertSessionTransition(from: SessionStatus, to: SessionStatus): void {
  if (!canSessionTransition(from, to)) throw new IllegalSessionTransition(from, to);
}

/** Whether a session in this status can still be paid (an attempt may claim it). */
export function isPayable(status: SessionStatus): boolean {
  return canSessionTransition(status, 'processing');
}
