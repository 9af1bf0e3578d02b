import { computeFeatures } from './features.js';
import { MemoryHistory } from './history-memory.js';
import type { Example } from './model.js';
import { resolveAttempt } from './resolve.js';
import type { RiskContext, ThreeDsOutcome } from './types.js';

/**
 * A labelled synthetic traffic generator. It plays a small world — three
 * merchants with their own price levels and opening hours, a few hundred
 * returning customers each with their devices, cards, home country and
 * e-mail — for `days` days, and mixes in three attack patterns:
 *
 *  - card testing: one device/IP trying dozens of different cards at small
 *    amounts within minutes, most declined;
 *  - stolen card, high value: a new "customer" on a new device, card issued
 *    in another country than the IP, an amount well above the merchant's
 *    usual, often a disposable e-mail or failed 3-D Secure;
 *  - account takeover: a real customer_reference used from a new device and
 *    usually a new country, sometimes a changed e-mail domain.
 *
 * Legitimate traffic has its own noise (travellers, new phones, declines and
 * retries, disposable addresses, 3-D Secure failures) so that no single
 * signal separates the classes. Every attempt goes through the same feature
 * code as production, against an in-memory twin of the database history.
 * Deterministic for a given seed. Figures measured on it are synthetic.
 */
export interface SyntheticAttempt {
  context: RiskContext;
  at: number;
  fraud: boolean;
  pattern: 'legitimate' | 'card_testing' | 'stolen_card' | 'account_takeover';
  declined: boolean;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const COUNTRIES = ['US', 'GB', 'ID', 'DE', 'FR', 'SG', 'AU'];
const HOME_WEIGHTS = [0.35, 0.2, 0.2, 0.1, 0.1, 0.03, 0.02];
const FRAUD_COUNTRIES = ['NG', 'RU', 'VN', 'BR', 'RO', 'CN', 'US', 'GB'];
const GOOD_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'proton.me', 'example-corp.co.uk'];
const DISPOSABLE_DOMAINS = ['mailinator.com', 'yopmail.com', 'guerrillamail.com'];
const BRANDS = ['MASTERCARD', 'VISA'];

interface Customer {
  ref: string;
  email: string;
  home: string;
  devices: string[];
  cards: Array<{ masked: string; expiry: string; country: string; brand: string }>;
  ips: string[];
}

export function generateTraffic(options: { seed: number; days?: number; customersPerMerchant?: number; start?: number }): SyntheticAttempt[] {
  const rand = mulberry32(options.seed);
  const days = options.days ?? 10;
  const start = options.start ?? Date.UTC(2026, 0, 5);
  const perMerchant = options.customersPerMerchant ?? 350;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const weighted = <T>(xs: readonly T[], ws: readonly number[]): T => {
    let r = rand() * ws.reduce((a, b) => a + b, 0);
    for (let i = 0; i < xs.length; i++) if ((r -= ws[i]!) <= 0) return xs[i]!;
    return xs[xs.length - 1]!;
  };
  const normal = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const newCard = (country: string) => ({
    masked: `5${hex(5).replace(/[a-f]/g, '1')}xxxxxx${String(Math.floor(rand() * 10000)).padStart(4, '0')}`,
    expiry: `${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}/3${Math.floor(rand() * 9)}`,
    country,
    brand: pick(BRANDS),
  });
  const ipIn = (country: string) => `${country.toLowerCase()}-${Math.floor(rand() * 1e6)}`;
  const out: SyntheticAttempt[] = [];
  const merchants = [
    { id: 'mch_synthetic_a', currency: 'usd', logMean: Math.log(2500), logSd: 0.5, offset: -5 },
    { id: 'mch_synthetic_b', currency: 'eur', logMean: Math.log(8000), logSd: 0.6, offset: 1 },
    { id: 'mch_synthetic_c', currency: 'idr', logMean: Math.log(30000), logSd: 0.45, offset: 7 },
  ];
  // Busy from 08:00 to 23:00 local, quiet at night.
  const localHourWeights = Array.from({ length: 24 }, (_, h) => (h >= 8 && h <= 22 ? (h >= 18 ? 3 : 2) : h === 23 || h === 7 ? 0.6 : 0.1));
  const legitTime = (m: (typeof merchants)[number]) => {
    const day = Math.floor(rand() * days);
    const local = weighted(
      Array.from({ length: 24 }, (_, h) => h),
      localHourWeights,
    );
    const utc = (local - m.offset + 24) % 24;
    return start + day * DAY + utc * HOUR + Math.floor(rand() * HOUR);
  };
  const amountMinor = (m: (typeof merchants)[number], sdShift = 0) => Math.max(100, Math.round(Math.exp(m.logMean + (normal() + sdShift) * m.logSd)));
  const toAmount = (minor: number) => (minor / 100).toFixed(2);
  const threeDsLegit = (): ThreeDsOutcome | null => weighted<ThreeDsOutcome | null>(['authenticated', null, 'failed'], [0.5, 0.46, 0.04]);
  const ctx = (
    m: (typeof merchants)[number],
    minor: number,
    ref: string,
    email: string,
    ip: string,
    device: string,
    card: Customer['cards'][number],
    threeDs: ThreeDsOutcome | null,
    at: number,
  ): RiskContext => ({
    merchantId: m.id,
    session: { amount: toAmount(minor), amountMinor: minor, currency: m.currency, customerReference: ref, email, createdAt: at },
    clientIp: ip,
    deviceFingerprint: device,
    card: { brand: card.brand, masked: card.masked, expiry: card.expiry, issuingCountry: card.country },
    threeDs,
  });

  for (const m of merchants) {
    const customers: Customer[] = Array.from({ length: perMerchant }, (_, i) => {
      const home = weighted(COUNTRIES, HOME_WEIGHTS);
      return {
        ref: `cus_${m.id.slice(-1)}_${i}`,
        email: `shopper${i}@${rand() < 0.02 ? pick(DISPOSABLE_DOMAINS) : pick(GOOD_DOMAINS)}`,
        home,
        devices: Array.from({ length: rand() < 0.3 ? 2 : 1 }, () => hex(64)),
        cards: Array.from({ length: rand() < 0.25 ? 2 : 1 }, () => newCard(rand() < 0.95 ? home : pick(COUNTRIES))),
        ips: [ipIn(home), ipIn(home)],
      };
    });

    // Legitimate shoppers: about 0.35 purchases per customer per day.
    const purchases = Math.round(perMerchant * days * 0.35);
    for (let p = 0; p < purchases; p++) {
      const c = pick(customers);
      let at = legitTime(m);
      const minor = amountMinor(m);
      const travelling = rand() < 0.04;
      const ip = travelling ? ipIn(pick(COUNTRIES)) : pick(c.ips);
      if (rand() < 0.04) c.devices.push(hex(64)); // a new phone
      const device = c.devices[c.devices.length - 1 - Math.floor(rand() * Math.min(2, c.devices.length))]!;
      if (rand() < 0.015) c.email = `${c.email.split('@')[0]}@${pick(GOOD_DOMAINS)}`;
      const email = rand() < 0.005 ? c.email.replace('@', '@@') : c.email; // a typo now and then
      let card = pick(c.cards);
      for (let attempt = 0; attempt < 3; attempt++) {
        const declined = rand() < (attempt === 0 ? 0.06 : 0.25);
        out.push({ context: ctx(m, minor, c.ref, email, ip, device, card, threeDsLegit(), at), at, fraud: false, pattern: 'legitimate', declined });
        if (!declined || rand() < 0.4) break;
        at += 30_000 + Math.floor(rand() * 120_000);
        if (rand() < 0.5) card = rand() < 0.5 ? pick(c.cards) : newCard(c.home);
      }
    }

    // Card testing: bursts of many cards from one device and IP.
    for (let b = 0; b < 6; b++) {
      let at = start + Math.floor(rand() * days * DAY);
      const device = hex(64);
      const ip = ipIn(pick(FRAUD_COUNTRIES));
      const ref = rand() < 0.5 ? `guest_${hex(6)}` : `cus_t_${hex(4)}`;
      const email = rand() < 0.15 ? `${hex(8)}@${hex(3)}` : `${hex(8)}@${rand() < 0.6 ? pick(DISPOSABLE_DOMAINS) : pick(GOOD_DOMAINS)}`;
      const size = 15 + Math.floor(rand() * 35);
      for (let k = 0; k < size; k++) {
        const minor = 100 + Math.floor(rand() * 400);
        const card = newCard(pick([...FRAUD_COUNTRIES, ...COUNTRIES]));
        out.push({
          context: ctx(m, minor, ref, email, ip, device, card, rand() < 0.2 ? 'failed' : null, at),
          at,
          fraud: true,
          pattern: 'card_testing',
          declined: rand() < 0.85,
        });
        at += 5_000 + Math.floor(rand() * 25_000);
      }
    }

    // Stolen card, high value, from a "new customer".
    for (let s = 0; s < 70; s++) {
      let at = start + Math.floor(rand() * days * DAY);
      const cardCountry = weighted(COUNTRIES, HOME_WEIGHTS);
      const ip = ipIn(rand() < 0.65 ? pick(FRAUD_COUNTRIES.filter((x) => x !== cardCountry)) : cardCountry);
      const card = newCard(cardCountry);
      const email = `${hex(7)}@${rand() < 0.25 ? pick(DISPOSABLE_DOMAINS) : pick(GOOD_DOMAINS)}`;
      const ref = `guest_${hex(6)}`;
      const device = hex(64);
      const minor = amountMinor(m, 1.5 + rand() * 2);
      const threeDs = weighted<ThreeDsOutcome | null>(['failed', 'authenticated', null], [0.35, 0.1, 0.55]);
      const tries = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < tries; k++) {
        const declined = rand() < 0.3;
        out.push({ context: ctx(m, minor, ref, email, ip, device, card, threeDs, at), at, fraud: true, pattern: 'stolen_card', declined });
        if (!declined) break;
        at += 20_000 + Math.floor(rand() * 60_000);
      }
    }

    // Account takeover: a real customer's reference from a new device, usually abroad.
    for (let t = 0; t < 45; t++) {
      const victim = pick(customers);
      const at0 = start + Math.floor((0.3 + rand() * 0.7) * days * DAY);
      const device = hex(64);
      const ip = ipIn(rand() < 0.7 ? pick(FRAUD_COUNTRIES.filter((x) => x !== victim.home)) : victim.home);
      const email = rand() < 0.4 ? `${hex(7)}@${pick([...DISPOSABLE_DOMAINS, 'gmail.com', 'outlook.com'])}` : victim.email;
      const card = rand() < 0.5 ? pick(victim.cards) : newCard(pick(FRAUD_COUNTRIES));
      const minor = amountMinor(m, 1 + rand() * 1.5);
      const threeDs = weighted<ThreeDsOutcome | null>(['failed', 'authenticated', null], [0.25, 0.15, 0.6]);
      const tries = 1 + Math.floor(rand() * 2);
      for (let k = 0; k < tries; k++) {
        const at = at0 + k * 90_000;
        out.push({
          context: ctx(m, minor, victim.ref, email, ip, device, card, threeDs, at),
          at,
          fraud: true,
          pattern: 'account_takeover',
          declined: rand() < 0.2,
        });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

const plainHasher = (kind: string, value: string) => `${kind}:${value}`;
const syntheticCountry = (ip: string | null | undefined) => (ip ? ip.slice(0, 2).toUpperCase() : undefined);

/** Replays generated traffic through the feature code in time order: one labelled example per attempt. */
export function featurise(traffic: SyntheticAttempt[]): Array<Example & { pattern: SyntheticAttempt['pattern'] }> {
  const history = new MemoryHistory();
  return traffic.map((t) => {
    const resolved = resolveAttempt(t.context, plainHasher, t.at, syntheticCountry);
    const snapshot = history.snapshot(t.context.merchantId, t.context.session.currency, resolved.keys, resolved.keys.customer, t.at);
    const { vector } = computeFeatures(t.context, resolved, snapshot);
    history.record(
      t.context.merchantId,
      t.context.session.currency,
      resolved.keys,
      { declined: t.declined, succeeded: !t.declined, at: t.at, amountMinor: t.context.session.amountMinor },
      {
        key: resolved.keys.customer,
        device: resolved.deviceKey,
        country: resolved.ipCountryKey,
        emailDomain: resolved.emailDomainKey,
      },
    );
    return { x: vector, y: t.fraud ? 1 : 0, pattern: t.pattern };
  });
}

/** The standard split: train on one world, measure on a fresh one. */
export const TRAINING_SEED = 20260105;
export const HELD_OUT_SEED = 777001;
