// @ts-check
/** The card form: the card network's hosted fields, through the SDK's adapter. */
import { $ } from './dom.js';
import { locale, t } from './messages.js';
import { alertBox, fieldError, focusHeading, say, setBusy, show } from './screen.js';
import { client, state } from './state.js';

/** The nonce of the page's own script, for the scripts the SDK adds to it (the card network's, 3-D Secure's). */
export const NONCE = /** @type {HTMLScriptElement} */ (document.querySelector('script[nonce]')).nonce;

const FIELDS = {
  number: '#card-number',
  securityCode: '#security-code',
  expiryMonth: '#expiry-month',
  expiryYear: '#expiry-year',
  nameOnCard: '#name-on-card',
};
/** Per hosted field: its element id on this page. @type {Record<string, string>} */
const FIELD_IDS = {
  number: 'card-number',
  expiryMonth: 'expiry-month',
  expiryYear: 'expiry-year',
  securityCode: 'security-code',
  nameOnCard: 'name-on-card',
};

/** @param {boolean} moveFocus */
export async function startCard(moveFocus) {
  show('card');
  say(t('status.loadingCard'), true);
  if (moveFocus) focusHeading('card');
  await openCardForm();
  say('');
}
export async function openCardForm() {
  state.fieldsReady = false;
  setBusy(state.busy);
  const card = await client().openCardSession();
  // The SDK picks the card network's adapter from the session (card.network); the page never talks to the network's script.
  // Mounting again on the same form keeps the frames: the name typed stays, the card is typed again.
  state.fields = await client().mountCardFields(card, {
    fields: FIELDS,
    nonce: NONCE,
    locale,
    onEnter: () => $('card-form').requestSubmit(),
  });
  state.fieldsReady = true;
  setBusy(state.busy);
}
/** @param {Record<string, string>} errors */
export function showFieldErrors(errors) {
  const problems = [];
  for (const key of Object.keys(errors)) {
    const id = FIELD_IDS[key];
    if (!id) continue;
    const text = t('field.' + key + '.' + (errors[key] === 'missing' ? 'missing' : 'invalid'));
    fieldError(id, text + '.');
    problems.push(text.charAt(0).toLocaleLowerCase(locale) + text.slice(1));
  }
  say('');
  alertBox(problems.length ? t('form.checkDetails', { problems: problems.join('; ') }) : t('form.checkDetailsGeneric'));
}
