import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * SSRF rule for webhook targets in live mode: a notify URL must reach the
 * public internet. Every address its host resolves to must be ordinary
 * unicast — not loopback, private (RFC 1918), carrier-grade NAT, link-local,
 * unique-local, multicast, reserved, or an IPv6 form embedding one (mapped,
 * NAT64, 6to4, Teredo). The check happens inside the connection's own DNS
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

export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
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
