/** Customer OTP delivery: which provider sends each channel, and its settings (PDIRECT_OTP_*, PDIRECT_SMTP_*, PDIRECT_SMS_*). */
import { Secret } from '../crypto/secret.js';
import { isHttpUrl } from '../urls.js';
import { integer, oneOf, type Read } from './readers.js';

/** Customer OTP (docs/api.md#http-api): which provider delivers each channel, and the limits that are not fixed by the API reference. See modules/otp. */
export interface OtpSettings {
  /** `outbox` (sandbox only: codes readable through GET /v1/_sandbox/otp-outbox), `smtp`, or `off` (no OTP by e-mail). */
  email: 'outbox' | 'smtp' | 'off';
  /** `outbox` (sandbox only), `https` (a generic templated POST to an SMS provider), or `off` (no OTP by SMS). */
  sms: 'outbox' | 'https' | 'off';
  smtp: SmtpSettings | undefined;
  httpsSms: HttpsSmsSettings | undefined;
  /** Codes sent to one phone number or e-mail address per hour, across all sessions. */
  destinationLimitPerHour: number;
  /** Wrong codes after which the session's current code is dead until a fresh send. */
  maxWrongCodes: number;
}

export interface SmtpSettings {
  /** smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465; holds the password. */
  url: Secret<string>;
  from: string;
  /** Refuse to send over a connection that did not upgrade to TLS (live mode, except to a loopback relay). */
  requireTls: boolean;
  timeoutMs: number;
}

export interface HttpsSmsSettings {
  url: string;
  /** `Name: value`, or just the value of `Authorization`. */
  authHeader: Secret<string> | undefined;
  /** JSON with `{{to}}` and `{{message}}` inside string values. */
  bodyTemplate: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after a 5xx, a timeout or a network error. */
  retries: number;
}

/** OTP delivery: outbox by default in sandbox; live mode needs real providers and refuses the outbox. Messages never echo a secret. */
export function otpSettings(read: Read, live: boolean, problems: string[]): OtpSettings {
  // Live mode has no safe default provider: OTP stays off until one is configured (sessions asking for it are refused at mint).
  const email = oneOf(read('PDIRECT_OTP_EMAIL') ?? (live ? 'off' : 'outbox'), ['outbox', 'smtp', 'off'] as const, 'PDIRECT_OTP_EMAIL', problems) ?? 'outbox';
  const sms = oneOf(read('PDIRECT_OTP_SMS') ?? (live ? 'off' : 'outbox'), ['outbox', 'https', 'off'] as const, 'PDIRECT_OTP_SMS', problems) ?? 'outbox';
  if (live && email === 'outbox') {
    problems.push(
      'PDIRECT_OTP_EMAIL=outbox is the sandbox outbox (codes readable through a test endpoint) and is refused in live mode: set PDIRECT_OTP_EMAIL=smtp with PDIRECT_SMTP_URL and PDIRECT_OTP_EMAIL_FROM',
    );
  }
  if (live && sms === 'outbox') {
    problems.push(
      'PDIRECT_OTP_SMS=outbox is the sandbox outbox (codes readable through a test endpoint) and is refused in live mode: set PDIRECT_OTP_SMS=https with PDIRECT_SMS_URL',
    );
  }

  let smtp: SmtpSettings | undefined;
  if (email === 'smtp') {
    const url = read('PDIRECT_SMTP_URL');
    const from = read('PDIRECT_OTP_EMAIL_FROM');
    let parsed: URL | undefined;
    try {
      parsed = url ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['smtp:', 'smtps:'].includes(parsed.protocol) || !parsed.hostname) {
      problems.push(
        'PDIRECT_SMTP_URL is required for PDIRECT_OTP_EMAIL=smtp: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (user and password URL-encoded)',
      );
    }
    if (!from || !/^([^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/.test(from)) {
      problems.push('PDIRECT_OTP_EMAIL_FROM is required for PDIRECT_OTP_EMAIL=smtp: the sender address, e.g. "Shop payments <otp@shop.example>"');
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed?.hostname ?? '');
    smtp = {
      url: new Secret(url ?? ''),
      from: from ?? '',
      requireTls: live && parsed?.protocol === 'smtp:' && !loopback,
      timeoutMs: integer(read('PDIRECT_SMTP_TIMEOUT_MS'), 10_000, 'PDIRECT_SMTP_TIMEOUT_MS', 100, 60_000, problems),
    };
  }

  let httpsSms: HttpsSmsSettings | undefined;
  if (sms === 'https') {
    const url = read('PDIRECT_SMS_URL');
    if (!url || !isHttpUrl(url) || (live && !url.startsWith('https://'))) {
      problems.push(
        `PDIRECT_SMS_URL is required for PDIRECT_OTP_SMS=https: the SMS provider's ${live ? 'https://' : 'http(s)://'} endpoint that accepts the templated POST`,
      );
    }
    const authHeader = read('PDIRECT_SMS_AUTH_HEADER');
    if (authHeader && /[\r\n]/.test(authHeader))
      problems.push('PDIRECT_SMS_AUTH_HEADER must be one line: "Name: value", or the value of Authorization (e.g. "Bearer ...")');
    const bodyTemplate = read('PDIRECT_SMS_BODY_TEMPLATE') ?? '{"to":"{{to}}","message":"{{message}}"}';
    if (!isSmsTemplate(bodyTemplate)) {
      problems.push('PDIRECT_SMS_BODY_TEMPLATE must be JSON with {{to}} and {{message}} inside string values, e.g. {"to":"{{to}}","text":"{{message}}"}');
    }
    httpsSms = {
      url: url ?? '',
      authHeader: authHeader ? new Secret(authHeader) : undefined,
      bodyTemplate,
      timeoutMs: integer(read('PDIRECT_SMS_TIMEOUT_MS'), 5_000, 'PDIRECT_SMS_TIMEOUT_MS', 100, 60_000, problems),
      retries: integer(read('PDIRECT_SMS_RETRIES'), 2, 'PDIRECT_SMS_RETRIES', 0, 5, problems),
    };
  }

  return {
    email,
    sms,
    smtp,
    httpsSms,
    destinationLimitPerHour: integer(read('PDIRECT_OTP_DESTINATION_LIMIT'), 10, 'PDIRECT_OTP_DESTINATION_LIMIT', 1, 1000, problems),
    maxWrongCodes: integer(read('PDIRECT_OTP_MAX_WRONG_CODES'), 3, 'PDIRECT_OTP_MAX_WRONG_CODES', 1, 5, problems),
  };
}

/** JSON whose string values (not keys) carry both placeholders, so rendering can never break the JSON. */
function isSmsTemplate(template: string): boolean {
  const values: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') values.push(node);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  try {
    walk(JSON.parse(template));
  } catch {
    return false;
  }
  return values.some((v) => v.includes('{{to}}')) && values.some((v) => v.includes('{{message}}'));
}
