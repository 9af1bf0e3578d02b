// @ts-check
/**
 * 3-D Secure: the bank's page runs in an iframe; when it is done it posts to the
 * gateway with target _parent, so this whole page moves on (to the merchant, or
 * back here: the pending screen, or the form after a failed authentication).
 */
import { NONCE, openCardForm } from './card.js';
import { $ } from './dom.js';
import { handleError } from './errors.js';
import { t } from './messages.js';
import { focusHeading, say, setBusy, show } from './screen.js';
import { client, state } from './state.js';

/** @param {string} html @param {import('../pdirect.js').ChallengeWindowSize} windowSize */
export function challenge(html, windowSize) {
  show('challenge');
  say('');
  $('expiry-warning').hidden = true;
  focusHeading('challenge');
  client().showChallenge($('challenge'), html, { nonce: NONCE, windowSize, title: t('challenge.frameTitle') });
}
$('challenge-cancel').addEventListener('click', async () => {
  if (state.busy) return;
  $('challenge').textContent = '';
  show('card');
  setBusy(true);
  say(t('status.loadingCard'), true);
  try {
    await openCardForm();
    say('');
  } catch (error) {
    await handleError(error);
  } finally {
    setBusy(false);
  }
  focusHeading('card');
});
