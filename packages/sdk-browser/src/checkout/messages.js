// @ts-check
/**
 * Every string on the page comes from the message catalogue the page carries
 * as JSON (#checkout-messages, from the gateway's src/locales/checkout-messages.ts);
 * elements name their key in data-i18n, so switching to the session's locale
 * re-words the whole page.
 */
import { $ } from './dom.js';

/** @type {Record<string, Record<string, string>>} */
const CATALOGUE = JSON.parse($('checkout-messages').textContent || '{}');
export let locale = CATALOGUE[document.documentElement.lang] ? document.documentElement.lang : 'en';
/** @param {string} key @param {Record<string, string | number>} [values] */
export function t(key, values) {
  const own = CATALOGUE[locale];
  const fallback = CATALOGUE.en;
  const text = (own && own[key]) || (fallback && fallback[key]) || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (values && Object.hasOwn(values, name) ? String(values[name]) : whole));
}
/** @param {string} code */
export function applyLocale(code) {
  if (!CATALOGUE[code]) return;
  locale = code;
  document.documentElement.lang = code;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(/** @type {HTMLElement} */ (el).dataset.i18n || '');
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.setAttribute('title', t(/** @type {HTMLElement} */ (el).dataset.i18nTitle || ''));
  for (const el of document.querySelectorAll('[data-i18n-aria-label]'))
    el.setAttribute('aria-label', t(/** @type {HTMLElement} */ (el).dataset.i18nAriaLabel || ''));
}
