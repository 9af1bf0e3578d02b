import ipaddr from 'ipaddr.js';

/**
 * Per-key source-address allow-lists (docs/api.md#credentials). IPv4 and IPv6 CIDRs;
 * an IPv4-mapped IPv6 client (::ffff:10.0.0.1, what a dual-stack socket
 * reports) is matched as the IPv4 address it carries.
 */
export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses and canonicalises one CIDR (a bare address means a single host). Throws on bad input. */
export function parseCidr(value: string): Cidr {
  const text = value.trim();
  if (text.includes('/')) {
    const [addr, bits] = ipaddr.parseCIDR(text);
    return [addr, bits];
  }
  const addr = ipaddr.parse(text);
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}

export function normaliseCidr(value: string): string {
  const [addr, bits] = parseCidr(value);
  return `${addr.toString()}/${bits}`;
}

export function isValidCidr(value: string): boolean {
  try {
    parseCidr(value);
    return true;
  } catch {
    return false;
  }
}

function normaliseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const addr = ipaddr.parse(ip);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
      return (addr as ipaddr.IPv6).toIPv4Address();
    }
    return addr;
  } catch {
    return undefined;
  }
}

/** An empty list allows every source; otherwise the address must fall in one range. */
export function ipAllowed(ip: string, allowlist: readonly Cidr[]): boolean {
  if (allowlist.length === 0) return true;
  const addr = normaliseAddress(ip);
  if (!addr) return false;
  return allowlist.some(([range, bits]) => {
    const candidate =
      range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress()
        ? ([(range as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)] as const)
        : ([range, bits] as const);
    return addr.kind() === candidate[0].kind() && addr.match(candidate[0], candidate[1]);
  });
}
