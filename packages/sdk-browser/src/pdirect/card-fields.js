import { pageNonce } from './page.js';

/**
 * Renders the card network's hosted card fields for a card session (from
 * openCardSession()) in place of the page's placeholder elements, through
 * the adapter of the network the session names (`cardSession.network`).
 * Pages never talk to a network's own script.
 *
 * `fields` maps the neutral field names (number, securityCode, expiryMonth,
 * expiryYear, nameOnCard) to CSS selectors of the placeholders. The answer's
 * `submit()` asks the network to take what the customer typed into the
 * hosted session: `{ status: 'ok' }`, `{ status: 'fields_in_error', errors:
 * { number: 'missing' | 'invalid', ... } }`, `{ status: 'request_timeout' }`
 * or another status with `errors.message`.
 *
 * @returns {Promise<{ network: string, hostedSessionId: string, submit(): Promise<{ status: string, errors?: Record<string, string> }> }>}
 */
export async function mountCardFields(cardSession, mountOptions) {
  const network = cardSession?.network ?? 'mpgs'; // gateways before the tag served Mastercard Gateway sessions only
  const adapter = Object.hasOwn(CARD_FIELD_ADAPTERS, network) ? CARD_FIELD_ADAPTERS[network] : undefined;
  if (!adapter) throw new TypeError(`mountCardFields: this SDK has no adapter for card network "${network}"`);
  if (!mountOptions || typeof mountOptions.fields !== 'object') throw new TypeError('mountCardFields: fields (name → CSS selector) is required');
  return adapter(cardSession, {
    fields: mountOptions.fields,
    nonce: mountOptions.nonce ?? pageNonce(),
    locale: mountOptions.locale ?? globalThis.document?.documentElement.lang ?? undefined,
    onEnter: typeof mountOptions.onEnter === 'function' ? mountOptions.onEnter : undefined,
  });
}

// -- card-field adapters: one per card network ----------------------------------

/**
 * Mastercard Gateway: session.js (from the card session's `session_js_url`)
 * replaces the placeholders with iframes on the network's origin.
 */
async function mountMpgsFields(cardSession, { fields, nonce, locale, onEnter }) {
  const unavailable = () => new Error('The secure card form could not be loaded');
  if (!globalThis.PaymentSession) {
    await new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = cardSession.session_js_url;
      if (nonce) script.nonce = nonce;
      script.onload = () => (globalThis.PaymentSession ? resolve(undefined) : reject(unavailable()));
      script.onerror = () => reject(unavailable());
      document.head.append(script);
    });
  }
  const session = globalThis.PaymentSession;
  let waiting = null;
  await new Promise((resolve, reject) => {
    session.configure({
      session: cardSession.hosted_session_id,
      fields: { card: fields },
      // The page defends itself with CSP frame-ancestors (the hosted checkout sends 'none'), so
      // session.js is told that, rather than running its JavaScript frame-busting check.
      frameEmbeddingMitigation: ['csp'],
      callbacks: {
        initialized: (r) => (r && r.status === 'ok' ? resolve(undefined) : reject(new Error((r && r.message) || unavailable().message))),
        formSessionUpdate: (r) => {
          const done = waiting;
          waiting = null;
          if (done) done(r);
        },
        enterKey: () => {
          if (onEnter) onEnter();
        },
      },
      interaction: { displayControl: { formatCard: 'EMBOSSED', invalidFieldCharacters: 'REJECT' }, ...(locale ? { locale } : {}) },
    });
  });
  return {
    network: 'mpgs',
    hostedSessionId: cardSession.hosted_session_id,
    submit() {
      return new Promise((resolve) => {
        waiting = (r) => resolve(mpgsUpdate(r));
        session.updateSessionFromForm('card');
      });
    },
  };
}

/** session.js's update answer in the neutral shape (its `cardNumber` error is the `number` field). */
function mpgsUpdate(r) {
  const status = r && typeof r.status === 'string' ? r.status : 'error';
  if (status !== 'fields_in_error') return { status, errors: r && r.errors ? r.errors : undefined };
  const errors = {};
  for (const [key, value] of Object.entries((r && r.errors) || {})) errors[key === 'cardNumber' ? 'number' : key] = value;
  return { status, errors };
}

const CARD_FIELD_ADAPTERS = Object.freeze({ mpgs: mountMpgsFields });
