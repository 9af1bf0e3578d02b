// @ts-check
/** Errors that end the checkout, and the rest; what the shopper reads about a declined card. */
import { t } from './messages.js';
import { PdirectError } from './sdk.js';
import { alertBox, backUrl, finish, say, setBackLink, startOtp, withReference } from './screen.js';
import { forgetToken } from './token.js';

/** @param {import('../pdirect.js').PdirectError} error @returns {[string, string] | null} */
function ending(error) {
  switch (error.code) {
    case '1001':
    case '1002':
      return ['final.invalidTitle', 'final.invalidText'];
    case '1004':
      return ['final.expiredTitle', 'final.expiredText'];
    case '1005':
      if (/paid/.test(error.message)) return ['final.paidTitle', 'final.paidText'];
      if (/cancel/.test(error.message)) return ['final.cancelledTitle', 'final.cancelledText'];
      return ['final.inProgressTitle', 'final.inProgressText'];
    case '1006':
      return ['final.deviceTitle', 'final.deviceText'];
    default:
      return null;
  }
}
/** @param {any} error an Error, a PdirectError, or whatever was thrown */
export async function handleError(error) {
  if (!(error instanceof PdirectError)) {
    console.error(error);
    alertBox(t('error.generic'));
    return;
  }
  const end = ending(error);
  if (end) {
    if (error.code === '1001' || error.code === '1002') forgetToken();
    finish('error', end[0], end[1], null);
    if (error.code !== '1001' && error.code !== '1002' && error.code !== '1006') setBackLink(await backUrl());
    return;
  }
  if (error.code === '1403') {
    startOtp();
    return;
  }
  say('');
  if (error.code === '1602' || error.code === '1603') alertBox(t('decline.refused'));
  else if (error.code === 'connection_error') alertBox(t('error.connection'));
  else alertBox(withReference(t('error.server'), error));
}
/**
 * What the shopper reads about a failed attempt, by class — the network's code is the merchant's business.
 * Takes a failure class (from the gateway) or a network code (from a 1601 message).
 * @param {string} codeOrClass
 */
export function declineMessage(codeOrClass) {
  const code = String(codeOrClass || '').toUpperCase();
  if (code === 'AUTHENTICATION' || code === 'AUTHENTICATION_FAILED') return t('decline.authentication');
  if (code === 'EXPIRED_CARD') return t('decline.expiredCard');
  if (code === 'SECURITY_CODE' || code === 'DECLINED_CSC' || code === 'DECLINED_AVS_CSC') return t('decline.securityCode');
  if (code === 'INSUFFICIENT_FUNDS') return t('decline.insufficientFunds');
  if (['UNAVAILABLE', 'TIMED_OUT', 'ACQUIRER_SYSTEM_ERROR', 'UNSPECIFIED_FAILURE', 'SYSTEM_ERROR', 'UNKNOWN'].includes(code)) return t('decline.unavailable');
  if (code === 'REFUSED' || code === 'BLOCKED' || code === 'REFERRED') return t('decline.refused');
  if (code === 'DECLINED' || code === 'EXPIRED_CARD' || code === 'DO_NOT_HONOUR') return t('decline.declined');
  return code ? t('decline.declined') : t('decline.generic');
}
