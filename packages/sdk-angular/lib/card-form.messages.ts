import { PdirectError, type Checkout } from '@pdirect/browser';
import type { FieldKey } from './hosted-fields';

/** What `(failed)` emits: the checkout cannot go on in this form (expired, paid, other device, unreachable...). */
export interface PdirectCardFormError {
  /** The gateway's error_code ("1004", "1006", ...), "connection_error", "invalid_response" or "card_form". */
  code: string;
  /** A sentence for the customer. */
  message: string;
  /** X-Request-Id of the failed request, for support. */
  requestId: string | null;
}

/** session.js error keys → our field, and the words for "missing" and "invalid". */
const FIELD_ERRORS: Record<string, [FieldKey, string, string]> = {
  cardNumber: ['number', 'Enter your card number', 'Check your card number'],
  expiryMonth: ['expiryMonth', 'Enter the expiry month', 'Enter the expiry month as MM'],
  expiryYear: ['expiryYear', 'Enter the expiry year', 'Check the expiry year'],
  securityCode: ['securityCode', 'Enter the security code', 'Enter the 3 or 4 digit security code'],
  nameOnCard: ['nameOnCard', 'Enter the name on the card', 'Check the name on the card'],
};

/** session.js's field errors → the message under each field, and the alert that sums them up. */
export function fieldErrorMessages(errors: Record<string, string>): { shown: Partial<Record<FieldKey, string>>; alert: string } {
  const shown: Partial<Record<FieldKey, string>> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(errors)) {
    const known = FIELD_ERRORS[key];
    if (!known) continue;
    const text = value === 'missing' ? known[1] : known[2];
    shown[known[0]] = `${text}.`;
    problems.push(text.charAt(0).toLowerCase() + text.slice(1));
  }
  return { shown, alert: problems.length ? `Please check your card details: ${problems.join('; ')}.` : 'Please check your card details.' };
}

/** A failure the form cannot recover from, in words for the customer. */
export function describeFailure(error: unknown): PdirectCardFormError {
  const pd = error instanceof PdirectError ? error : null;
  const code = pd?.code ?? 'card_form';
  const requestId = pd?.requestId ?? null;
  let message: string;
  if (code === '1004') message = 'This checkout has expired. Nothing was charged. Go back to the merchant to start again.';
  else if (code === '1005') message = 'This checkout is already paid or cancelled. There is nothing more to pay.';
  else if (code === '1006') message = 'This checkout was opened on another device. Finish it there, or go back to the merchant to start again.';
  else if (code === 'connection_error') message = pd!.message;
  else message = `${sentence(error instanceof Error && error.message ? error.message : 'Something went wrong')}${requestId ? ` (reference ${requestId})` : ''}`;
  return { code, message, requestId };
}

/**
 * The alert for a payment error after which another card can be tried (declined, refused, the card
 * form's session expired); null for any other error.
 */
export function anotherCardAlert(error: unknown): string | null {
  if (!(error instanceof PdirectError)) return null;
  if (error.code === '1601') return 'Your bank declined the card. No money was taken. Try another card or contact your bank.';
  if (error.code === '1602') return 'This payment could not be accepted. Try another card, or contact the merchant.';
  if (error.code === '1010' && /hosted_session_id/.test(error.message)) return 'The card form expired. Please enter your card details again.';
  return null;
}

/** The checkout's amount in `locale` (default: the browser's). */
export function formatAmount(checkout: Checkout, locale: string | undefined): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: checkout.currency.toUpperCase() }).format(Number(checkout.amount));
  } catch {
    return `${checkout.amount} ${checkout.currency.toUpperCase()}`;
  }
}

/** The text as a sentence: capitalised, with a full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
