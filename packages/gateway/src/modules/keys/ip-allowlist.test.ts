import { describe, expect, it } from 'vitest';
import { ipAllowed, isValidCidr, normaliseCidr, parseCidr } from './ip-allowlist.js';

const list = (...cidrs: string[]) => cidrs.map(parseCidr);

describe('ipAllowed', () => {
  it('allows any source when the list is empty', () => {
    expect(ipAllowed('203.0.113.9', [])).toBe(true);
  });

  it('matches IPv4 ranges and single hosts', () => {
    const allow = list('10.0.0.0/8', '192.0.2.7');
    expect(ipAllowed('10.20.30.40', allow)).toBe(true);
    expect(ipAllowed('192.0.2.7', allow)).toBe(true);
    expect(ipAllowed('192.0.2.8', allow)).toBe(false);
    expect(ipAllowed('11.0.0.1', allow)).toBe(false);
  });

  it('matches IPv6 ranges', () => {
    const allow = list('2001:db8::/32');
    expect(ipAllowed('2001:db8:1::5', allow)).toBe(true);
    expect(ipAllowed('2001:db9::1', allow)).toBe(false);
    expect(ipAllowed('::1', allow)).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 client as its IPv4 address', () => {
    expect(ipAllowed('::ffff:10.1.2.3', list('10.0.0.0/8'))).toBe(true);
    expect(ipAllowed('::ffff:11.1.2.3', list('10.0.0.0/8'))).toBe(false);
    expect(ipAllowed('10.1.2.3', list('::ffff:10.0.0.0/104'))).toBe(true);
  });

  it('never matches across families or on garbage', () => {
    expect(ipAllowed('127.0.0.1', list('::1/128'))).toBe(false);
    expect(ipAllowed('not-an-ip', list('0.0.0.0/0'))).toBe(false);
  });
});

describe('CIDR parsing', () => {
  it('canonicalises', () => {
    expect(normaliseCidr('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(normaliseCidr('2001:DB8::/32')).toBe('2001:db8::/32');
    expect(normaliseCidr('192.0.2.1')).toBe('192.0.2.1/32');
  });
  it.each(['', '10.0.0.0/33', '300.1.1.1', '2001:db8::/129', 'example.com', '10.0.0.0/-1'])('rejects %j', (v) => {
    expect(isValidCidr(v)).toBe(false);
  });
});
