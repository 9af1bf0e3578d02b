import { NO_VELOCITY, type CustomerHistory, type MerchantProfile, type RiskHistory, type VelocityCounts, type VelocityKind } from './features.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The same history the database keeps (velocity events over sliding
 * windows, the merchant's profile per currency, each customer's known
 * devices/countries/e-mail domains), in memory, for the synthetic traffic
 * generator. The repository is the production twin; both obey the same
 * rules, written once in `features.ts`.
 */
export class MemoryHistory {
  #events = new Map<string, Array<{ at: number; declined: boolean; card: string | undefined }>>();
  #profiles = new Map<string, MerchantProfile>();
  #customers = new Map<string, CustomerHistory>();

  snapshot(merchantId: string, currency: string, keys: Partial<Record<VelocityKind, string>>, customerKey: string | undefined, now: number): RiskHistory {
    const velocity: Partial<Record<VelocityKind, VelocityCounts>> = {};
    for (const [kind, key] of Object.entries(keys) as Array<[VelocityKind, string]>) {
      const events = this.#events.get(`${merchantId}|${kind}|${key}`);
      if (!events) continue;
      const counts = { ...NO_VELOCITY };
      const cards = new Set<string>();
      for (const e of events) {
        if (e.at <= now - DAY || e.at > now) continue;
        counts.attempts24h++;
        if (e.declined) counts.declines24h++;
        if (e.card) cards.add(e.card);
        if (e.at > now - HOUR) {
          counts.attempts1h++;
          if (e.declined) counts.declines1h++;
        }
      }
      counts.cards24h = cards.size;
      velocity[kind] = counts;
    }
    return {
      velocity,
      profile: this.#profiles.get(`${merchantId}|${currency}`),
      customer: customerKey ? this.#customers.get(`${merchantId}|${customerKey}`) : undefined,
    };
  }

  record(
    merchantId: string,
    currency: string,
    keys: Partial<Record<VelocityKind, string>>,
    outcome: { declined: boolean; succeeded: boolean; at: number; amountMinor: number },
    customer: { key?: string; device?: string; country?: string; emailDomain?: string },
  ): void {
    for (const [kind, key] of Object.entries(keys) as Array<[VelocityKind, string]>) {
      const id = `${merchantId}|${kind}|${key}`;
      const list = this.#events.get(id) ?? [];
      list.push({ at: outcome.at, declined: outcome.declined, card: keys.card });
      // Bounded like the database's sweep: older than the longest window says nothing.
      while (list.length > 0 && list[0]!.at <= outcome.at - DAY) list.shift();
      this.#events.set(id, list);
    }
    if (!outcome.succeeded) return;
    const pk = `${merchantId}|${currency}`;
    const profile = this.#profiles.get(pk) ?? { n: 0, sumLog: 0, sumSqLog: 0, hours: new Array<number>(24).fill(0) };
    const l = Math.log1p(outcome.amountMinor);
    profile.n++;
    profile.sumLog += l;
    profile.sumSqLog += l * l;
    profile.hours[new Date(outcome.at).getUTCHours()]!++;
    this.#profiles.set(pk, profile);
    if (customer.key) {
      const ck = `${merchantId}|${customer.key}`;
      const h = this.#customers.get(ck) ?? { devices: new Set(), countries: new Set(), emailDomains: new Set() };
      if (customer.device) h.devices.add(customer.device);
      if (customer.country) h.countries.add(customer.country);
      if (customer.emailDomain) h.emailDomains.add(customer.emailDomain);
      this.#customers.set(ck, h);
    }
  }
}
