// @ts-check
/**
 * The session token and where we came from.
 *
 * The session token travels in the fragment, which browsers never send to a server.
 * Take it, then drop it from the address bar at once; keep it for this tab (session
 * storage and this history entry's state), so a reload, Back after paying or the
 * return from the bank's page still finds it.
 */
export const TOKEN = /^pd_st_[A-Za-z0-9_-]{43}$/;
export const sessionId = location.pathname.split('/').pop() || '';
const storageKey = 'pdirect.checkout.' + sessionId;

const params = new URLSearchParams(location.search);
/** Set by the gateway when the browser comes back from 3-D Secure: pending | failed (and why). */
export const returned = { kind: params.get('return') || '', reason: params.get('reason') || '' };
export const token = takeToken();
function takeToken() {
  let value = '';
  if (location.hash.length > 1) value = location.hash.slice(1);
  else if (history.state && typeof history.state.pdirectToken === 'string') value = history.state.pdirectToken;
  else {
    try {
      value = sessionStorage.getItem(storageKey) || '';
    } catch (e) {
      value = '';
    }
  }
  if (TOKEN.test(value)) {
    history.replaceState({ pdirectToken: value }, '', location.pathname);
    try {
      sessionStorage.setItem(storageKey, value);
    } catch (e) {
      /* storage disabled: this history entry still has it */
    }
  } else if (returned.kind) {
    history.replaceState(history.state, '', location.pathname);
  }
  return value;
}
export function forgetToken() {
  history.replaceState(null, '', location.pathname);
  try {
    sessionStorage.removeItem(storageKey);
  } catch (e) {
    /* nothing stored */
  }
}
