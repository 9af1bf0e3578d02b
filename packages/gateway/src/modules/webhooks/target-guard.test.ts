import { describe, expect, it } from 'vitest';
import { isPublicAddress, publicOnlyLookup, refuseNonPublicLiteral, TargetRefusedError } from './target-guard.js';

describe('isPublicAddress (live-mode SSRF rule)', () => {
  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '2a00:1450:4001:81b::200e'])('allows public %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:a00:1::',
    'not-an-ip',
    // IPv4-compatible (::/96) and every other non-global form: refused by the global-unicast allow-list.
    '::7f00:1',
    '::a00:1',
    '::127.0.0.1',
    '::808:808',
    '::ffff:8.8.8.8',
    '::ffff:0:a00:1',
    '64:ff9b:1::a00:1',
    '100::1',
    '2001::1',
    '2001:2::1',
    '2001:10::1',
    '2001:db8::1',
    '3fff::1',
    '4000::1',
    'fec0::1',
    '5f00::1',
    '::1:2:3:4',
    '0.1.2.3',
    '192.0.0.8',
    '192.0.2.1',
    '198.51.100.7',
    '203.0.113.9',
    '240.0.0.1',
    '192.88.99.1',
    '0177.0.0.1',
    '0x7f.1',
    '127.1',
  ])('refuses %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it('refuses IP-literal URLs before connecting', () => {
    expect(() => refuseNonPublicLiteral(new URL('https://127.0.0.1/x'))).toThrow(TargetRefusedError);
    expect(() => refuseNonPublicLiteral(new URL('https://[::1]:8443/x'))).toThrow(TargetRefusedError);
    expect(() => refuseNonPublicLiteral(new URL('https://169.254.169.254/latest/meta-data'))).toThrow(TargetRefusedError);
    expect(() => refuseNonPublicLiteral(new URL('https://8.8.8.8/x'))).not.toThrow();
    expect(() => refuseNonPublicLiteral(new URL('https://shop.example/x'))).not.toThrow();
  });

  it('the connect-time lookup refuses a name that resolves to loopback', async () => {
    const result = await new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      publicOnlyLookup('localhost', { all: true }, (err, address) => resolve({ err, address })),
    );
    expect(result.err).toBeInstanceOf(TargetRefusedError);
  });
});
