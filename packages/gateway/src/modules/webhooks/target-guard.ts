import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * SSRF rule for webhook targets in live mode: a notify URL must reach the
 * public internet. Every address its host resolves to must be on an
 * allow-list of global unicast, not merely off a deny-list:
 *
 * - IPv4: ordinary unicast only — never loopback, private (RFC 1918),
 *   carrier-grade NAT, link-local, unspecified (0/8), multicast, broadcast,
 *   documentation, benchmarking, reserved (240/4) or special-purpose.
 * - IPv6: only the global unicast block 2000::/3, minus its special-purpose
 *   parts (2001::/23 protocol assignments incl. Teredo, 2001:db8::/32 and
 *   3fff::/20 documentation, 2002::/16 6to4). Everything outside 2000::/3 is
 *   refused, so every form that embeds an IPv4 address (IPv4-compatible
 *   ::/96 such as ::7f00:1 or ::a00:1, IPv4-mapped ::ffff:0:0/96, NAT64
 *   64:ff9b::/96 and 64:ff9b:1::/48, SIIT) and every local, multicast or
 *   unassigned range is refused without having to be listed.
 *
 * The check happens inside the connection's own DNS
 * lookup, so the socket connects to the very address that was checked: a
 * name that resolves differently a moment later (DNS rebinding) gains nothing.
 */
export class TargetRefusedError extends Error {
  readonly code = 'PDIRECT_TARGET_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const SPECIAL_INSIDE_GLOBAL_V6 = ['2001::/23', '2001:db8::/32', '2002::/16', '3fff::/20'].map((cidr) => ipaddr.parseCIDR(cidr));

export function isPublicAddress(address: string): boolean {
  // Strict forms only: ipaddr.isValid accepts legacy IPv4 spellings (octal, hex, short) that resolvers treat differently.
  if (!isIP(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  if (v6.zoneId) return false;
  if (!v6.match(GLOBAL_UNICAST_V6)) return false;
  if (SPECIAL_INSIDE_GLOBAL_V6.some((range) => v6.match(range))) return false;
  return v6.range() === 'unicast';
}

/** For a URL whose host is an IP literal (no DNS lookup happens then): refuse a non-public one up front. */
export function refuseNonPublicLiteral(url: URL): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) && !isPublicAddress(host)) throw new TargetRefusedError(`notify URL points at a non-public address (${host})`);
}

type LookupAddress = { address: string; family: number };

/** A `lookup` for net/tls.connect (undici's `connect.lookup`) that resolves every address and refuses if any is non-public. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as LookupAddress[];
    const refused = list.find((a) => !isPublicAddress(a.address));
    if (list.length === 0 || refused) {
      return callback(new TargetRefusedError(`notify URL host resolves to a non-public address (${refused?.address ?? 'none'})`), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};
