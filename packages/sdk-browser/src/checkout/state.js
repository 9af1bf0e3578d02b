// @ts-check
/** Where the checkout stands: one object the page's steps share. */

/**
 * @type {{ pdirect: import('../pdirect.js').Pdirect | null, checkout: import('../pdirect.js').Checkout | null, amount: string,
 *   fields: import('../pdirect.js').CardFields | null, fieldsReady: boolean, busy: boolean, leaving: boolean, step: string,
 *   expiresAt: number, warnedMinutes: number, ticker: ReturnType<typeof setInterval> | null, polling: boolean }}
 */
export const state = {
  pdirect: null,
  checkout: null,
  amount: '',
  fields: null,
  fieldsReady: false,
  busy: false,
  leaving: false,
  step: '',
  expiresAt: 0,
  warnedMinutes: 0,
  ticker: null,
  polling: false,
};
/** The client, once main() made it. */
export const client = () => /** @type {import('../pdirect.js').Pdirect} */ (state.pdirect);
export const merchantName = () => (state.checkout ? state.checkout.merchant_name : '');
/** The countdown's ticker stops (countdown.js starts it; every final screen stops it). */
export function stopCountdown() {
  if (state.ticker) clearInterval(state.ticker);
  state.ticker = null;
}
