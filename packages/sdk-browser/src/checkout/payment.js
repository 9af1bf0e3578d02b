// @ts-check
/** Paying: the card form's submit, the collect call and what its answer (or error) leads to. */
import { openCardForm, showFieldErrors } from './card.js';
import { challenge } from './challenge.js';
import { $ } from './dom.js';
import { declineMessage, handleError } from './errors.js';
import { locale, t } from './messages.js';
import { startPending } from './pending.js';
import { alertBox, clearAlert, clearFieldErrors, leave, say, setBusy } from './screen.js';
import { sdk, PdirectError } from './sdk.js';
import { client, state } from './state.js';

$('card-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (state.busy || !state.fieldsReady) return;
  setBusy(true);
  clearAlert();
  clearFieldErrors();
  say(t('status.checkingCard'), true);
  try {
    const update = await /** @type {import('../pdirect.js').CardFields} */ (state.fields).submit();
    if (update.status === 'fields_in_error') {
      showFieldErrors(update.errors || {});
      return;
    }
    if (update.status === 'request_timeout') {
      say('');
      alertBox(t('form.timedOut'));
      await openCardForm();
      return;
    }
    if (update.status !== 'ok') {
      say('');
      alertBox(t('form.couldNotCheck'));
      return;
    }
    await pay();
  } catch (error) {
    await paymentError(error);
  } finally {
    if (!state.leaving) setBusy(false);
  }
});
async function pay() {
  say(t('status.processing'), true);
  // The challenge window (EMV 3DS sizes): on a phone the full width of the screen, else the one that fits
  // this column; the bank's page speaks the checkout's language.
  const windowSize = innerWidth < 600 ? 'FULL_SCREEN' : sdk.challengeWindowForWidth($('card-form').clientWidth);
  const browser = { ...sdk.browserDetails(), challengeWindowSize: windowSize, language: locale === 'id' ? 'id-ID' : locale };
  const payment = await client().collect({ hostedSessionId: /** @type {import('../pdirect.js').CardFields} */ (state.fields).hostedSessionId, browser });
  // An authorization waiting for the merchant's capture (manual capture, review) is a completed checkout too.
  if (payment.status === 'succeeded' || payment.status === 'requires_capture') {
    leave(String(payment.redirect_url));
    return;
  }
  if (payment.status === 'requires_action' && payment.next_action) {
    challenge(payment.next_action.html, windowSize);
    return;
  }
  if (payment.status === 'pending' || payment.status === 'processing' || payment.status === 'capturing') {
    await startPending();
    return;
  }
  say('');
  alertBox(declineMessage(payment.gateway_code || ''));
  await openCardForm();
}
/** @param {unknown} error */
async function paymentError(error) {
  if (error instanceof PdirectError && (error.code === '1601' || error.code === '1602' || (error.code === '1010' && /hosted_session_id/.test(error.message)))) {
    say('');
    const why = /\(([A-Z_]+)\)/.exec(error.message);
    const securityCode = /\(security code (no_match|not_provided)\)/.exec(error.message);
    if (securityCode) alertBox(t('decline.securityCode'));
    else if (error.code === '1601') alertBox(declineMessage(why && why[1] ? why[1] : 'DECLINED'));
    else if (error.code === '1602') alertBox(t('decline.refused'));
    else alertBox(t('form.expired'));
    try {
      await openCardForm();
    } catch (e) {
      await handleError(e);
    }
    return;
  }
  await handleError(error);
}
