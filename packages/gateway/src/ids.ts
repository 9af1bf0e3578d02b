import { randomBase32Lower } from './crypto/random.js';

/** Prefixed public ids (Stripe-style): the prefix says what the id names. */
export type IdPrefix = 'mch' | 'req' | 'whs' | 'cs' | 'pay' | 're' | 'evt' | 'usr';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase32Lower(prefix === 'req' ? 24 : 20)}`;
}
