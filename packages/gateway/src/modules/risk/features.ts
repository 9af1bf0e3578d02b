import type { Attributes } from './predicate.js';
import type { RiskContext, ThreeDsOutcome } from './types.js';

/**
 * The signals of one attempt, computed from the attempt itself and a
 * snapshot of what the deployment has seen before (velocity counters, the
 * merchant's own history, the customer's known devices/countries/domains).
 * Pure: the same function runs on the database snapshot in production and on
 * the in-memory history of the synthetic traffic generator.
 */

/** Identity kinds counted by velocity. */
export const VELOCITY_KINDS = ['device', 'ip', 'card', 'customer', 'email'] as const;
export type VelocityKind = (typeof VELOCITY_KINDS)[number];

export interface VelocityCounts {
  attempts1h: number;
  declines1h: number;
  attempts24h: number;
  declines24h: number;
  /** Distinct cards seen with this identity in 24 h (not counting this attempt). */
  cards24h: number;
}
export const NO_VELOCITY: VelocityCounts = { attempts1h: 0, declines1h: 0, attempts24h: 0, declines24h: 0, cards24h: 0 };

export interface MerchantProfile {
  /** Successful payments counted, in this currency. */
  n: number;
  sumLog: number;
  sumSqLog: number;
  /** Successful payments per UTC hour of day. */
  hours: number[];
}

export interface CustomerHistory {
  devices: Set<string>;
  countries: Set<string>;
  emailDomains: Set<string>;
}

export interface RiskHistory {
  velocity: Partial<Record<VelocityKind, VelocityCounts>>;
  profile: MerchantProfile | undefined;
  /** Undefined: a customer_reference never seen succeed at this merchant. */
  customer: CustomerHistory | undefined;
}

/** What the caller resolved about the attempt: identities as keyed hashes, the IP's country, the e-mail's signals. */
export interface ResolvedAttempt {
  keys: Partial<Record<VelocityKind, string>>;
  deviceKey?: string;
  ipCountry?: string;
  ipCountryKey?: string;
  cardCountry?: string;
  emailDomain?: string;
  emailDomainKey?: string;
  emailDisposable: boolean;
  emailInvalid: boolean;
  threeDs?: ThreeDsOutcome | null;
  at: number;
}

/** Model inputs, in weight order. Every one has a reason code. */
export const FEATURES = [
  { name: 'card_attempts_1h', code: 'velocity_card' },
  { name: 'card_declines_24h', code: 'declines_card' },
  { name: 'device_attempts_1h', code: 'velocity_device' },
  { name: 'device_declines_1h', code: 'declines_device' },
  { name: 'device_cards_24h', code: 'many_cards_device' },
  { name: 'ip_attempts_1h', code: 'velocity_ip' },
  { name: 'ip_declines_1h', code: 'declines_ip' },
  { name: 'customer_attempts_24h', code: 'velocity_customer' },
  { name: 'email_attempts_24h', code: 'velocity_email' },
  { name: 'new_device_known_customer', code: 'new_device_for_customer' },
  { name: 'ip_card_country_mismatch', code: 'ip_card_country_mismatch' },
  { name: 'new_country_known_customer', code: 'new_country_for_customer' },
  { name: 'email_disposable', code: 'disposable_email' },
  { name: 'email_invalid', code: 'invalid_email' },
  { name: 'email_domain_changed', code: 'email_domain_changed' },
  { name: 'hour_rarity', code: 'unusual_hour' },
  { name: 'amount_zscore', code: 'unusual_amount' },
  { name: 'three_ds_failed', code: 'three_ds_failed' },
  { name: 'three_ds_authenticated', code: 'three_ds_authenticated' },
] as const;
export type FeatureName = (typeof FEATURES)[number]['name'];

/** Below these, the merchant's history is too thin to call anything unusual. */
export const MIN_HISTORY = { amount: 30, hour: 50 } as const;

export interface FeatureResult {
  vector: number[];
  /** Human detail per feature, for the reasons. */
  details: Partial<Record<FeatureName, string>>;
  /** Values rules can name (without risk_score/risk_level, added after scoring). */
  attributes: Attributes;
}

const log1p = Math.log1p;

/** A reason's count with its noun: "1 attempt", "3 attempts". */
const count = (n: number, noun: string): string => `${n} ${n === 1 ? noun : `${noun}s`}`;

export function amountZscore(profile: MerchantProfile | undefined, amountMinor: number): number | undefined {
  if (!profile || profile.n < MIN_HISTORY.amount) return undefined;
  const mean = profile.sumLog / profile.n;
  const variance = Math.max(0, profile.sumSqLog / profile.n - mean * mean);
  const sd = Math.max(Math.sqrt(variance), 0.1);
  return (Math.log1p(amountMinor) - mean) / sd;
}

/** 0 when this hour is as common as any; towards 1 when the merchant almost never sells at this hour. */
export function hourRarity(profile: MerchantProfile | undefined, hour: number): number {
  if (!profile || profile.n < MIN_HISTORY.hour) return 0;
  const p = ((profile.hours[hour] ?? 0) + 1) / (profile.n + 24);
  return Math.max(0, Math.min(1, 1 - 24 * p));
}

export function computeFeatures(context: RiskContext, resolved: ResolvedAttempt, history: RiskHistory): FeatureResult {
  const v = (kind: VelocityKind) => (resolved.keys[kind] ? (history.velocity[kind] ?? NO_VELOCITY) : undefined);
  const card = v('card');
  const device = v('device');
  const ip = v('ip');
  const customer = v('customer');
  const email = v('email');
  const known =
    history.customer && history.customer.devices.size + history.customer.countries.size + history.customer.emailDomains.size > 0 ? history.customer : undefined;
  const hour = new Date(resolved.at).getUTCHours();
  const z = amountZscore(history.profile, context.session.amountMinor);
  const rarity = hourRarity(history.profile, hour);
  const cardCountry = resolved.cardCountry;
  const mismatch = Boolean(resolved.ipCountry && cardCountry && resolved.ipCountry !== cardCountry);
  const newDevice = Boolean(known && resolved.deviceKey && known.devices.size > 0 && !known.devices.has(resolved.deviceKey));
  const newCountry = Boolean(known && resolved.ipCountryKey && known.countries.size > 0 && !known.countries.has(resolved.ipCountryKey));
  const domainChanged = Boolean(known && resolved.emailDomainKey && known.emailDomains.size > 0 && !known.emailDomains.has(resolved.emailDomainKey));

  const values: Record<FeatureName, number> = {
    card_attempts_1h: log1p(card?.attempts1h ?? 0),
    card_declines_24h: log1p(card?.declines24h ?? 0),
    device_attempts_1h: log1p(device?.attempts1h ?? 0),
    device_declines_1h: log1p(device?.declines1h ?? 0),
    device_cards_24h: log1p(device?.cards24h ?? 0),
    ip_attempts_1h: log1p(ip?.attempts1h ?? 0),
    ip_declines_1h: log1p(ip?.declines1h ?? 0),
    customer_attempts_24h: log1p(customer?.attempts24h ?? 0),
    email_attempts_24h: log1p(email?.attempts24h ?? 0),
    new_device_known_customer: newDevice ? 1 : 0,
    ip_card_country_mismatch: mismatch ? 1 : 0,
    new_country_known_customer: newCountry ? 1 : 0,
    email_disposable: resolved.emailDisposable ? 1 : 0,
    email_invalid: resolved.emailInvalid ? 1 : 0,
    email_domain_changed: domainChanged ? 1 : 0,
    hour_rarity: rarity,
    amount_zscore: z === undefined ? 0 : Math.max(0, Math.min(6, z)),
    three_ds_failed: resolved.threeDs === 'failed' ? 1 : 0,
    three_ds_authenticated: resolved.threeDs === 'authenticated' ? 1 : 0,
  };
  const details: Partial<Record<FeatureName, string>> = {
    card_attempts_1h: `${count(card?.attempts1h ?? 0, 'attempt')} with this card in the last hour`,
    card_declines_24h: `${count(card?.declines24h ?? 0, 'declined attempt')} with this card in 24 hours`,
    device_attempts_1h: `${count(device?.attempts1h ?? 0, 'attempt')} from this device in the last hour`,
    device_declines_1h: `${count(device?.declines1h ?? 0, 'declined attempt')} from this device in the last hour`,
    device_cards_24h: `${count(device?.cards24h ?? 0, 'different card')} from this device in 24 hours`,
    ip_attempts_1h: `${count(ip?.attempts1h ?? 0, 'attempt')} from this IP address in the last hour`,
    ip_declines_1h: `${count(ip?.declines1h ?? 0, 'declined attempt')} from this IP address in the last hour`,
    customer_attempts_24h: `${count(customer?.attempts24h ?? 0, 'attempt')} by this customer_reference in 24 hours`,
    email_attempts_24h: `${count(email?.attempts24h ?? 0, 'attempt')} with this e-mail in 24 hours`,
    new_device_known_customer: 'a known customer on a device never seen for them',
    ip_card_country_mismatch: `client IP in ${resolved.ipCountry ?? '?'}, card issued in ${cardCountry ?? '?'}`,
    new_country_known_customer: `a known customer paying from ${resolved.ipCountry ?? '?'} for the first time`,
    email_disposable: `${resolved.emailDomain ?? ''} is a disposable-mail provider`,
    email_invalid: 'the e-mail address is not valid',
    email_domain_changed: `e-mail domain ${resolved.emailDomain ?? ''} not seen before for this customer`,
    hour_rarity: `${String(hour).padStart(2, '0')}:00 UTC is a rare hour for this merchant`,
    amount_zscore: `amount ${z === undefined ? '?' : z.toFixed(1)} standard deviations above this merchant's usual (log scale)`,
    three_ds_failed: '3-D Secure authentication failed',
    three_ds_authenticated: '3-D Secure authenticated the cardholder',
  };
  const attributes: Attributes = {
    amount: Number(context.session.amount),
    currency: context.session.currency,
    customer_reference: context.session.customerReference,
    email_domain: resolved.emailDomain,
    ip_country: resolved.ipCountry,
    card_country: cardCountry,
    card_brand: context.card?.brand ?? undefined,
    three_ds: resolved.threeDs ?? 'unknown',
    hour_of_day: hour,
    amount_zscore: z,
    is_disposable_email: resolved.emailDomain ? resolved.emailDisposable : undefined,
    is_new_device_for_customer: newDevice,
    is_ip_card_country_mismatch: resolved.ipCountry && cardCountry ? mismatch : undefined,
    attempts_per_device_hourly: device?.attempts1h,
    declines_per_device_hourly: device?.declines1h,
    attempts_per_ip_hourly: ip?.attempts1h,
    declines_per_ip_hourly: ip?.declines1h,
    attempts_per_card_hourly: card?.attempts1h,
    declines_per_card_daily: card?.declines24h,
    attempts_per_customer_daily: customer?.attempts24h,
    attempts_per_email_daily: email?.attempts24h,
    cards_per_device_daily: device?.cards24h,
  };
  return { vector: FEATURES.map((f) => values[f.name]), details, attributes };
}
