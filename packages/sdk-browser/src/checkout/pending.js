// @ts-check
/** Pending: the outcome is being settled; poll the status, then go on (to the merchant, or a fresh attempt). */
import { startCard } from './card.js';
import { startCountdown } from './countdown.js';
import { $ } from './dom.js';
import { declineMessage, handleError } from './errors.js';
import { t } from './messages.js';
import { alertBox, finish, leave } from './screen.js';
import { PdirectError } from './sdk.js';
import { client, merchantName, state } from './state.js';
import { showCheckout } from './summary.js';
import { returned } from './token.js';

/** How long the pending screen polls before it also offers the way back (ms), and how often. */
const PENDING_PATIENCE_MS = 60_000;
const POLL_MS = [1000, 2000, 3000, 5000];

export async function startPending() {
  if (state.polling) return;
  state.polling = true;
  finish('pending', 'final.pendingTitle', 'final.pendingText', null);
  const started = Date.now();
  for (let round = 0; ; round++) {
    /** @type {import('../pdirect.js').CheckoutStatusView | null} */
    let status = null;
    try {
      status = await client().getStatus();
    } catch (error) {
      if (error instanceof PdirectError && error.status > 0 && error.status < 500) {
        state.polling = false;
        await handleError(error);
        return;
      }
    }
    if (status) {
      const payment = status.payment;
      if ((status.status === 'paid' || (payment && payment.status === 'succeeded')) && status.redirect_url) {
        state.polling = false;
        leave(status.redirect_url);
        return;
      }
      if (status.status === 'open' || (status.status === 'processing' && payment && payment.status === 'requires_action' && !returned.kind)) {
        // The attempt failed (or was left at the bank's page): the session is open again — a fresh attempt.
        state.polling = false;
        await restartCard(payment && payment.status === 'failed' ? declineMessage(payment.failure_class || 'DECLINED') : '');
        return;
      }
      if (status.status === 'expired' || status.status === 'cancelled' || status.status === 'locked') {
        state.polling = false;
        const key = status.status === 'expired' ? 'expired' : status.status === 'cancelled' ? 'cancelled' : 'locked';
        finish('error', 'final.' + key + 'Title', 'final.' + key + 'Text', status.redirect_url);
        return;
      }
    }
    if (Date.now() - started >= PENDING_PATIENCE_MS && $('final-more').hidden) {
      // Still not settled: say so, and offer the way back (the merchant hears the outcome by webhook).
      $('final-more').textContent = t('final.pendingLater', { merchant: merchantName() || t('back.toMerchantGeneric') });
      $('final-more').hidden = false;
      // The way back is the "Back to {merchant}" control above: asked only when the shopper presses it
      // (a session still settling is left, not cancelled).
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS[Math.min(round, POLL_MS.length - 1)]));
  }
}
/** @param {string} message */
async function restartCard(message) {
  if (!state.checkout) {
    try {
      showCheckout(await client().getCheckout());
    } catch (error) {
      await handleError(error);
      return;
    }
  } else startCountdown();
  $('challenge').textContent = '';
  try {
    await startCard(true);
  } catch (error) {
    await handleError(error);
    return;
  }
  if (message) alertBox(message);
}
