import type { OtpChannel } from '../../storage/schema.js';

const HIDDEN = '•••';

/**
 * Where a code went, in a form that confirms it to the customer without
 * disclosing it to whoever holds the session token: `+44•••••0123`,
 * `a•••@example.com`. The number of bullets is fixed, so the length is not told.
 */
export function maskDestination(channel: OtpChannel, destination: string): string {
  return channel === 'sms' ? maskPhone(destination) : maskEmail(destination);
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  // Short numbers show less of their tail, so most of the number always stays hidden.
  const tail = digits.length >= 10 ? 4 : 2;
  return `+${digits.slice(0, 2)}•••••${digits.slice(-tail)}`;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return HIDDEN;
  return `${email.slice(0, 1)}${HIDDEN}${email.slice(at)}`;
}
