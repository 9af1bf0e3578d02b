/**
 * Input checks for the MPGS transformers (transformers.ts): reject what the
 * network would reject, before the network call, and keep anything
 * path-breaking out of URLs.
 */

const DECIMAL_AMOUNT = /^(0|[1-9]\d{0,13})(\.\d{1,3})?$/;
const CURRENCY = /^[A-Za-z]{3}$/;
/** MPGS order and transaction ids: up to 40 characters; we allow the URL-safe subset. */
const MPGS_ID = /^[A-Za-z0-9._-]{1,40}$/;
/** An MPGS hosted-session id. */
export const SESSION_ID = /^SESSION[0-9A-Z]{1,64}$/;

/** Amounts travel as the decimal string the merchant gave — never through a float. */
export function decimalAmount(amount: string, field = 'amount'): string {
  if (typeof amount !== 'string' || !DECIMAL_AMOUNT.test(amount)) {
    throw new TypeError(`${field} must be a decimal string such as "12.50"`);
  }
  return amount;
}

/** ISO 4217 alphabetic code, upper-cased for the wire. */
export function wireCurrency(currency: string): string {
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) {
    throw new TypeError('currency must be a three-letter ISO 4217 code');
  }
  return currency.toUpperCase();
}

export function mpgsId(id: string, field: string): string {
  if (typeof id !== 'string' || !MPGS_ID.test(id)) {
    throw new TypeError(`${field} must be 1-40 characters of [A-Za-z0-9._-]`);
  }
  return id;
}

/** order.reference and transaction.reference: 1-40 characters at the network (longer ones are refused after 3-D Secure has run). */
export function wireReference(reference: string, field: string): string {
  if (typeof reference !== 'string' || reference.length < 1 || reference.length > 40) {
    throw new TypeError(`${field} must be 1-40 characters`);
  }
  return reference;
}

export function hostedSessionId(id: string): string {
  if (typeof id !== 'string' || !SESSION_ID.test(id)) {
    throw new TypeError('hostedSessionId must be an MPGS session id (SESSION…)');
  }
  return id;
}
