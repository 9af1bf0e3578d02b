import { brandOf, fundingMethodOf, luhnValid, maskPan, securityCodeLength, type Brand, type FundingMethod } from './test-cards.js';

/**
 * Card details as the simulator keeps them inside a session. The full PAN
 * and CSC never leave the process in a response: see maskedCard().
 */
export interface StoredCard {
  number: string;
  brand: Brand;
  fundingMethod: FundingMethod;
  /** "1".."12", no leading zero — MPGS echoes expiry.month that way. */
  expiryMonth: string;
  /** Two digits. */
  expiryYear: string;
  securityCode?: string;
  nameOnCard?: string;
}

/** Raw values from either the REST session update or the hosted fields. */
export interface CardInput {
  number?: unknown;
  expiryMonth?: unknown;
  expiryYear?: unknown;
  securityCode?: unknown;
  nameOnCard?: unknown;
}

/** The keys session.js reports in `errors` of a fields_in_error answer. */
export type CardFieldKey = 'cardNumber' | 'expiryMonth' | 'expiryYear' | 'securityCode';
export type CardFieldErrors = Partial<Record<CardFieldKey, 'invalid' | 'missing'>>;

export type CardValidation = { ok: true; card: StoredCard } | { ok: false; errors: CardFieldErrors };

interface ValidateOptions {
  /**
   * Hosted fields (what a person types): spaces in the number are fine; the
   * security code is required for brands that have one; the expiry must not
   * lie in the past (by `now`). REST takes exactly what MPGS takes.
   */
  lenient: boolean;
  /** The simulator's clock, for the hosted fields' past-expiry check. */
  now?: number;
  /** Values already in the session, for partial REST updates. */
  existing?: StoredCard;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function validateCard(input: CardInput, options: ValidateOptions): CardValidation {
  const errors: CardFieldErrors = {};
  const existing = options.existing;

  // Number: digits only (hosted fields let people type spaces), Luhn-valid, known brand.
  let number = existing?.number;
  let brand = existing?.brand;
  if (!isBlank(input.number)) {
    const raw = text(input.number) ?? '';
    const digits = options.lenient ? raw.replace(/[\s-]/g, '') : raw;
    brand = /^\d{12,19}$/.test(digits) && luhnValid(digits) ? brandOf(digits) : undefined;
    if (brand) number = digits;
    else errors.cardNumber = 'invalid';
  } else if (!number) {
    errors.cardNumber = 'missing';
  }

  let expiryMonth = existing?.expiryMonth;
  if (!isBlank(input.expiryMonth)) {
    const raw = (text(input.expiryMonth) ?? '').trim();
    const month = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
    if (month >= 1 && month <= 12) expiryMonth = String(month);
    else errors.expiryMonth = 'invalid';
  } else if (!expiryMonth) {
    errors.expiryMonth = 'missing';
  }

  let expiryYear = existing?.expiryYear;
  if (!isBlank(input.expiryYear)) {
    const raw = (text(input.expiryYear) ?? '').trim();
    // Two digits, as the YY box says (the hosted field takes no more).
    if (/^\d{2}$/.test(raw)) expiryYear = raw;
    else errors.expiryYear = 'invalid';
  } else if (!expiryYear) {
    errors.expiryYear = 'missing';
  }

  // A card that expired before this month is refused by the form (the network's own EXPIRED_CARD stays for the test table).
  if (options.lenient && options.now !== undefined && expiryMonth && expiryYear && !errors.expiryMonth && !errors.expiryYear) {
    const now = new Date(options.now);
    const expiry = (2000 + Number(expiryYear)) * 12 + Number(expiryMonth) - 1;
    if (expiry < now.getUTCFullYear() * 12 + now.getUTCMonth()) errors.expiryYear = 'invalid';
  }

  // CSC: the form requires it for brands that have one; REST may leave it out. When present it must have the brand's length.
  let securityCode = existing?.securityCode;
  if (!isBlank(input.securityCode)) {
    const raw = (text(input.securityCode) ?? '').trim();
    const length = brand ? securityCodeLength(brand) : 0;
    if (/^\d+$/.test(raw) && (length === 0 || raw.length === length)) securityCode = raw;
    else errors.securityCode = 'invalid';
  } else if (options.lenient && securityCode === undefined && (!brand || securityCodeLength(brand) > 0)) {
    errors.securityCode = 'missing';
  }

  let nameOnCard = existing?.nameOnCard;
  if (!isBlank(input.nameOnCard)) nameOnCard = (text(input.nameOnCard) ?? '').trim().slice(0, 256);

  if (Object.keys(errors).length > 0 || !number || !brand || !expiryMonth || !expiryYear) {
    return { ok: false, errors };
  }
  const card: StoredCard = { number, brand, fundingMethod: fundingMethodOf(number), expiryMonth, expiryYear };
  if (securityCode !== undefined) card.securityCode = securityCode;
  if (nameOnCard !== undefined) card.nameOnCard = nameOnCard;
  return { ok: true, card };
}

/** REST field path for each hosted-field key, for MPGS error answers. */
export const CARD_FIELD_PATHS: Readonly<Record<CardFieldKey, string>> = {
  cardNumber: 'sourceOfFunds.provided.card.number',
  expiryMonth: 'sourceOfFunds.provided.card.expiry.month',
  expiryYear: 'sourceOfFunds.provided.card.expiry.year',
  securityCode: 'sourceOfFunds.provided.card.securityCode',
};

/**
 * The card as MPGS shows it in answers: masked PAN, brand, expiry, funding
 * method, scheme. `securityCode: "xxx"` only tells that a CSC is stored
 * (session answers); the value itself is never shown.
 */
export function maskedCardView(card: StoredCard, options: { showStoredCsc: boolean }): Record<string, unknown> {
  return {
    brand: card.brand,
    expiry: { month: card.expiryMonth, year: card.expiryYear },
    fundingMethod: card.fundingMethod,
    nameOnCard: card.nameOnCard,
    number: maskPan(card.number),
    scheme: card.brand,
    securityCode: options.showStoredCsc && card.securityCode !== undefined ? 'x'.repeat(card.securityCode.length) : undefined,
  };
}
