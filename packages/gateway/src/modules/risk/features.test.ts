import { describe, expect, it } from 'vitest';
import { amountZscore, computeFeatures, FEATURES, hourRarity, MIN_HISTORY, type MerchantProfile, type ResolvedAttempt, type RiskHistory } from './features.js';
import { emailSignals } from './email.js';
import { ipCountry } from './geo.js';
import { cardIdentity } from './resolve.js';
import type { RiskContext } from './types.js';

const profileOf = (amounts: number[], hour: number): MerchantProfile => {
  const logs = amounts.map((a) => Math.log1p(a));
  const hours = new Array<number>(24).fill(0);
  hours[hour] = amounts.length;
  return { n: amounts.length, sumLog: logs.reduce((a, b) => a + b, 0), sumSqLog: logs.reduce((a, b) => a + b * b, 0), hours };
};
const context: RiskContext = { merchantId: 'm', session: { amount: '12.50', amountMinor: 1250, currency: 'usd', customerReference: 'c', createdAt: 0 } };
const resolved = (o: Partial<ResolvedAttempt> = {}): ResolvedAttempt => ({
  keys: {},
  emailDisposable: false,
  emailInvalid: false,
  at: Date.UTC(2026, 0, 1, 14),
  ...o,
});
const empty: RiskHistory = { velocity: {}, profile: undefined, customer: undefined };
const feature = (vector: number[], name: string) => vector[FEATURES.findIndex((f) => f.name === name)];

describe('merchant history signals', () => {
  it('amount z-score only once the merchant has enough history, on the log scale', () => {
    const thin = profileOf(new Array(MIN_HISTORY.amount - 1).fill(1000), 14);
    expect(amountZscore(thin, 100000)).toBeUndefined();
    const enough = profileOf(
      Array.from({ length: 40 }, (_, i) => 900 + (i % 5) * 50),
      14,
    );
    expect(amountZscore(enough, 1000)!).toBeLessThan(1);
    expect(amountZscore(enough, 100000)!).toBeGreaterThan(5);
  });
  it('hour rarity: 0 for a thin history or a usual hour, near 1 for an hour never seen', () => {
    expect(hourRarity(profileOf(new Array(MIN_HISTORY.hour - 1).fill(1000), 14), 3)).toBe(0);
    const p = profileOf(new Array(200).fill(1000), 14);
    expect(hourRarity(p, 14)).toBe(0);
    expect(hourRarity(p, 3)).toBeGreaterThan(0.85);
  });
});

describe('reason details', () => {
  it('count their nouns in the singular for one and the plural otherwise', () => {
    const history: RiskHistory = {
      ...empty,
      velocity: {
        device: { attempts1h: 1, declines1h: 1, attempts24h: 1, declines24h: 0, cards24h: 1 },
        ip: { attempts1h: 2, declines1h: 0, attempts24h: 2, declines24h: 0, cards24h: 0 },
      },
    };
    const { details } = computeFeatures(context, resolved({ keys: { device: 'd', ip: 'i' } }), history);
    expect(details.device_attempts_1h).toBe('1 attempt from this device in the last hour');
    expect(details.device_declines_1h).toBe('1 declined attempt from this device in the last hour');
    expect(details.device_cards_24h).toBe('1 different card from this device in 24 hours');
    expect(details.ip_attempts_1h).toBe('2 attempts from this IP address in the last hour');
    expect(details.ip_declines_1h).toBe('0 declined attempts from this IP address in the last hour');
  });
});

describe('customer and location signals', () => {
  it('new device/country/domain only for a customer with history, mismatch only when both countries are known', () => {
    const known: RiskHistory = { ...empty, customer: { devices: new Set(['d1']), countries: new Set(['GBk']), emailDomains: new Set(['gm']) } };
    const r = resolved({ deviceKey: 'd2', ipCountry: 'NG', ipCountryKey: 'NGk', emailDomainKey: 'yo', cardCountry: 'GB' });
    const v = computeFeatures(context, r, known).vector;
    expect([
      feature(v, 'new_device_known_customer'),
      feature(v, 'new_country_known_customer'),
      feature(v, 'email_domain_changed'),
      feature(v, 'ip_card_country_mismatch'),
    ]).toEqual([1, 1, 1, 1]);
    const stranger = computeFeatures(context, r, empty).vector;
    expect([
      feature(stranger, 'new_device_known_customer'),
      feature(stranger, 'new_country_known_customer'),
      feature(stranger, 'email_domain_changed'),
    ]).toEqual([0, 0, 0]);
    const noCard = computeFeatures(context, resolved({ ipCountry: 'NG' }), empty);
    expect(feature(noCard.vector, 'ip_card_country_mismatch')).toBe(0);
    expect(noCard.attributes.is_ip_card_country_mismatch).toBeUndefined();
  });
  it('GeoIP from the embedded database; private and bad addresses have no country', () => {
    expect(ipCountry('81.2.69.142')).toBe('GB');
    expect(ipCountry('::ffff:8.8.8.8')).toBe('US');
    expect(ipCountry('10.0.0.1')).toBeUndefined();
    expect(ipCountry('127.0.0.1')).toBeUndefined();
    expect(ipCountry('not-an-ip')).toBeUndefined();
  });
  it('e-mail: disposable domains and their subdomains, bad syntax', () => {
    expect(emailSignals('a@mailinator.com')).toEqual({ domain: 'mailinator.com', disposable: true, invalid: false });
    expect(emailSignals('a@x.mailinator.com').disposable).toBe(true);
    expect(emailSignals('a@gmail.com')).toEqual({ domain: 'gmail.com', disposable: false, invalid: false });
    expect(emailSignals('a@@b').invalid).toBe(true);
    expect(emailSignals(null)).toEqual({ domain: undefined, disposable: false, invalid: false });
  });
  it("the card's identity prefers the network fingerprint", () => {
    expect(cardIdentity({ fingerprint: 'abc', masked: '5123xx', expiry: '01/39' })).toBe('fp:abc');
    expect(cardIdentity({ masked: '512345xxxxxx2346', expiry: '01/39' })).toBe('pan:512345xxxxxx2346|01/39');
    expect(cardIdentity({ masked: '512345xxxxxx2346' })).toBeUndefined();
  });
});
