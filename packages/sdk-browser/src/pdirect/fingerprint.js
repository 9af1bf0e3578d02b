import { sha256Hex } from './crypto.js';

/**
 * The device fingerprint: SHA-256 (hex) of stable attributes of this
 * browser — user agent, language, platform, screen size and colour depth,
 * time zone, CPU count.
 *
 * It is a binding aid, not an identifier: thousands of devices share each
 * value, and it is only compared with itself. The gateway locks the first
 * value it sees on a checkout session, so a session token copied to another
 * device is refused (merchant setting `enforce`) or flagged (`warn`). It
 * stores nothing else about the device and this SDK reads no cookies,
 * canvas, fonts or other high-entropy signals.
 *
 * Screen width and height are taken as (larger, smaller), so turning a phone
 * sideways mid-checkout does not change the value.
 */
export function deviceFingerprint() {
  const nav = globalThis.navigator ?? {};
  const screen = globalThis.screen ?? {};
  const long = Math.max(screen.width || 0, screen.height || 0);
  const short = Math.min(screen.width || 0, screen.height || 0);
  let timeZone = '';
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    // Very old engines: the offset below still distinguishes most zones.
  }
  const attributes = [
    'pdirect-fp-v1',
    nav.userAgent || '',
    nav.language || '',
    nav.platform || '',
    `${long}x${short}`,
    String(screen.colorDepth || ''),
    timeZone || String(new Date(2000, 0, 1).getTimezoneOffset()),
    String(nav.hardwareConcurrency || ''),
  ];
  return sha256Hex(JSON.stringify(attributes));
}
