/**
 * The published MPGS test-merchant behaviour, in one table (docs/card-network.md,
 * "Test cards"). Everything that decides an outcome from card data reads
 * from here; nothing else in the simulator knows a card number.
 */

export type Brand = 'MASTERCARD' | 'VISA' | 'AMEX';
export type FundingMethod = 'CREDIT' | 'DEBIT';

/** Plain cards from the standard test-card list (any Luhn-valid card of a known brand also works). */
export const PLAIN_TEST_CARDS: ReadonlyArray<{ number: string; brand: Brand }> = [
  { number: '5123450000000008', brand: 'MASTERCARD' },
  { number: '2223000000000007', brand: 'MASTERCARD' },
  { number: '5111111111111118', brand: 'MASTERCARD' },
  { number: '4508750015741019', brand: 'VISA' },
  { number: '4012000033330026', brand: 'VISA' },
  { number: '371881634498004', brand: 'AMEX' },
];

// ---------------------------------------------------------------- payment outcome by expiry

export type PaymentGatewayCode = 'APPROVED' | 'DECLINED' | 'EXPIRED_CARD' | 'TIMED_OUT' | 'ACQUIRER_SYSTEM_ERROR' | 'UNSPECIFIED_FAILURE' | 'UNKNOWN';

/** Expiry month/year (2-digit year) → gatewayCode of PAY / AUTHORIZE. */
export const EXPIRY_OUTCOMES: ReadonlyArray<{ month: number; year: number; gatewayCode: PaymentGatewayCode }> = [
  { month: 1, year: 39, gatewayCode: 'APPROVED' },
  { month: 5, year: 39, gatewayCode: 'DECLINED' },
  { month: 4, year: 27, gatewayCode: 'EXPIRED_CARD' },
  { month: 8, year: 28, gatewayCode: 'TIMED_OUT' },
  { month: 1, year: 37, gatewayCode: 'ACQUIRER_SYSTEM_ERROR' },
  { month: 2, year: 37, gatewayCode: 'UNSPECIFIED_FAILURE' },
  { month: 5, year: 37, gatewayCode: 'UNKNOWN' },
];

/**
 * The table wins; an expiry not in it is APPROVED unless it already lies in
 * the past (by the injected clock), which gives EXPIRED_CARD.
 */
export function paymentOutcomeForExpiry(month: number, year2: number, nowMs: number): PaymentGatewayCode {
  const listed = EXPIRY_OUTCOMES.find((row) => row.month === month && row.year === year2);
  if (listed) return listed.gatewayCode;
  const now = new Date(nowMs);
  const expiryEnd = Date.UTC(2000 + year2, month, 1); // first instant after the expiry month
  return expiryEnd <= now.getTime() ? 'EXPIRED_CARD' : 'APPROVED';
}

/** How each payment gatewayCode shows up in `result`, acquirer fields and the recommendation. */
export const PAYMENT_RESPONSES: Readonly<
  Record<
    PaymentGatewayCode | 'AUTHENTICATION_FAILED',
    { result: 'SUCCESS' | 'FAILURE' | 'UNKNOWN'; acquirerCode?: string; acquirerMessage?: string; recommendation: string }
  >
> = {
  APPROVED: { result: 'SUCCESS', acquirerCode: '00', acquirerMessage: 'Approved', recommendation: 'NO_ACTION' },
  DECLINED: {
    result: 'FAILURE',
    acquirerCode: '05',
    acquirerMessage: 'Do not honour',
    recommendation: 'RESUBMIT_WITH_ALTERNATIVE_PAYMENT_DETAILS',
  },
  EXPIRED_CARD: {
    result: 'FAILURE',
    acquirerCode: '54',
    acquirerMessage: 'Expired card',
    recommendation: 'RESUBMIT_WITH_ALTERNATIVE_PAYMENT_DETAILS',
  },
  TIMED_OUT: { result: 'FAILURE', acquirerCode: '68', acquirerMessage: 'Response received too late', recommendation: 'NO_ACTION' },
  ACQUIRER_SYSTEM_ERROR: { result: 'FAILURE', acquirerCode: '96', acquirerMessage: 'System malfunction', recommendation: 'NO_ACTION' },
  UNSPECIFIED_FAILURE: { result: 'FAILURE', acquirerCode: '06', acquirerMessage: 'Error', recommendation: 'NO_ACTION' },
  UNKNOWN: { result: 'UNKNOWN', recommendation: 'NO_ACTION' },
  // Not an acquirer answer: the gateway refuses to send an unauthenticated payment on.
  AUTHENTICATION_FAILED: { result: 'FAILURE', recommendation: 'DO_NOT_PROCEED' },
};

// ---------------------------------------------------------------- card security code

export type CscGatewayCode = 'MATCH' | 'NOT_PROCESSED' | 'NO_MATCH' | 'NOT_PRESENT';

export function cscResultFor(securityCode: string, brand: Brand): { gatewayCode: CscGatewayCode; acquirerCode: string } {
  const table: Record<string, CscGatewayCode> =
    brand === 'AMEX' ? { '1000': 'MATCH', '1010': 'NOT_PROCESSED', '1020': 'NO_MATCH' } : { '100': 'MATCH', '101': 'NOT_PROCESSED', '102': 'NO_MATCH' };
  // Inferred: a CSC outside the table matches (the published table lists only these three).
  const gatewayCode = table[securityCode] ?? 'MATCH';
  const acquirerCode = gatewayCode === 'MATCH' ? 'M' : gatewayCode === 'NO_MATCH' ? 'N' : 'P';
  return { gatewayCode, acquirerCode };
}

/** No security code was entered: MPGS answers NOT_PRESENT (acquirer code S, "not present"). */
export const CSC_NOT_PRESENT = { gatewayCode: 'NOT_PRESENT', acquirerCode: 'S' } as const satisfies { gatewayCode: CscGatewayCode; acquirerCode: string };

// ---------------------------------------------------------------- 3-D Secure (browser channel)

export type ThreeDsBehaviour =
  'CHALLENGE' | 'FRICTIONLESS' | 'ATTEMPTED' | 'REJECTED' | 'ERROR_ON_INITIATE' | 'ERROR_ON_AUTHENTICATE' | 'UNAVAILABLE_ON_AUTHENTICATE' | 'NOT_ENROLLED';

export interface ThreeDsCard {
  behaviour: ThreeDsBehaviour;
  /** Whether the ACS runs a 3DS method (hidden iframe) during INITIATE. */
  methodSupported: boolean;
}

export const THREE_DS_TABLE: Readonly<Record<string, ThreeDsCard>> = {
  // Mastercard
  '5123450000000008': { behaviour: 'CHALLENGE', methodSupported: true },
  '2223000000000007': { behaviour: 'CHALLENGE', methodSupported: true },
  '5123456789012346': { behaviour: 'FRICTIONLESS', methodSupported: true },
  '5555555555000018': { behaviour: 'FRICTIONLESS', methodSupported: false },
  '5500005555555559': { behaviour: 'ATTEMPTED', methodSupported: false },
  '5506900140100503': { behaviour: 'REJECTED', methodSupported: false },
  '5210760000000004': { behaviour: 'ERROR_ON_INITIATE', methodSupported: false },
  '5455031257390496': { behaviour: 'ERROR_ON_AUTHENTICATE', methodSupported: false },
  '5455031252665454': { behaviour: 'ERROR_ON_AUTHENTICATE', methodSupported: false },
  '5123459999998221': { behaviour: 'UNAVAILABLE_ON_AUTHENTICATE', methodSupported: false },
  // Visa
  '4440000009900010': { behaviour: 'CHALLENGE', methodSupported: false },
  '4440000042200014': { behaviour: 'FRICTIONLESS', methodSupported: true },
  '4440000042200022': { behaviour: 'ATTEMPTED', methodSupported: false },
  // American Express
  '371881733404002': { behaviour: 'CHALLENGE', methodSupported: false },
  '371881887105009': { behaviour: 'FRICTIONLESS', methodSupported: true },
};

/** Cards outside the 3DS table are not enrolled: INITIATE answers AUTHENTICATION_UNAVAILABLE. */
export function threeDsCardFor(pan: string): ThreeDsCard {
  return THREE_DS_TABLE[pan] ?? { behaviour: 'NOT_ENROLLED', methodSupported: false };
}

/** ECI values per scheme: [fully authenticated, attempted, not authenticated]. */
export function eciFor(brand: Brand, kind: 'AUTHENTICATED' | 'ATTEMPTED' | 'NOT_AUTHENTICATED'): string {
  if (brand === 'MASTERCARD') return kind === 'AUTHENTICATED' ? '02' : kind === 'ATTEMPTED' ? '01' : '00';
  return kind === 'AUTHENTICATED' ? '05' : kind === 'ATTEMPTED' ? '06' : '07';
}

/** The authentication tokens (CAVV/AAV) the MPGS emulator returns. */
export function authenticationTokenFor(kind: 'AUTHENTICATED' | 'ATTEMPTED'): string {
  return kind === 'AUTHENTICATED' ? 'mHyn+7YFi1EUAREAAAAvNUe6Hv8=' : 'nHyn+7YFi1EUAREAAAAvNUe6Hv8=';
}

// ---------------------------------------------------------------- card number facts

export function luhnValid(pan: string): boolean {
  if (!/^\d+$/.test(pan)) return false;
  let sum = 0;
  let double = false;
  for (let i = pan.length - 1; i >= 0; i -= 1) {
    let digit = pan.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Brand from the BIN; undefined for schemes the simulator does not accept. */
export function brandOf(pan: string): Brand | undefined {
  if (/^4\d{12}(\d{3}){0,2}$/.test(pan)) return 'VISA';
  if (/^3[47]\d{13}$/.test(pan)) return 'AMEX';
  if (pan.length === 16) {
    const two = Number(pan.slice(0, 2));
    const four = Number(pan.slice(0, 4));
    if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'MASTERCARD';
  }
  return undefined;
}

/** docs/card-network.md's example shows the 512345 BIN as a debit card; the rest answer CREDIT. */
export function fundingMethodOf(pan: string): FundingMethod {
  return pan.startsWith('512345') ? 'DEBIT' : 'CREDIT';
}

/**
 * First 6 + x… + last 4, keeping the PAN's length: a 16-digit PAN gives
 * `512345xxxxxx0008` (the docs/card-network.md form); a 15-digit Amex gives `371881xxxxx8004`.
 */
export function maskPan(pan: string): string {
  if (pan.length <= 10) return 'x'.repeat(pan.length);
  return `${pan.slice(0, 6)}${'x'.repeat(pan.length - 10)}${pan.slice(-4)}`;
}

export function securityCodeLength(brand: Brand): number {
  return brand === 'AMEX' ? 4 : 3;
}
