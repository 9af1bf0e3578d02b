// @ts-check
/**
 * The hosted checkout page's script (GET /checkout/{session_id}): this module
 * and the ones it imports, joined by `npm run build` into dist/checkout.js,
 * which the gateway reads at boot and inlines in the page under the
 * response's CSP nonce. Type-checked (checkJs) against ../pdirect.d.ts.
 *
 * Card data never touches it: the browser SDK renders the card network's
 * hosted fields (through the adapter the card session names) in place of the
 * readonly inputs, and only the hosted-session id reaches the gateway.
 *
 * Every string comes from the message catalogue the page carries as JSON
 * (#checkout-messages, from the gateway's src/locales/checkout-messages.ts);
 * elements name their key in data-i18n, so switching to the session's locale
 * re-words the whole page.
 */
// The order of these imports is the order the modules run in (the build keeps it): the
// catalogue is read and the token leaves the address bar first, then the SDK loads (top-level
// await), and only then do the controls listen.
import { t } from './messages.js';
import { returned, sessionId, token, TOKEN } from './token.js';
import { createPdirect } from './sdk.js';
import { showBack } from './back.js';
import { startCard } from './card.js';
import './challenge.js';
import { declineMessage, handleError } from './errors.js';
import './otp.js';
import './payment.js';
import { startPending } from './pending.js';
import { alertBox, finish, say, setBusy, startOtp } from './screen.js';
import { client, state } from './state.js';
import { showCheckout } from './summary.js';

async function main() {
  if (!TOKEN.test(token)) {
    showBack();
    finish('error', 'final.incompleteTitle', 'final.incompleteText', null);
    return;
  }
  state.pdirect = createPdirect({ baseUrl: location.origin, sessionToken: token });
  if (returned.kind === 'pending') {
    // Back from the bank while the payment is still settling: wait here, never "failed".
    try {
      showCheckout(await client().getCheckout());
    } catch (error) {
      /* a session already final: the status poll below says where to go */
    }
    await startPending();
    return;
  }
  say(t('status.loading'), true);
  const checkout = await client().getCheckout();
  if (checkout.session_id !== sessionId) {
    finish('error', 'final.invalidTitle', 'final.invalidText', null);
    return;
  }
  showCheckout(checkout);
  if (checkout.status === 'processing' && returned.kind !== 'failed') {
    await startPending();
    return;
  }
  if (checkout.require_otp && !checkout.otp_verified) startOtp();
  else await startCard(false);
  if (returned.kind === 'failed') alertBox(declineMessage(returned.reason));
}

setBusy(true);
main()
  .catch(handleError)
  .finally(() => {
    if (!state.leaving) setBusy(false);
  });
