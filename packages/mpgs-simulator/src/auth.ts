import { createHash, timingSafeEqual } from 'node:crypto';
import { invalidCredentials, wrongMerchant } from './errors.js';

/**
 * HTTP Basic auth as MPGS does it: user `merchant.<MID>`, password the API
 * password. A wrong password or unknown merchant is 401 "Invalid
 * credentials."; valid credentials of one merchant used on another
 * merchant's path is 401 "Authenticated entity not authorised …".
 */
export function authenticateMerchant(authorization: string | undefined, pathMerchantId: string, merchants: ReadonlyMap<string, string>): void {
  const credentials = parseBasic(authorization);
  if (!credentials || !credentials.user.startsWith('merchant.')) throw invalidCredentials();
  const merchantId = credentials.user.slice('merchant.'.length);
  const expected = merchants.get(merchantId);
  // Compare even for unknown merchants so timing does not reveal which ids exist.
  const passwordOk = constantTimeEqual(credentials.password, expected ?? '\u0000unknown-merchant');
  if (expected === undefined || !passwordOk) throw invalidCredentials();
  if (merchantId !== pathMerchantId) throw wrongMerchant();
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Hash both sides first so the comparison takes the same time whatever the lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
