import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/**
 * Canonical form of an allow-listed host: lower case, no trailing dot,
 * internationalised names in punycode (the form a URL parser yields), so that
 * matching a URL's host is a plain string comparison. Returns undefined for
 * anything that is not a host name or IP literal (schemes, paths, ports, user
 * info, wildcards).
 */
export function canonicalHost(input: string): string | undefined {
  let host = input.trim().toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '' || host.length > 253) return undefined;
  if (isIP(host) === 4) return host;
  if (isIP(host) === 6) return `[${host}]`;
  // domainToASCII silently drops whatever follows a "/" or "?", so refuse
  // every ASCII character a host name cannot hold before converting.
  if (/[\x00-\x2c\x2f\x3a-\x60\x7b-\x7f]/.test(host)) return undefined;
  const ascii = domainToASCII(host);
  if (!ascii) return undefined;
  const labels = ascii.split('.');
  const labelOk = (label: string) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(label);
  return labels.every(labelOk) ? ascii : undefined;
}
