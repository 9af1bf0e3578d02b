// @ts-check
/** The summary at the top: merchant, amount, order; and what follows from the session (locale, countdown). */
import { showBack } from './back.js';
import { startCountdown } from './countdown.js';
import { $ } from './dom.js';
import { applyLocale, locale, t } from './messages.js';
import { state } from './state.js';

/** Currencies shown without decimals when the amount is whole (the ISO exponent is 2; shoppers never see sen). */
const WHOLE_DISPLAY = new Set(['IDR']);
/** @param {string} amount @param {string} currency */
function formatAmount(amount, currency) {
  const code = currency.toUpperCase();
  const whole = !/\.\d*[1-9]/.test(amount);
  const tag = locale === 'id' ? 'id-ID' : locale === 'en' ? 'en-US' : locale;
  try {
    /** @type {Intl.NumberFormatOptions} */
    const options = { style: 'currency', currency: code };
    if (WHOLE_DISPLAY.has(code) && whole) {
      options.minimumFractionDigits = 0;
      options.maximumFractionDigits = 0;
    }
    return new Intl.NumberFormat(tag, options).format(Number(amount));
  } catch (e) {
    return amount + ' ' + code;
  }
}
/** @param {import('../pdirect.js').Checkout} checkout */
export function showCheckout(checkout) {
  state.checkout = checkout;
  applyLocale(checkout.locale || locale);
  state.amount = formatAmount(checkout.amount, checkout.currency);
  $('merchant').textContent = checkout.merchant_name;
  $('amount').textContent = state.amount;
  $('order').textContent = t('summary.order', { order: checkout.order_id });
  $('pay-label').textContent = t('card.pay', { amount: state.amount });
  document.title = t('page.titleWithMerchant', { merchant: checkout.merchant_name, amount: state.amount });
  for (const el of document.querySelectorAll('.skeleton')) el.classList.remove('skeleton');
  state.expiresAt = Date.parse(checkout.expires_at) || 0;
  showBack();
  startCountdown();
}
