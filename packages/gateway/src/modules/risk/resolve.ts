import { createHmac } from 'node:crypto';
import { emailSignals } from './email.js';
import type { ResolvedAttempt, VelocityKind } from './features.js';
import { ipCountry } from './geo.js';
import type { RiskContext } from './types.js';

/** Keyed hash of an identity: the tables hold these, never a card, e-mail, IP or fingerprint in clear. */
export type IdentityHasher = (kind: string, value: string) => string;

/**
 * HMAC-SHA256 under the identity key, truncated to 32 base64url characters.
 * An attempt hashes the same identities twice (assess before the network,
 * recordAttempt after) and a busy device or IP recurs across attempts, so the
 * last `cacheSize` results are kept (oldest evicted first): about 0.1 ms of
 * the assessment is these HMACs.
 */
export function hmacHasher(key: Buffer, cacheSize = 4096): IdentityHasher {
  const recent = new Map<string, string>();
  return (kind, value) => {
    const message = `${kind}\u0000${value}`;
    const known = recent.get(message);
    if (known !== undefined) return known;
    const hashed = createHmac('sha256', key).update(message).digest('base64url').slice(0, 32);
    if (recent.size >= cacheSize) recent.delete(recent.keys().next().value!);
    recent.set(message, hashed);
    return hashed;
  };
}

/** The card's identity: the network's fingerprint when it gives one, else masked number + expiry. */
export function cardIdentity(card: RiskContext['card']): string | undefined {
  if (!card) return undefined;
  if (card.fingerprint) return `fp:${card.fingerprint}`;
  if (card.masked && card.expiry) return `pan:${card.masked}|${card.expiry}`;
  return undefined;
}

export function resolveAttempt(
  context: RiskContext,
  hash: IdentityHasher,
  at: number,
  countryOf: (ip: string | null | undefined) => string | undefined = ipCountry,
): ResolvedAttempt {
  const email = emailSignals(context.session.email);
  const normalisedEmail = context.session.email?.trim().toLowerCase() || undefined;
  const card = cardIdentity(context.card);
  const country = countryOf(context.clientIp);
  const keys: Partial<Record<VelocityKind, string>> = {};
  if (context.deviceFingerprint) keys.device = hash('device', context.deviceFingerprint);
  if (context.clientIp) keys.ip = hash('ip', context.clientIp);
  if (card) keys.card = hash('card', card);
  if (context.session.customerReference) keys.customer = hash('customer', context.session.customerReference);
  if (normalisedEmail) keys.email = hash('email', normalisedEmail);
  const cardCountry = context.card?.issuingCountry?.toUpperCase();
  return {
    keys,
    deviceKey: keys.device,
    ipCountry: country,
    ipCountryKey: country ? hash('country', country) : undefined,
    cardCountry: cardCountry && /^[A-Z]{2}$/.test(cardCountry) ? cardCountry : undefined,
    emailDomain: email.domain,
    emailDomainKey: email.domain ? hash('domain', email.domain) : undefined,
    emailDisposable: email.disposable,
    emailInvalid: email.invalid,
    threeDs: context.threeDs,
    at,
  };
}
