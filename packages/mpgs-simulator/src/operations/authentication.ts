import { invalidField, invalidRequest, missingField, threeDsSystemError, unsupportedField } from '../errors.js';
import { newUuid } from '../ids.js';
import { getPath } from '../mpgs-json.js';
import { challengeRedirectHtml, frictionlessRedirectHtml, redirectResponseFields, threeDsMethodHtml } from '../pages/redirect-html.js';
import { consumeSessionCsc, requireSession } from '../sessions.js';
import { touch, type ThreeDsState } from '../store.js';
import { authenticationTokenFor, eciFor, threeDsCardFor } from '../test-cards.js';
import { ACS_PATHS, challengeWindowCode, setOutcome } from './acs-challenge.js';
import {
  amountFor,
  assertSessionOrder,
  cardFor,
  cardSecurityCodeFor,
  cardViewOf,
  currencyFor,
  newTransaction,
  orderFor,
  referenceOf,
  sessionFromBody,
  type OperationInput,
  type OperationResult,
} from './common.js';

/**
 * INITIATE_AUTHENTICATION: is 3DS available for this card?
 * Enrolled cards → AUTHENTICATION_AVAILABLE with a 3DS-method snippet;
 * cards outside the 3DS table → AUTHENTICATION_UNAVAILABLE (not enrolled);
 * acceptVersions without 3DS2 → AUTHENTICATION_NOT_SUPPORTED. Both of the
 * latter recommend PROCEED: the merchant may pay without authentication.
 */
export function initiateAuthentication(input: OperationInput): OperationResult {
  const session = sessionFromBody(input);
  const card = cardFor(input, session);
  const currency = currencyFor(input, session, 'order.currency');
  const acceptVersions = stringField(input, 'authentication.acceptVersions') ?? '3DS1,3DS2';
  const channel = stringField(input, 'authentication.channel');
  if (channel === undefined) throw missingField('authentication.channel');
  if (channel !== 'PAYER_BROWSER') throw unsupportedField('authentication.channel', 'The simulator supports authentication.channel PAYER_BROWSER only');
  const purpose = stringField(input, 'authentication.purpose') ?? 'PAYMENT_TRANSACTION';
  assertSessionOrder(session, currency);

  const threeDsCard = threeDsCardFor(card.number);
  if (threeDsCard.behaviour === 'ERROR_ON_INITIATE') throw threeDsSystemError('INITIATE_AUTHENTICATION');

  const order = orderFor(input, currency);
  order.reference ??= referenceOf(input.body, 'order.reference');
  order.cardView = cardViewOf(card);
  // The session's CSC is used (and deleted) here: its check is reported now, and by every later transaction on the order.
  order.cardSecurityCode ??= cardSecurityCodeFor(card, order);
  const threeDs: ThreeDsState = {
    behaviour: threeDsCard.behaviour,
    acceptVersions,
    channel,
    purpose,
    methodSupported: threeDsCard.methodSupported,
    methodCompleted: false,
    serverTransactionId: newUuid(),
    orderStatus: 'AUTHENTICATION_INITIATED',
    ...(session ? { sessionId: session.id } : {}),
  };

  let authenticationStatus: string;
  let gatewayCode: string;
  if (
    !acceptVersions
      .split(',')
      .map((v) => v.trim())
      .includes('3DS2')
  ) {
    authenticationStatus = 'AUTHENTICATION_NOT_SUPPORTED';
    gatewayCode = 'NOT_SUPPORTED';
    threeDs.orderStatus = 'AUTHENTICATION_NOT_NEEDED';
  } else if (threeDsCard.behaviour === 'NOT_ENROLLED') {
    authenticationStatus = 'AUTHENTICATION_UNAVAILABLE';
    gatewayCode = 'NOT_ENROLLED_3D_SECURE';
    threeDs.orderStatus = 'AUTHENTICATION_NOT_NEEDED';
  } else {
    authenticationStatus = 'AUTHENTICATION_AVAILABLE';
    gatewayCode = 'AUTHENTICATION_IN_PROGRESS';
    // Inferred: the method html is returned only when the card's ACS has a 3DS method
    // (authentication.3ds2.methodSupported SUPPORTED); the browser must run it before
    // AUTHENTICATE_PAYER, or the ACS lacks the device data it asked for.
    if (threeDs.methodSupported) {
      const methodUrl = input.ctx.publicOrigin() + ACS_PATHS.method;
      const methodData = Buffer.from(JSON.stringify({ threeDSServerTransID: threeDs.serverTransactionId, threeDSMethodNotificationURL: methodUrl })).toString(
        'base64url',
      );
      threeDs.redirectHtml = threeDsMethodHtml(methodUrl, methodData);
      threeDs.customizedHtml = { methodUrl, methodPostData: methodData };
    }
  }

  const transaction = newTransaction(input, {
    type: 'AUTHENTICATION',
    amountMinor: 0,
    currency,
    result: 'SUCCESS',
    gatewayCode,
    gatewayRecommendation: 'PROCEED',
    authenticationStatus,
    cardView: cardViewOf(card),
    cardSecurityCode: order.cardSecurityCode,
    threeDs,
    ...optional('reference', referenceOf(input.body, 'transaction.reference')),
  });
  order.transactions.push(transaction);
  touch(order, transaction, input.ctx.now());
  return {
    order,
    transaction,
    afterCommit: () => {
      if (threeDs.redirectHtml) {
        input.ctx.store.methods.set(threeDs.serverTransactionId, { merchantId: input.merchantId, orderId: order.id, transactionId: transaction.id });
      }
      if (session) consumeSessionCsc(input.ctx, session);
    },
  };
}

/**
 * AUTHENTICATE_PAYER on the transaction INITIATE created. The card's row
 * in the 3DS table decides: challenge (PENDING, challenge snippet),
 * frictionless / attempted (SUCCESS, auto-post snippet), rejected (FAILURE),
 * unavailable (FAILURE but PROCEED), or a generic error.
 */
export function authenticatePayer(input: OperationInput): OperationResult {
  const order = input.order;
  const transaction = input.existing;
  if (!order || !transaction || transaction.type !== 'AUTHENTICATION' || !transaction.threeDs || !transaction.exchanges.INITIATE_AUTHENTICATION) {
    throw invalidRequest('AUTHENTICATE_PAYER must use the order and transaction ids of a prior INITIATE_AUTHENTICATION');
  }
  const threeDs = transaction.threeDs;
  if (transaction.authenticationStatus !== 'AUTHENTICATION_AVAILABLE') {
    throw invalidRequest(`Payer authentication is not possible: authenticationStatus is ${transaction.authenticationStatus}`);
  }

  const session = sessionFromBody(input) ?? (threeDs.sessionId ? requireSession(input.ctx, input.merchantId, threeDs.sessionId, input.apiVersion) : undefined);
  const card = cardFor(input, session);
  if (session && session.authenticationsUsed >= session.authenticationLimit) {
    throw invalidField('session.id', `The session's authenticationLimit of ${session.authenticationLimit} has been reached`);
  }
  const currency = currencyFor(input, session, 'order.currency');
  const amountMinor = amountFor(input, session, currency, 'order.amount');
  assertSessionOrder(session, currency, amountMinor);
  const redirectResponseUrl = getPath(input.body, 'authentication.redirectResponseUrl') ?? getPath(session?.fields, 'authentication.redirectResponseUrl');
  if (redirectResponseUrl === undefined) throw missingField('authentication.redirectResponseUrl');
  if (typeof redirectResponseUrl !== 'string' || !isHttpUrl(redirectResponseUrl)) {
    throw invalidField('authentication.redirectResponseUrl', 'Value must be an absolute http(s) URL');
  }
  if (getPath(input.body, 'device.browser') === undefined) throw missingField('device.browser');
  // EMV 3DS requires the browser's Accept header (browserAcceptHeader); the gateway refuses the browser channel without it.
  const acceptHeaders = getPath(input.body, 'device.browserDetails.acceptHeaders');
  if (acceptHeaders === undefined) throw missingField('device.browserDetails.acceptHeaders');
  if (typeof acceptHeaders !== 'string' || acceptHeaders.length === 0 || acceptHeaders.length > 2048) {
    throw invalidField('device.browserDetails.acceptHeaders', "Value for 'device.browserDetails.acceptHeaders' must be 1 to 2048 characters");
  }

  // A frictionless outcome rests on the device data the 3DS method collects: when the
  // ACS has a method and the browser never ran it, the issuer challenges instead.
  const behaviour = threeDs.behaviour === 'FRICTIONLESS' && threeDs.methodSupported && !threeDs.methodCompleted ? 'CHALLENGE' : threeDs.behaviour;
  if (behaviour === 'ERROR_ON_AUTHENTICATE') throw threeDsSystemError('AUTHENTICATE_PAYER');

  const brand = card.brand;
  const now = input.ctx.now();
  threeDs.redirectResponseUrl = redirectResponseUrl;
  threeDs.dsTransactionId = newUuid();
  transaction.amountMinor = amountMinor;
  order.amountMinor ??= amountMinor;
  touch(order, transaction, now);
  let challengeId: string | undefined;

  const autoPost = (result: string, recommendation: string): string =>
    frictionlessRedirectHtml(redirectResponseUrl, redirectResponseFields(order.id, transaction.id, result, recommendation));

  switch (behaviour) {
    case 'CHALLENGE': {
      challengeId = newUuid();
      threeDs.acsTransactionId = challengeId;
      threeDs.payerInteraction = 'REQUIRED';
      threeDs.transactionStatus = 'C';
      const creq = Buffer.from(
        JSON.stringify({
          threeDSServerTransID: threeDs.serverTransactionId,
          acsTransID: challengeId,
          challengeWindowSize: challengeWindowCode(getPath(input.body, 'device.browserDetails.3DSecureChallengeWindowSize')),
          messageType: 'CReq',
          messageVersion: '2.2.0',
        }),
      ).toString('base64url');
      threeDs.redirectHtml = challengeRedirectHtml(input.ctx.publicOrigin() + ACS_PATHS.challenge, creq);
      threeDs.customizedHtml = { acsUrl: input.ctx.publicOrigin() + ACS_PATHS.challenge, cReq: creq };
      setOutcome(transaction, 'PENDING', 'PENDING', 'PROCEED', 'AUTHENTICATION_PENDING', 'AUTHENTICATION_INITIATED');
      break;
    }
    case 'FRICTIONLESS':
    case 'ATTEMPTED': {
      const attempted = behaviour === 'ATTEMPTED';
      threeDs.payerInteraction = 'NOT_REQUIRED';
      threeDs.transactionStatus = attempted ? 'A' : 'Y';
      threeDs.eci = eciFor(brand, attempted ? 'ATTEMPTED' : 'AUTHENTICATED');
      threeDs.authenticationToken = authenticationTokenFor(attempted ? 'ATTEMPTED' : 'AUTHENTICATED');
      threeDs.redirectHtml = autoPost('SUCCESS', 'PROCEED');
      delete threeDs.customizedHtml;
      setOutcome(transaction, 'SUCCESS', 'APPROVED', 'PROCEED', attempted ? 'AUTHENTICATION_ATTEMPTED' : 'AUTHENTICATION_SUCCESSFUL', 'AUTHENTICATED');
      break;
    }
    case 'REJECTED': {
      threeDs.payerInteraction = 'NOT_REQUIRED';
      threeDs.transactionStatus = 'R';
      threeDs.statusReasonCode = '04';
      threeDs.redirectHtml = autoPost('FAILURE', 'DO_NOT_PROCEED');
      delete threeDs.customizedHtml;
      setOutcome(transaction, 'FAILURE', 'DECLINED', 'DO_NOT_PROCEED', 'AUTHENTICATION_REJECTED', 'AUTHENTICATION_UNSUCCESSFUL');
      break;
    }
    case 'UNAVAILABLE_ON_AUTHENTICATE': {
      // "Recoverable exception": authentication could not happen, paying unauthenticated is allowed.
      threeDs.payerInteraction = 'NOT_REQUIRED';
      threeDs.transactionStatus = 'U';
      delete threeDs.redirectHtml;
      delete threeDs.customizedHtml;
      setOutcome(transaction, 'FAILURE', 'DECLINED', 'PROCEED', 'AUTHENTICATION_UNAVAILABLE', 'AUTHENTICATION_UNSUCCESSFUL');
      break;
    }
    default:
      throw invalidRequest(`Payer authentication is not possible for this card (${behaviour})`);
  }

  return {
    order,
    transaction,
    afterCommit: () => {
      if (session) {
        session.authenticationsUsed += 1;
        consumeSessionCsc(input.ctx, session);
      }
      if (challengeId) {
        const language = getPath(input.body, 'device.browserDetails.language');
        input.ctx.store.challenges.set(challengeId, {
          merchantId: input.merchantId,
          orderId: order.id,
          transactionId: transaction.id,
          windowSize: challengeWindowCode(getPath(input.body, 'device.browserDetails.3DSecureChallengeWindowSize')),
          ...(typeof language === 'string' ? { language: language.slice(0, 35) } : {}),
        });
      }
    },
  };
}

function stringField(input: OperationInput, path: string): string | undefined {
  const value = getPath(input.body, path);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidField(path, `Value for '${path}' must be a string`);
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
