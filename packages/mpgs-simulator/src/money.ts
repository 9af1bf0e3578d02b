/**
 * Money as integer minor units. MPGS takes amounts as decimal strings (or
 * JSON numbers) and answers with JSON numbers; we parse the decimal text
 * ourselves so 0.1 + 0.2 never happens.
 */

/** ISO 4217 minor-unit exponents for the currencies a test merchant is likely to use. */
const CURRENCY_DIGITS: Readonly<Record<string, number>> = {
  AED: 2,
  AUD: 2,
  BDT: 2,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  KES: 2,
  LKR: 2,
  MAD: 2,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  QAR: 2,
  RON: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  ZAR: 2,
  CLP: 0,
  ISK: 0,
  JPY: 0,
  KRW: 0,
  UGX: 0,
  VND: 0,
  XAF: 0,
  XOF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export function currencyDigits(currency: string): number | undefined {
  return CURRENCY_DIGITS[currency];
}

export function isKnownCurrency(value: unknown): value is string {
  return typeof value === 'string' && currencyDigits(value) !== undefined;
}

/** Largest amount we accept, in major units; keeps minor units inside Number.MAX_SAFE_INTEGER. */
const MAX_INTEGER_DIGITS = 12;

/**
 * Parses "12.50" / 12.5 / "100" into minor units for the currency, or
 * returns undefined when the text is not a plain non-negative decimal with at
 * most the currency's number of fraction digits.
 */
export function parseAmountToMinor(value: unknown, currency: string): number | undefined {
  const digits = currencyDigits(currency);
  if (digits === undefined) return undefined;
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value) && value >= 0) text = numberToPlainString(value);
  else return undefined;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const whole = match[1] ?? '';
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (whole.replace(/^0+/, '').length > MAX_INTEGER_DIGITS) return undefined;
  if (fraction.length > digits) return undefined;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

function numberToPlainString(value: number): string {
  // toString gives exponent notation below 1e-6; such amounts are invalid anyway.
  return value.toString().includes('e') ? value.toFixed(20) : value.toString();
}

/** 1250, 2 → "12.50"; 5, 0 → "5"; 1234, 3 → "1.234". */
export function formatMinor(minor: number, digits: number): string {
  const negative = minor < 0;
  const abs = Math.abs(minor);
  if (digits === 0) return `${negative ? '-' : ''}${abs}`;
  const text = abs.toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}
