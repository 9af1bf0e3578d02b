import { isoTime } from './context.js';
import { currencyDigits } from './money.js';
import { DecimalAmount } from './mpgs-json.js';
import { deriveOrderStatus, orderAuthenticationStatus } from './order-status.js';
import type { OrderRecord, TransactionRecord } from './store.js';

/**
 * Response bodies for transactions and orders, shaped like real MPGS answers
 * (see docs/card-network.md and the captured v78/v100 responses it was built from):
 * amounts are JSON numbers, keys sorted by the serializer, the card masked.
 */

const ACQUIRER = { id: 'PDIRECT_SIM_S2I', merchantId: 'PDIRECTSIM001', timeZone: '+0000' };
const TERMINAL = 'SIMS2I01';

function amount(order: OrderRecord, minor: number): DecimalAmount {
  return new DecimalAmount(minor, currencyDigits(order.currency) ?? 2);
}

/** The `order` block inside a transaction answer, and the top level of a retrieved order. */
export function renderOrderSummary(order: OrderRecord): Record<string, unknown> {
  return {
    amount: order.amountMinor === undefined ? undefined : amount(order, order.amountMinor),
    authenticationStatus: orderAuthenticationStatus(order),
    chargeback: { amount: 0, currency: order.currency },
    creationTime: isoTime(order.creationTime),
    currency: order.currency,
    id: order.id,
    lastUpdatedTime: isoTime(order.lastUpdatedTime),
    merchantAmount: order.amountMinor === undefined ? undefined : amount(order, order.amountMinor),
    merchantCategoryCode: '5399',
    merchantCurrency: order.currency,
    reference: order.reference,
    status: deriveOrderStatus(order),
    totalAuthorizedAmount: amount(order, order.totalAuthorizedMinor),
    totalCapturedAmount: amount(order, order.totalCapturedMinor),
    totalDisbursedAmount: amount(order, 0),
    totalRefundedAmount: amount(order, order.totalRefundedMinor),
  };
}

/** The answer of a transaction PUT, and of GET …/order/{id}/transaction/{id}. */
export function renderTransaction(merchantId: string, apiVersion: string, order: OrderRecord, txn: TransactionRecord): Record<string, unknown> {
  const financial = txn.type !== 'AUTHENTICATION';
  const approved = txn.gatewayCode === 'APPROVED';
  const acquirerDate = isoTime(txn.timeOfRecord).slice(0, 10);
  return {
    authentication: renderAuthentication(order, txn),
    authorizationResponse:
      financial && txn.acquirerCode
        ? {
            cardSecurityCodeError: txn.cardSecurityCode?.acquirerCode,
            date: acquirerDate.slice(5, 7) + acquirerDate.slice(8, 10),
            responseCode: txn.acquirerCode,
            stan: txn.stan,
            transactionIdentifier: txn.acquirerTransactionId,
          }
        : undefined,
    gatewayEntryPoint: 'WEB_SERVICES_API',
    merchant: merchantId,
    order: renderOrderSummary(order),
    response: {
      acquirerCode: txn.acquirerCode,
      acquirerMessage: txn.acquirerMessage,
      cardSecurityCode: txn.cardSecurityCode,
      gatewayCode: txn.gatewayCode,
      gatewayRecommendation: txn.gatewayRecommendation,
    },
    result: txn.result,
    sourceOfFunds: txn.cardView ? { provided: { card: txn.cardView }, type: 'CARD' } : undefined,
    timeOfLastUpdate: isoTime(txn.timeOfLastUpdate),
    timeOfRecord: isoTime(txn.timeOfRecord),
    transaction: {
      acquirer:
        financial && approved
          ? {
              batch: Number(acquirerDate.replaceAll('-', '')),
              date: acquirerDate.slice(5, 7) + acquirerDate.slice(8, 10),
              id: ACQUIRER.id,
              merchantId: ACQUIRER.merchantId,
              settlementDate: acquirerDate,
              timeZone: ACQUIRER.timeZone,
              transactionId: txn.acquirerTransactionId,
            }
          : undefined,
      // An authentication started without an amount reports 0, as MPGS does after INITIATE.
      amount: txn.type === 'AUTHENTICATION' && txn.amountMinor === 0 ? 0 : amount(order, txn.amountMinor),
      authenticationStatus: txn.authenticationStatus,
      authorizationCode: txn.authorizationCode,
      currency: txn.currency,
      id: txn.id,
      receipt: txn.receipt,
      reference: txn.reference,
      source: financial ? 'INTERNET' : undefined,
      stan: txn.stan,
      targetTransactionId: txn.targetTransactionId,
      terminal: financial && approved ? TERMINAL : undefined,
      type: txn.type,
    },
    version: apiVersion,
  };
}

function renderAuthentication(order: OrderRecord, txn: TransactionRecord): Record<string, unknown> | undefined {
  if (txn.type === 'AUTHENTICATION' && txn.threeDs) {
    const s = txn.threeDs;
    const started = s.orderStatus !== 'AUTHENTICATION_NOT_NEEDED';
    return {
      '3ds': s.eci || s.authenticationToken ? { acsEci: s.eci, authenticationToken: s.authenticationToken, transactionId: s.dsTransactionId } : undefined,
      '3ds2': started
        ? {
            '3dsServerTransactionId': s.serverTransactionId,
            acsTransactionId: s.acsTransactionId,
            authenticationScheme: typeof txn.cardView?.brand === 'string' ? txn.cardView.brand : undefined,
            challengeCancel: s.challengeCancel,
            directoryServerId: txn.cardView?.brand === 'VISA' ? 'A000000003' : txn.cardView?.brand === 'AMEX' ? 'A000000025' : 'A000000004',
            dsTransactionId: s.dsTransactionId,
            methodCompleted: s.methodCompleted,
            methodSupported: s.methodSupported ? 'SUPPORTED' : 'NOT_SUPPORTED',
            protocolVersion: '2.2.0',
            requestorId: `${order.merchantId}_SIMULATOR`,
            requestorName: 'Pdirect MPGS simulator',
            statusReasonCode: s.statusReasonCode,
            transactionStatus: s.transactionStatus,
          }
        : undefined,
      acceptVersions: s.acceptVersions,
      amount: s.redirectResponseUrl !== undefined ? amount(order, txn.amountMinor) : undefined,
      channel: s.channel,
      payerInteraction: s.payerInteraction,
      purpose: s.purpose,
      redirect: s.redirectHtml ? { customizedHtml: s.customizedHtml ? { '3ds2': { ...s.customizedHtml } } : undefined, html: s.redirectHtml } : undefined,
      redirectResponseUrl: s.redirectResponseUrl,
      version: started ? '3DS2' : 'NONE',
    };
  }
  if (txn.authenticationTransactionId) {
    const auth = order.transactions.find((t) => t.id === txn.authenticationTransactionId)?.threeDs;
    return {
      '3ds':
        auth?.eci || auth?.authenticationToken
          ? { acsEci: auth.eci, authenticationToken: auth.authenticationToken, transactionId: auth.dsTransactionId }
          : undefined,
      '3ds2': auth?.transactionStatus ? { protocolVersion: '2.2.0', transactionStatus: auth.transactionStatus } : undefined,
      transactionId: txn.authenticationTransactionId,
      version: auth && auth.orderStatus !== 'AUTHENTICATION_NOT_NEEDED' ? '3DS2' : 'NONE',
    };
  }
  return undefined;
}

/** GET …/order/{id}: the order fields at the top level plus every transaction, oldest first. */
export function renderOrder(merchantId: string, apiVersion: string, order: OrderRecord): Record<string, unknown> {
  return {
    ...renderOrderSummary(order),
    merchant: merchantId,
    result: 'SUCCESS',
    sourceOfFunds: order.cardView ? { provided: { card: order.cardView }, type: 'CARD' } : undefined,
    transaction: order.transactions.map((txn) => renderTransaction(merchantId, apiVersion, order, txn)),
    version: apiVersion,
  };
}
