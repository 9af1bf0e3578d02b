/**
 * 3-D Secure in the page: the issuer's method in a hidden frame, the bank's
 * challenge in the page's container, and the browser details and challenge
 * window sizes 3-D Secure 2 asks for.
 */
import { pageNonce } from './page.js';

/** The challenge window sizes 3-D Secure 2 defines (width × height), largest first. */
const CHALLENGE_WINDOW_SIZES = [
  { value: '600_X_400', width: 600, height: 400 },
  { value: '500_X_600', width: 500, height: 600 },
  { value: '390_X_400', width: 390, height: 400 },
  { value: '250_X_400', width: 250, height: 400 },
];

/**
 * Shows a 3-D Secure `next_action.html` (the network's redirect html) in
 * `container`. The html holds a form that posts to the bank's challenge page
 * (ACS) inside an iframe, and a <script> that submits it. Scripts inserted
 * with innerHTML never run, so each one is re-created — as Mastercard
 * Gateway tells clients to do. On a page with a nonce-based
 * Content-Security-Policy the re-created scripts need the page's nonce:
 * pass it, or it is taken from the page's own nonce-carrying <script>.
 *
 * Only pass html that came from the gateway's collect answer: its scripts run
 * with the page's privileges.
 *
 * @returns {HTMLIFrameElement | null} the challenge iframe, when there is one
 */
export function showChallenge(container, html, showOptions = {}) {
  if (!container || typeof container.querySelectorAll !== 'function') throw new TypeError('showChallenge: container must be an element');
  if (typeof html !== 'string' || html === '') throw new TypeError('showChallenge: html must be the next_action.html string');
  const nonce = showOptions.nonce ?? pageNonce();
  // Inline style attributes would meet the page's Content-Security-Policy (a style-src
  // without 'unsafe-inline' refuses them, even while parsing): they are set aside before
  // the html is parsed and applied through the CSSOM, which the policy does not govern.
  const parsed = new DOMParser().parseFromString(withoutInlineStyles(html), 'text/html');
  const size = CHALLENGE_WINDOW_SIZES.find((s) => s.value === showOptions.windowSize);
  for (const frame of Array.from(parsed.body.querySelectorAll('iframe'))) {
    const hidden = frame.getAttribute('width') === '0' || frame.getAttribute('height') === '0';
    if (hidden) {
      frame.setAttribute('hidden', '');
      frame.setAttribute('aria-hidden', 'true');
      frame.setAttribute('tabindex', '-1');
      frame.removeAttribute(STYLE_ATTRIBUTE);
      continue;
    }
    if (frame.getAttribute('name') === 'challengeFrame') {
      // The EMV 3DS window asked for: the ACS lays its page out for exactly that size.
      frame.setAttribute('data-window-size', size ? size.value : 'FULL_SCREEN');
      // FULL_SCREEN in an embedded page: the container's whole width, 400 pixels high.
      frame.setAttribute('width', size ? String(size.width) : '100%');
      frame.setAttribute('height', size ? String(size.height) : '400');
      frame.removeAttribute(STYLE_ATTRIBUTE);
      if (showOptions.title) frame.setAttribute('title', showOptions.title);
    }
  }
  container.replaceChildren(...Array.from(parsed.body.childNodes).map((node) => document.importNode(node, true)));
  for (const element of Array.from(container.querySelectorAll(`[${STYLE_ATTRIBUTE}]`))) {
    if (element instanceof HTMLElement) element.style.cssText = element.getAttribute(STYLE_ATTRIBUTE) ?? '';
    element.removeAttribute(STYLE_ATTRIBUTE);
  }
  for (const inert of Array.from(container.querySelectorAll('script'))) {
    const live = document.createElement('script');
    for (const attribute of Array.from(inert.attributes)) {
      if (attribute.name !== 'nonce') live.setAttribute(attribute.name, attribute.value);
    }
    if (nonce) live.nonce = nonce;
    live.text = inert.text;
    inert.replaceWith(live);
  }
  const frame = container.querySelector('iframe[name="challengeFrame"]');
  if (frame && typeof showOptions.gatewayOrigin === 'string') followReturnInFrame(frame, showOptions.gatewayOrigin);
  return frame;
}

/**
 * The issuer's return should replace this page (target _parent); when it lands inside
 * the challenge frame instead, the gateway's page there posts `pdirect.3ds.return` with
 * the merchant's URL. Only that frame's message, from the gateway's origin, is heard.
 */
function followReturnInFrame(frame, gatewayOrigin) {
  const onMessage = (event) => {
    if (event.origin !== gatewayOrigin || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (!data || data.type !== 'pdirect.3ds.return' || typeof data.redirect_url !== 'string') return;
    let target;
    try {
      target = new URL(data.redirect_url);
    } catch {
      return;
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return;
    globalThis.removeEventListener('message', onMessage);
    location.assign(target.href);
  };
  globalThis.addEventListener('message', onMessage);
}

/** Where showChallenge keeps a tag's inline style until the CSSOM applies it. */
const STYLE_ATTRIBUTE = 'data-pdirect-style';

/** The html with each tag's `style="…"` renamed to data-pdirect-style (only inside tags). */
function withoutInlineStyles(html) {
  let previous;
  let current = html;
  do {
    previous = current;
    current = current.replace(/(<[A-Za-z][^<>]*?\s)style(\s*=\s*(?:"[^"]*"|'[^']*'))/g, `$1${STYLE_ATTRIBUTE}$2`);
  } while (current !== previous);
  return current;
}

/** How long the issuer's 3-D Secure method may take (EMV 3-D Secure: 10 seconds), in ms. */
export const METHOD_TIMEOUT_MS = 10_000;

/**
 * Runs the issuer's 3-D Secure method (`next_action.html` of type
 * `three_d_secure_method`): its form is posted into a hidden frame, and the
 * promise settles when the issuer's page has loaded, or after `timeoutMs`
 * (the payer is then authenticated without it, as 3-D Secure allows). The
 * html is parsed, never inserted: none of its markup or scripts run in the
 * page, so any Content-Security-Policy that allows the network's frames and
 * form targets (frame-src, form-action) allows this.
 */
export function runThreeDsMethod(html, timeoutMs) {
  const source = typeof html === 'string' ? new DOMParser().parseFromString(withoutInlineStyles(html), 'text/html').querySelector('form') : null;
  let action;
  try {
    action = source ? new URL(source.getAttribute('action') ?? '', location.href) : null;
  } catch {
    action = null;
  }
  if (!source || !action || (action.protocol !== 'https:' && action.protocol !== 'http:')) return Promise.resolve();
  const name = `pdirect3dsMethod${Math.random().toString(36).slice(2)}`;
  const frame = document.createElement('iframe');
  frame.name = name;
  frame.title = '3-D Secure';
  frame.tabIndex = -1;
  frame.setAttribute('aria-hidden', 'true');
  frame.style.display = 'none';
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = action.href;
  form.target = name;
  form.style.display = 'none';
  for (const input of Array.from(source.querySelectorAll('input[name]'))) {
    const field = document.createElement('input');
    field.type = 'hidden';
    field.name = input.getAttribute('name') ?? '';
    field.value = input.getAttribute('value') ?? '';
    form.append(field);
  }
  document.body.append(frame, form);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      form.remove();
      frame.remove();
      resolve(undefined);
    };
    const timer = setTimeout(done, timeoutMs);
    frame.addEventListener('load', done, { once: true });
    form.submit();
  });
}

/**
 * The `browser` object of a collect request, for 3-D Secure 2 (the bank
 * uses it for risk checks and to size the challenge). `acceptHeaders` is not
 * set here (a page cannot read them): a value the page passes in `browser`
 * is kept and sent as given, and otherwise the gateway takes the Accept
 * header of the request itself. Java is reported as unavailable, as it is
 * in every current browser; the gateway adds the User-Agent it received.
 */
export function browserDetails() {
  const screen = globalThis.screen ?? {};
  const details = {
    challengeWindowSize: challengeWindowSize(globalThis.innerWidth, globalThis.innerHeight),
    javaEnabled: false,
    language: String(globalThis.navigator?.language || 'en').slice(0, 35),
    timeZone: new Date().getTimezoneOffset(),
  };
  if (Number.isInteger(screen.colorDepth) && screen.colorDepth >= 1 && screen.colorDepth <= 64) details.colorDepth = screen.colorDepth;
  if (Number.isFinite(screen.width) && screen.width >= 0) details.screenWidth = Math.round(screen.width);
  if (Number.isFinite(screen.height) && screen.height >= 0) details.screenHeight = Math.round(screen.height);
  return details;
}

/**
 * The EMV 3DS challenge window for a container of this width: the widest
 * 400-pixel-high window that fits (600×400, 390×400, 250×400), so the
 * issuer's page needs no scrolling and leaves no large empty area; narrower
 * containers get FULL_SCREEN (the container's width).
 */
export function challengeWindowForWidth(containerWidth) {
  if (containerWidth >= 600) return '600_X_400';
  if (containerWidth >= 390) return '390_X_400';
  if (containerWidth >= 250) return '250_X_400';
  return 'FULL_SCREEN';
}

/**
 * The largest 3-D Secure 2 challenge window that fits the viewport with
 * room to spare; phones and small windows get FULL_SCREEN.
 */
export function challengeWindowSize(viewportWidth, viewportHeight) {
  if (!(viewportWidth >= 600)) return 'FULL_SCREEN';
  const fit = CHALLENGE_WINDOW_SIZES.filter((size) => size.value !== '600_X_400').find(
    (size) => size.width + 40 <= viewportWidth && size.height + 160 <= viewportHeight,
  );
  return fit ? fit.value : 'FULL_SCREEN';
}
