/**
 * Money is an integer number of minor units plus the decimal string the
 * merchant sent (docs/api.md#http-api compares that string byte for byte). Amounts are
 * parsed with a strict grammar — no signs, exponents, spaces or more decimals
 * than the currency has — never through floating point.
 */

// ISO 4217 currencies whose minor unit is not 2 decimals. Everything else known to Intl is 2.
const EXPONENT: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

const KNOWN: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** The largest amount accepted, in major units: well above any card transaction, far below 2^53 minor units. */
export const MAX_MAJOR_UNITS = 1_000_000_000;

/** Upper-case ISO 4217 code for a currency string in any case, or undefined when unknown. */
export function currencyCode(currency: string): string | undefined {
  if (!/^[A-Za-z]{3}$/.test(currency)) return undefined;
  const code = currency.toUpperCase();
  return KNOWN.has(code) ? code : undefined;
}

export function minorUnitExponent(code: string): number {
  return EXPONENT[code] ?? 2;
}

export type AmountProblem = 'format' | 'precision' | 'zero' | 'too_large';

/** "12.50" in USD → 1250. Returns the problem instead when the string is not an acceptable amount. */
export function parseAmount(amount: string, code: string): { minor: number } | { problem: AmountProblem } {
  const match = /^(0|[1-9][0-9]{0,11})(?:\.([0-9]{1,8}))?$/.exec(amount);
  if (!match) return { problem: 'format' };
  const exponent = minorUnitExponent(code);
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return { problem: 'precision' };
  const major = Number(match[1]);
  if (major >= MAX_MAJOR_UNITS) return { problem: 'too_large' };
  const minor = major * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (minor === 0) return { problem: 'zero' };
  return { minor };
}

/** 1250 in USD → "12.50": the canonical decimal string sent to the card network for refunds. */
export function formatMinor(minor: number, code: string): string {
  const exponent = minorUnitExponent(code);
  if (exponent === 0) return String(minor);
  const text = String(minor).padStart(exponent + 1, '0');
  return `${text.slice(0, -exponent)}.${text.slice(-exponent)}`;
}
