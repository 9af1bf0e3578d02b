/*
 * @pdirect/angular: providePdirect(), PdirectCheckoutService and
 * <pdirect-card-form>, on top of @pdirect/browser.
 */
export { providePdirect, PDIRECT_CONFIG, type PdirectConfig } from './config';
export { PdirectCheckoutService, type PaymentSessionApi } from './checkout.service';
export { PdirectCardFormComponent } from './card-form.component';
export type { PdirectCardFormError } from './card-form.messages';
export { PdirectError, deviceFingerprint } from '@pdirect/browser';
export type { Checkout, CardSession, Payment, CollectOptions, BrowserDetails } from '@pdirect/browser';
