import { canonicalHost } from '../merchants/redirect-hosts.js';

/**
 * The fail-closed allow-list for notify_url, success_redirect_url and
 * fail_redirect_url (docs/api.md#http-api, error 1201). A URL passes only when:
 *  - it is an absolute https URL (http only for localhost/127.0.0.1/[::1] in sandbox),
 *  - the raw text has no whitespace, control characters or backslashes
 *    (parsers disagree about those; refusing them removes the ambiguity),
 *  - it carries no user info (https://shop.example@evil.test),
 *  - its host, as the WHATWG URL parser canonicalises it (lower case,
 *    punycode, no trailing dot), equals a host on the merchant's list. Any port.
 * An empty list refuses everything.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export type UrlVerdict = { ok: true; url: string } | { ok: false; reason: string };

export function checkAllowedUrl(raw: string, allowedHosts: readonly string[], options: { sandbox: boolean }): UrlVerdict {
  if (allowedHosts.length === 0) return { ok: false, reason: 'the merchant has no allowed redirect hosts (the allow-list is empty)' };
  if (raw.length > 2048) return { ok: false, reason: 'is longer than 2048 characters' };
  if (/[\s\\\x00-\x1f\x7f]/.test(raw)) return { ok: false, reason: 'contains whitespace, a control character or a backslash' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'is not an absolute URL' };
  }
  const mustBeHttps = options.sandbox ? 'must be https (http only for localhost in sandbox)' : 'must be https';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: mustBeHttps };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not contain user info' };
  const host = canonicalHost(url.hostname);
  if (!host) return { ok: false, reason: 'has no valid host' };
  if (url.protocol === 'http:' && !(options.sandbox && LOOPBACK.has(host))) return { ok: false, reason: mustBeHttps };
  if (!allowedHosts.includes(host)) return { ok: false, reason: `host ${host} is not on the merchant's allow-list` };
  return { ok: true, url: url.toString() };
}
