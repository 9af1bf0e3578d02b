// @ts-check
/** The countdown to the session's expiry: a warning near the end, the expired screen at it. */
import { $ } from './dom.js';
import { t } from './messages.js';
import { backUrl, finish, inWords, setBackLink } from './screen.js';
import { merchantName, state, stopCountdown } from './state.js';

/** The countdown warning shows this long before the session expires. */
const WARN_BEFORE_MS = 120_000;

export function startCountdown() {
  stopCountdown();
  tick();
  state.ticker = setInterval(tick, 1000);
}
function tick() {
  if (!state.expiresAt || state.leaving) return;
  const left = state.expiresAt - Date.now();
  if (left <= 0) {
    stopCountdown();
    if (state.step === 'challenge' || state.polling) return; // the bank or the network decides now
    void expired();
    return;
  }
  if (left > WARN_BEFORE_MS || (state.step !== 'card' && state.step !== 'otp')) return;
  // Re-worded once a minute (then in seconds), not every second: a screen reader hears each change.
  const minutes = Math.ceil(left / 60_000);
  if (minutes === state.warnedMinutes) return;
  state.warnedMinutes = minutes;
  const warning = $('expiry-warning');
  warning.textContent = t('expiry.warning', { time: inWords(minutes >= 2 ? minutes * 60 : Math.ceil(left / 1000)), merchant: merchantName() });
  warning.hidden = false;
}
async function expired() {
  finish('error', 'final.expiredTitle', 'final.expiredText', null);
  setBackLink(await backUrl());
}
