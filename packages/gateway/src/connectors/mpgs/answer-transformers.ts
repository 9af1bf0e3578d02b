import type { AuthenticationOutcome, MaskedCard, PaymentOutcome } from '../card-network.js';
import { SESSION_ID } from './input-checks.js';
import { mapAuthenticationStatus, mapPaymentStatus, mapSecurityCode } from './status.js';
import type { HostedSession } from './types.js';
import type { WireAmount, WireCard, WireSessionAnswer, WireTransactionAnswer } from './wire.js';

/**
 * MPGS answers into Pdirect's domain (transformers.ts): the hosted session,
 * the masked card, and the payment and authentication outcomes. Pure: no I/O.
 */

/**
 * The session id only. The answer's `aes256Key` is deliberately dropped:
 * Pdirect does not use it and it must never reach a log or a client.
 */
export function toHostedSessionId(answer: WireSessionAnswer): string {
  const id = answer?.session?.id;
  if (typeof id !== 'string' || !SESSION_ID.test(id)) {
    throw new TypeError('MPGS create-session answer carries no valid session id');
  }
  return id;
}

export function hostedSession(i: { id: string; baseUrl: string; apiVersion: number; merchantId: string }): HostedSession {
  return {
    hostedSessionId: i.id,
    sessionJsUrl: `${i.baseUrl}/form/version/${i.apiVersion}/merchant/${encodeURIComponent(i.merchantId)}/session.js`,
    apiVersion: i.apiVersion,
    merchantId: i.merchantId,
  };
}

/**
 * First 6 + `xxxxxx`… + last 4. The network already masks; this re-masks
 * defensively so a full PAN can never leave the connector, even if an
 * answer (or a misbehaving proxy) carried one.
 */
export function maskCardNumber(number: string): string {
  const n = number.replace(/\s+/g, '');
  if (n.length <= 10) return n.replace(/\d(?=.{4})/g, 'x');
  return n.slice(0, 6) + n.slice(6, -4).replace(/\d/g, 'x') + n.slice(-4);
}

function text(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function toMaskedCard(card: WireCard | undefined): MaskedCard | null {
  if (!card || typeof card !== 'object') return null;
  const number = text(card.number);
  const month = text(card.expiry?.month);
  const year = text(card.expiry?.year);
  const masked: MaskedCard = {
    brand: text(card.brand),
    maskedNumber: number === null ? null : maskCardNumber(number),
    expiryMonth: month === null ? null : month.padStart(2, '0'),
    expiryYear: year,
  };
  if (masked.brand === null && masked.maskedNumber === null && month === null && year === null) return null;
  return masked;
}

/** Decimal strings from the answer's JSON numbers, for display and reconciliation only. */
function amountText(value: WireAmount | undefined): string | null {
  return text(value);
}

export function toPaymentOutcome(answer: WireTransactionAnswer, ids: { orderId: string; transactionId: string }): PaymentOutcome {
  const status = mapPaymentStatus({
    result: answer.result,
    ...(answer.response?.gatewayCode !== undefined && { gatewayCode: answer.response.gatewayCode }),
  });
  return {
    status,
    reconcile: status === 'pending',
    orderId: text(answer.order?.id) ?? ids.orderId,
    transactionId: text(answer.transaction?.id) ?? ids.transactionId,
    transactionType: text(answer.transaction?.type),
    result: text(answer.result),
    gatewayCode: text(answer.response?.gatewayCode),
    orderStatus: text(answer.order?.status),
    amount: amountText(answer.transaction?.amount),
    currency: text(answer.transaction?.currency),
    card: toMaskedCard(answer.sourceOfFunds?.provided?.card),
    securityCode: mapSecurityCode(text(answer.response?.cardSecurityCode?.gatewayCode) ?? undefined),
  };
}

export function toAuthenticationOutcome(answer: WireTransactionAnswer, ids: { orderId: string; authTransactionId: string }): AuthenticationOutcome {
  const authenticationStatus = text(answer.transaction?.authenticationStatus) ?? text(answer.order?.authenticationStatus);
  const gatewayRecommendation = text(answer.response?.gatewayRecommendation);
  const orderStatus = text(answer.order?.status);
  const status = mapAuthenticationStatus({
    result: answer.result,
    ...(gatewayRecommendation !== null && { gatewayRecommendation }),
    ...(authenticationStatus !== null && { authenticationStatus }),
    ...(orderStatus !== null && { orderStatus }),
  });
  return {
    status,
    orderId: text(answer.order?.id) ?? ids.orderId,
    authTransactionId: text(answer.transaction?.id) ?? ids.authTransactionId,
    result: text(answer.result),
    gatewayCode: text(answer.response?.gatewayCode),
    gatewayRecommendation,
    authenticationStatus,
    orderStatus,
    payerInteraction: text(answer.authentication?.payerInteraction),
    redirectHtml: text(answer.authentication?.redirect?.html) ?? text(answer.authentication?.redirectHtml),
    card: toMaskedCard(answer.sourceOfFunds?.provided?.card),
    securityCode: mapSecurityCode(text(answer.response?.cardSecurityCode?.gatewayCode) ?? undefined),
  };
}
