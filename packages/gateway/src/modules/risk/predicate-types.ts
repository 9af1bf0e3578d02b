/**
 * The vocabulary of the merchant-rule predicate language (predicate.ts): the
 * attributes a rule may name, the tree a predicate parses to, the limits on
 * an input and the error that names where it is refused.
 */

export type AttributeType = 'number' | 'string' | 'boolean';
export type Value = number | string | boolean;

/** Every attribute a rule may name, with its type and what it means (documented in docs/risk.md). */
export const ATTRIBUTES: Record<string, { type: AttributeType; description: string }> = {
  amount: { type: 'number', description: 'the session amount in major units (12.50)' },
  currency: { type: 'string', description: 'the session currency (usd)' },
  customer_reference: { type: 'string', description: "the merchant's customer reference" },
  email_domain: { type: 'string', description: "the domain of the customer's e-mail address" },
  ip_country: { type: 'string', description: 'ISO country of the client IP (GeoIP)' },
  card_country: { type: 'string', description: 'ISO country of the card issuer, when the network reports it' },
  card_brand: { type: 'string', description: 'card brand as the network reports it (MASTERCARD, VISA)' },
  three_ds: { type: 'string', description: 'authenticated | failed | not_attempted | unknown' },
  risk_score: { type: 'number', description: 'the model score, 0–100' },
  risk_level: { type: 'string', description: 'normal | elevated | highest' },
  hour_of_day: { type: 'number', description: 'UTC hour of the attempt, 0–23' },
  amount_zscore: { type: 'number', description: "z-score of the amount against the merchant's own history" },
  is_disposable_email: { type: 'boolean', description: 'the e-mail domain is a known disposable-mail provider' },
  is_new_device_for_customer: { type: 'boolean', description: 'a known customer on a device never seen for them' },
  is_ip_card_country_mismatch: { type: 'boolean', description: 'client-IP country differs from the card country' },
  attempts_per_device_hourly: { type: 'number', description: 'attempts from this device fingerprint, last hour' },
  declines_per_device_hourly: { type: 'number', description: 'declined or blocked attempts from this device, last hour' },
  attempts_per_ip_hourly: { type: 'number', description: 'attempts from this client IP, last hour' },
  declines_per_ip_hourly: { type: 'number', description: 'declined or blocked attempts from this client IP, last hour' },
  attempts_per_card_hourly: { type: 'number', description: 'attempts with this card, last hour' },
  declines_per_card_daily: { type: 'number', description: 'declined or blocked attempts with this card, last 24 hours' },
  attempts_per_customer_daily: { type: 'number', description: 'attempts by this customer_reference, last 24 hours' },
  attempts_per_email_daily: { type: 'number', description: 'attempts with this e-mail, last 24 hours' },
  cards_per_device_daily: { type: 'number', description: 'distinct cards tried from this device, last 24 hours' },
};

export const PREDICATE_LIMITS = { maxLength: 2048, maxDepth: 12, maxTokens: 400, maxListItems: 100 } as const;

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Operand = { kind: 'literal'; value: Value } | { kind: 'attribute'; name: string };

export type Predicate =
  | { kind: 'or'; left: Predicate; right: Predicate }
  | { kind: 'and'; left: Predicate; right: Predicate }
  | { kind: 'not'; operand: Predicate }
  | { kind: 'compare'; attribute: string; op: CompareOp; operand: Operand }
  | { kind: 'in'; attribute: string; negated: boolean; values: Value[] };

/** A predicate the language refuses, with the 1-based character position of the fault. */
export class PredicateError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'PredicateError';
  }
}

/** The attribute values of one attempt; `undefined` = not known (every comparison with it is false). */
export type Attributes = Partial<Record<string, Value | undefined>>;
