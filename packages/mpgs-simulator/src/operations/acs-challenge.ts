import { currencyDigits, formatMinor } from '../money.js';
import { redirectResponseFields } from '../pages/redirect-html.js';
import { touch, type ChallengeOutcome, type SimulatorStore, type ThreeDsState, type TransactionRecord } from '../store.js';
import { authenticationTokenFor, eciFor, type Brand } from '../test-cards.js';

/**
 * The simulated ACS's side of 3-D Secure (served by routes/acs.ts): the 3DS
 * method the browser runs, and the challenge the payer answers, recorded on
 * the authentication transaction that AUTHENTICATE_PAYER (authentication.ts)
 * created.
 */

/** URLs of the simulated ACS, served by routes/acs.ts. */
export const ACS_PATHS = {
  method: '/acs/3ds-method',
  challenge: '/acs/challenge',
  challengeResult: '/acs/challenge/result',
} as const;

/**
 * The browser ran the 3DS method: its hidden frame POSTed threeDSMethodData
 * to the ACS. Recorded on the authentication transaction (methodCompleted),
 * which AUTHENTICATE_PAYER then reads. Unknown data changes nothing.
 */
export function recordMethodCompleted(store: SimulatorStore, now: number, threeDsMethodData: string): boolean {
  let serverTransactionId: unknown;
  try {
    serverTransactionId = (JSON.parse(Buffer.from(threeDsMethodData, 'base64url').toString('utf8')) as { threeDSServerTransID?: unknown }).threeDSServerTransID;
  } catch {
    return false;
  }
  if (typeof serverTransactionId !== 'string') return false;
  const ref = store.methods.get(serverTransactionId);
  if (!ref) return false;
  const order = store.getOrder(ref.merchantId, ref.orderId);
  const transaction = order?.transactions.find((t) => t.id === ref.transactionId);
  if (!order || !transaction?.threeDs || transaction.threeDs.methodCompleted) return false;
  transaction.threeDs.methodCompleted = true;
  touch(order, transaction, now);
  store.save();
  return true;
}

/** Sets an authentication transaction's outcome, and the order status 3-D Secure leaves it in. */
export function setOutcome(
  transaction: TransactionRecord,
  result: TransactionRecord['result'],
  gatewayCode: string,
  gatewayRecommendation: string,
  authenticationStatus: string,
  orderStatus: string,
): void {
  transaction.result = result;
  transaction.gatewayCode = gatewayCode;
  transaction.gatewayRecommendation = gatewayRecommendation;
  transaction.authenticationStatus = authenticationStatus;
  if (transaction.threeDs) transaction.threeDs.orderStatus = orderStatus;
}

/** What the payer's choice on the ACS page does to the authentication transaction. */
const CHALLENGE_OUTCOMES: Readonly<
  Record<ChallengeOutcome, { transStatus: ThreeDsState['transactionStatus']; authenticationStatus: string; success: boolean; challengeCancel?: string }>
> = {
  Y: { transStatus: 'Y', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL', success: true },
  N: { transStatus: 'N', authenticationStatus: 'AUTHENTICATION_FAILED', success: false },
  CANCELLED: { transStatus: 'N', authenticationStatus: 'AUTHENTICATION_FAILED', success: false, challengeCancel: '01' },
  U: { transStatus: 'U', authenticationStatus: 'AUTHENTICATION_UNAVAILABLE', success: false },
  R: { transStatus: 'R', authenticationStatus: 'AUTHENTICATION_REJECTED', success: false },
};

export interface ChallengeCompletion {
  redirectResponseUrl: string;
  fields: Record<string, string>;
}

/**
 * The payer answered the challenge. Records the outcome on the
 * authentication transaction (once: a second answer changes nothing) and
 * returns what the browser must POST to redirectResponseUrl.
 */
export function completeChallenge(store: SimulatorStore, now: number, acsTransactionId: string, outcome: ChallengeOutcome): ChallengeCompletion | undefined {
  const ref = store.challenges.get(acsTransactionId);
  if (!ref) return undefined;
  const order = store.getOrder(ref.merchantId, ref.orderId);
  const transaction = order?.transactions.find((t) => t.id === ref.transactionId);
  const threeDs = transaction?.threeDs;
  if (!order || !transaction || !threeDs?.redirectResponseUrl) return undefined;

  if (!threeDs.challengeOutcome) {
    const effect = CHALLENGE_OUTCOMES[outcome];
    const brand = (transaction.cardView?.brand ?? 'MASTERCARD') as Brand;
    threeDs.challengeOutcome = outcome;
    threeDs.transactionStatus = effect.transStatus;
    if (effect.challengeCancel) threeDs.challengeCancel = effect.challengeCancel;
    threeDs.eci = eciFor(brand, effect.success ? 'AUTHENTICATED' : 'NOT_AUTHENTICATED');
    if (effect.success) threeDs.authenticationToken = authenticationTokenFor('AUTHENTICATED');
    if (effect.success) setOutcome(transaction, 'SUCCESS', 'APPROVED', 'PROCEED', effect.authenticationStatus, 'AUTHENTICATED');
    else setOutcome(transaction, 'FAILURE', 'DECLINED', 'DO_NOT_PROCEED', effect.authenticationStatus, 'AUTHENTICATION_UNSUCCESSFUL');
    touch(order, transaction, now);
    store.save();
  }
  return {
    redirectResponseUrl: threeDs.redirectResponseUrl,
    fields: redirectResponseFields(order.id, transaction.id, transaction.result, transaction.gatewayRecommendation ?? 'DO_NOT_PROCEED'),
  };
}

/** MPGS's 3DSecureChallengeWindowSize → the EMV 3DS challengeWindowSize code of the CReq. */
const WINDOW_CODES: Readonly<Record<string, string>> = { '250_X_400': '01', '390_X_400': '02', '500_X_600': '03', '600_X_400': '04', FULL_SCREEN: '05' };
export function challengeWindowCode(size: unknown): string {
  return typeof size === 'string' && Object.hasOwn(WINDOW_CODES, size) ? WINDOW_CODES[size]! : '05';
}

/** The ACS page shows what is being authenticated. */
export function describeChallenge(
  store: SimulatorStore,
  acsTransactionId: string,
): { merchantId: string; amount: string; card: string; language: string; windowSize: string } | undefined {
  const ref = store.challenges.get(acsTransactionId);
  if (!ref) return undefined;
  const order = store.getOrder(ref.merchantId, ref.orderId);
  const transaction = order?.transactions.find((t) => t.id === ref.transactionId);
  if (!order || !transaction) return undefined;
  return {
    merchantId: ref.merchantId,
    amount: `${order.currency} ${formatMinor(transaction.amountMinor, currencyDigits(order.currency) ?? 2)}`,
    card: String(transaction.cardView?.number ?? ''),
    language: ref.language ?? 'en',
    windowSize: ref.windowSize ?? '05',
  };
}
