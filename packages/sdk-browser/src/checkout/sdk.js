// @ts-check
/** The browser SDK, loaded from the gateway (/sdk/pdirect.js) beside this page. */
import { $ } from './dom.js';
import { t } from './messages.js';

/** @type {typeof import('../pdirect.js')} */
export let sdk;
try {
  sdk = await import(/** @type {string} */ ('/sdk/pdirect.js'));
} catch (error) {
  $('status').textContent = t('status.loadFailed');
  throw error;
}
export const createPdirect = sdk.createPdirect;
export const PdirectError = sdk.PdirectError;
