/** What the SDK reads from the page it runs in. */

/** The nonce of the page's own scripts (the `nonce` attribute is hidden from the DOM; the property is not). */
export function pageNonce() {
  const script = globalThis.document?.querySelector('script[nonce]');
  return script && script.nonce ? script.nonce : undefined;
}
