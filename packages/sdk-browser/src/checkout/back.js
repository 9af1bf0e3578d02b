// @ts-check
/** The way back to the merchant ("Back to {merchant}", at the top of every screen). */
import { $ } from './dom.js';
import { t } from './messages.js';
import { backUrl, say } from './screen.js';
import { client, merchantName, state } from './state.js';

export function showBack() {
  const back = $('back');
  if (state.checkout) $('back-label').textContent = t('back.toMerchant', { merchant: merchantName() });
  else $('back-label').textContent = t('back.toMerchantGeneric');
  // Without a session (incomplete link) the only way back is the browser's history.
  back.hidden = !state.checkout && history.length < 2;
}
$('back').addEventListener('click', async () => {
  if (!state.checkout || !state.pdirect) {
    history.back();
    return;
  }
  $('back').disabled = true;
  say(t('back.cancelling'), true);
  let url = null;
  try {
    url = (await client().cancel()).redirect_url;
  } catch (error) {
    url = await backUrl();
  }
  state.leaving = true;
  if (url) location.assign(url);
  else history.back();
});
