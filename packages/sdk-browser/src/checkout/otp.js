// @ts-check
/** The one-time code: send, resend, verify, and the rate limit. */
import { startCard } from './card.js';
import { $ } from './dom.js';
import { handleError } from './errors.js';
import { t } from './messages.js';
import { PdirectError } from './sdk.js';
import { alertBox, clearAlert, clearFieldErrors, fieldError, inWords, say, setBusy } from './screen.js';
import { client, state } from './state.js';

/** @param {'send' | 'resend'} kind */
async function requestCode(kind) {
  if (state.busy) return;
  setBusy(true);
  clearAlert();
  say(t('status.sendingCode'), true);
  try {
    const answer = kind === 'send' ? await client().sendOtp() : await client().resendOtp();
    const to = answer && typeof answer.sent_to === 'string' ? answer.sent_to : '';
    $('otp-send').hidden = true;
    $('otp-form').hidden = false;
    say(to ? t('status.codeSentTo', { to }) : t('status.codeSent'));
    $('otp-code').focus();
  } catch (error) {
    await otpError(error);
  } finally {
    setBusy(false);
  }
}
/** @param {number | null} seconds */
function lockOtp(seconds) {
  const buttons = [$('otp-send'), $('otp-verify'), $('otp-resend')];
  for (const b of buttons) {
    b.dataset.locked = 'true';
    b.disabled = true;
  }
  setTimeout(
    () => {
      for (const b of buttons) {
        b.dataset.locked = '';
        b.disabled = state.busy;
      }
    },
    (seconds || 60) * 1000,
  );
}
/** @param {unknown} error */
async function otpError(error) {
  if (error instanceof PdirectError && error.code === '1401') {
    say('');
    fieldError('otp-code', t('otp.wrongCode'));
    $('otp-code').focus();
    return;
  }
  if (error instanceof PdirectError && error.code === '1402') {
    say('');
    alertBox(t('otp.tooMany', { wait: inWords(error.retryAfter || 60) }));
    lockOtp(error.retryAfter);
    return;
  }
  await handleError(error);
}
$('otp-send').addEventListener('click', () => requestCode('send'));
$('otp-resend').addEventListener('click', () => requestCode('resend'));
$('otp-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (state.busy) return;
  clearFieldErrors();
  clearAlert();
  const code = $('otp-code').value.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(code)) {
    fieldError('otp-code', t('otp.enterCode'));
    $('otp-code').focus();
    return;
  }
  setBusy(true);
  say(t('status.checkingCode'), true);
  try {
    await client().verifyOtp(code);
    await startCard(true);
  } catch (error) {
    await otpError(error);
  } finally {
    setBusy(false);
  }
});
