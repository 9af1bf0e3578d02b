import { randomIdChars } from './crypto/random.js';

/** Prefixed public ids (Stripe-style): the prefix says what the id names. */
export type IdPrefix = 'mch' | 'req' | 'whs' | 'cs' | 'pay' | 're' | 'evt' | 'usr';

/** How many random base32 characters follow the prefix. */
function idLength(prefix: IdPrefix): number {
  return prefix === 'req' ? 24 : 20;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomIdChars(idLength(prefix))}`;
}

/** The one pattern of an id (anchored, as a JSON-schema `pattern` string): `idPattern('pay')` → `^pay_[a-z2-7]{20}$`. */
export function idPattern(prefix: IdPrefix): string {
  return `^${prefix}_[a-z2-7]{${idLength(prefix)}}$`;
}

/** Whether `value` is an id of this kind. */
export function isId(prefix: IdPrefix, value: string): boolean {
  return new RegExp(idPattern(prefix)).test(value);
}
