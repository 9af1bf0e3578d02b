// @ts-check
/** Small UI helpers: which step shows, the status line, the alert, field errors, the final screen. */
import { $ } from './dom.js';
import { t } from './messages.js';
import { client, merchantName, state, stopCountdown } from './state.js';

/** @param {string} step */
export function show(step) {
  state.step = step;
  for (const s of document.querySelectorAll('section.step')) /** @type {HTMLElement} */ (s).hidden = s.id !== 'step-' + step;
}
/** @param {string} step */
export function focusHeading(step) {
  const h = /** @type {HTMLElement | null} */ (document.querySelector('#step-' + step + ' h2'));
  if (h) h.focus();
}
/** @param {string} text @param {boolean} [working] */
export function say(text, working) {
  const status = $('status');
  status.textContent = '';
  if (working) {
    const spin = document.createElement('span');
    spin.className = 'spinner';
    spin.setAttribute('aria-hidden', 'true');
    status.append(spin);
  }
  status.append(text || '');
}
/** @param {string} text */
export function alertBox(text) {
  const a = $('alert');
  a.textContent = text;
  a.hidden = false;
  a.focus();
}
export function clearAlert() {
  $('alert').hidden = true;
  $('alert').textContent = '';
}
/** @param {string} text @param {{ requestId?: string | null } | undefined} error */
export function withReference(text, error) {
  return error && error.requestId ? text + ' ' + t('error.reference', { reference: error.requestId }) : text;
}
/** @param {number} seconds */
export function inWords(seconds) {
  return seconds >= 90 ? t('time.minutes', { n: Math.ceil(seconds / 60) }) : t('time.seconds', { n: seconds });
}
/** @param {string} id @param {string} text */
export function fieldError(id, text) {
  const message = $(id + '-error');
  message.textContent = text;
  message.hidden = false;
  message.closest('.field')?.classList.add('invalid');
  const input = $(id);
  if (input && !input.classList.contains('hosted')) input.setAttribute('aria-invalid', 'true');
}
export function clearFieldErrors() {
  for (const message of document.querySelectorAll('p.field-error')) {
    /** @type {HTMLElement} */ (message).hidden = true;
    message.textContent = '';
  }
  for (const field of document.querySelectorAll('.field.invalid')) field.classList.remove('invalid');
  for (const input of document.querySelectorAll('#main [aria-invalid]')) input.removeAttribute('aria-invalid');
}
/** @param {boolean} on */
export function setBusy(on) {
  state.busy = on;
  $('main').setAttribute('aria-busy', on ? 'true' : 'false');
  for (const button of document.querySelectorAll('button')) {
    button.disabled = (on && button.id !== 'back') || button.dataset.locked === 'true' || (button.id === 'pay' && !state.fieldsReady);
  }
}
/**
 * A screen that ends the checkout (or waits): title, text, and the way back when known.
 * @param {'success' | 'error' | 'pending'} kind @param {string} titleKey @param {string} textKey @param {string | null} [backUrl]
 */
export function finish(kind, titleKey, textKey, backUrl) {
  stopCountdown();
  if (!state.checkout) $('summary').hidden = true; // nothing to summarise: no empty placeholders
  show('final');
  say('');
  clearAlert();
  $('expiry-warning').hidden = true;
  $('step-final').dataset.kind = kind;
  const merchant = merchantName() || t('back.toMerchantGeneric');
  $('final-title').textContent = t(titleKey, { merchant });
  $('final-text').textContent = t(textKey, { merchant });
  $('final-more').hidden = true;
  setBackLink(backUrl || null);
  focusHeading('final');
}
/** @param {string | null} url */
export function setBackLink(url) {
  const link = $('final-back');
  if (url && /^https?:/.test(new URL(url, location.href).protocol)) {
    link.href = url;
    link.textContent = merchantName() ? t('back.toMerchant', { merchant: merchantName() }) : t('back.toMerchantGeneric');
    link.hidden = false;
  } else {
    link.hidden = true;
    link.removeAttribute('href');
  }
}
/** Asks where to go back to (allowed in any state); null when the gateway cannot say. */
export async function backUrl() {
  try {
    return (await client().getStatus()).redirect_url;
  } catch (e) {
    return null;
  }
}
/** The one-time code step (handleError opens it too, when the gateway asks for the code). */
export function startOtp() {
  show('otp');
  say('');
  focusHeading('otp');
}
/** @param {string} url */
export function leave(url) {
  const target = new URL(url, location.href);
  state.leaving = true;
  finish('success', 'final.success', 'final.successText', null);
  if (target.protocol === 'https:' || target.protocol === 'http:') location.assign(target.href);
}
