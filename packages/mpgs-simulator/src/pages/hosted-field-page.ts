import { escapeHtml, scriptJson } from './html.js';
import { simMessage, type SimLocale, type SimMessageKey } from './messages.js';

export type HostedFieldName = 'number' | 'securityCode' | 'expiryMonth' | 'expiryYear' | 'nameOnCard';

/** Per field: autocomplete, keyboard, the longest value (with the number's group spaces), which characters may be typed. */
export const HOSTED_FIELDS: Readonly<Record<HostedFieldName, { autocomplete: string; inputmode: string; maxlength: number; accept: 'digits' | 'text' }>> = {
  number: { autocomplete: 'cc-number', inputmode: 'numeric', maxlength: 23, accept: 'digits' },
  securityCode: { autocomplete: 'cc-csc', inputmode: 'numeric', maxlength: 4, accept: 'digits' },
  expiryMonth: { autocomplete: 'cc-exp-month', inputmode: 'numeric', maxlength: 2, accept: 'digits' },
  // The box says YY: it takes two digits.
  expiryYear: { autocomplete: 'cc-exp-year', inputmode: 'numeric', maxlength: 2, accept: 'digits' },
  nameOnCard: { autocomplete: 'cc-name', inputmode: 'text', maxlength: 256, accept: 'text' },
};

export function isHostedFieldName(value: string): value is HostedFieldName {
  return Object.hasOwn(HOSTED_FIELDS, value);
}

export interface HostedFieldConfig {
  field: HostedFieldName;
  channel: string;
  parentOrigin: string;
  submitUrl: string;
  /** Client-side limit for the session update POST; past it the page gets request_timeout. */
  timeoutMs: number;
  /** The language of the label, placeholder and messages (session.js `interaction.locale`). */
  locale: SimLocale;
  /** `interaction.displayControl.formatCard`: EMBOSSED groups the number as printed on the card. */
  formatCard: 'EMBOSSED' | 'PLAIN';
  /** `interaction.displayControl.invalidFieldCharacters`: REJECT refuses what the field cannot hold. */
  invalidCharacters: 'REJECT' | 'ALLOW';
}

/**
 * One hosted field: a single input in the simulator's origin. The page that
 * embeds it only ever receives 'ready', 'enter' and the masked result;
 * values travel between sibling field frames (same origin) and to the
 * simulator. Its label, placeholder and messages come from the catalogue
 * (messages.ts) in the configured locale; its error text is tied to the
 * input with aria-describedby, and aria-invalid follows the last check.
 */
export function hostedFieldPage(nonce: string, config: HostedFieldConfig): string {
  const meta = HOSTED_FIELDS[config.field];
  const t = (key: SimMessageKey, values?: Record<string, string>) => simMessage(config.locale, key, values);
  const label = t(`field.${config.field}` as SimMessageKey);
  const texts = {
    missing: t(`error.${config.field}.missing` as SimMessageKey),
    invalid: t(`error.${config.field}.invalid` as SimMessageKey),
    brands: { VISA: t('brand.VISA'), MASTERCARD: t('brand.MASTERCARD'), AMEX: t('brand.AMEX') },
    brandDetected: t('brand.detected'),
  };
  const brand = config.field === 'number' ? '<span id="brand" class="brand" hidden></span>' : '';
  return `<!doctype html>
<html lang="${config.locale}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(label)}</title>
<style nonce="${nonce}">
  html, body { margin: 0; padding: 0; height: 100%; background: transparent; }
  .visually-hidden { position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .wrap { position: relative; block-size: 100%; }
  input { box-sizing: border-box; inline-size: 100%; block-size: 100%; min-block-size: 36px; padding-block: 6px; padding-inline: 10px; font: 16px system-ui, sans-serif;
          border: 1px solid #8a93a6; border-radius: 6px; background: #fff; color: #1d2330; }
  input.has-brand { padding-inline-end: 6.5rem; }
  input:focus { outline: 3px solid #ffbf47; outline-offset: -3px; border-color: #2d5bd7; }
  input[aria-invalid="true"] { border-color: #b42318; border-width: 2px; }
  .brand { position: absolute; inset-block: 0; inset-inline-end: 8px; margin-block: auto; block-size: 1.5rem; display: flex; align-items: center;
           padding-inline: 6px; border-radius: 4px; font: 600 12px/1 system-ui, sans-serif; letter-spacing: .02em; background: #eef2fb; color: #1d3a8a; }
  .brand[data-brand="MASTERCARD"] { background: #fff1e6; color: #8a3b00; }
  .brand[data-brand="AMEX"] { background: #e6f4f1; color: #0b5c4d; }
  .brand[hidden] { display: none; }
</style>
</head>
<body>
<div class="wrap">
<label class="visually-hidden" for="field">${escapeHtml(label)}</label>
<input id="field" name="${config.field}" type="text" autocomplete="${meta.autocomplete}" inputmode="${meta.inputmode}"
       maxlength="${meta.maxlength}" placeholder="${escapeHtml(t(`placeholder.${config.field}` as SimMessageKey))}" spellcheck="false" autocorrect="off"
       aria-describedby="field-error"${config.field === 'number' ? ' class="has-brand"' : ''}>
${brand}
<p id="field-error" class="visually-hidden"></p>
</div>
<script id="config" type="application/json" nonce="${nonce}">${scriptJson({ ...config, accept: meta.accept, texts })}</script>
<script nonce="${nonce}">${FIELD_SCRIPT}</script>
</body>
</html>`;
}

/** Runs inside every hosted-field frame. Plain ES5-style so any browser runs it unbundled. */
const FIELD_SCRIPT = `
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('config').textContent);
  var PROTOCOL = 'mpgs-sim/1';
  var COLLECT_TIMEOUT_MS = 3000;
  var input = document.getElementById('field');
  var errorText = document.getElementById('field-error');
  var brandBadge = document.getElementById('brand');
  var collections = {};
  var SESSION_ID = /^SESSION[0-9A-Z]{24}$/;

  // -- what the field accepts, and how the number is shown -------------------
  function brandOf(digits) {
    if (/^4/.test(digits)) return 'VISA';
    if (/^3[47]/.test(digits)) return 'AMEX';
    var two = Number(digits.slice(0, 2)), four = Number(digits.slice(0, 4));
    if ((two >= 51 && two <= 55) || (digits.length >= 4 && four >= 2221 && four <= 2720)) return 'MASTERCARD';
    return '';
  }
  function group(digits) {
    var sizes = brandOf(digits) === 'AMEX' ? [4, 6, 5] : [4, 4, 4, 4, 3];
    var parts = [], at = 0;
    for (var i = 0; i < sizes.length && at < digits.length; i += 1) { parts.push(digits.slice(at, at + sizes[i])); at += sizes[i]; }
    return parts.join(' ');
  }
  function maxDigits() {
    if (cfg.field === 'number') return 19;
    return cfg.field === 'securityCode' ? 4 : 2;
  }
  function showBrand(digits) {
    if (!brandBadge) return;
    var brand = brandOf(digits);
    brandBadge.hidden = !brand;
    brandBadge.textContent = brand ? cfg.texts.brands[brand] : '';
    brandBadge.setAttribute('data-brand', brand);
    input.setAttribute('aria-describedby', brand ? 'field-error brand' : 'field-error');
    brandBadge.setAttribute('aria-label', brand ? cfg.texts.brandDetected.replace('{brand}', cfg.texts.brands[brand]) : '');
  }
  // REJECT: characters the field cannot hold are refused as they are typed ("1/" in the month, "1x0" in the code).
  input.addEventListener('beforeinput', function (event) {
    if (cfg.accept !== 'digits' || cfg.invalidCharacters !== 'REJECT' || typeof event.data !== 'string') return;
    if (!/^[0-9 ]*$/.test(event.data) || (cfg.field !== 'number' && / /.test(event.data))) event.preventDefault();
  });
  input.addEventListener('input', function () {
    if (cfg.accept !== 'digits') return;
    var caret = input.selectionStart === null ? input.value.length : input.selectionStart;
    var digitsBeforeCaret = input.value.slice(0, caret).replace(/[^0-9]/g, '').length;
    var digits = input.value.replace(/[^0-9]/g, '').slice(0, maxDigits());
    var shown = cfg.field === 'number' && cfg.formatCard === 'EMBOSSED' ? group(digits) : digits;
    if (shown !== input.value) {
      input.value = shown;
      var at = 0, seen = 0;
      while (at < shown.length && seen < digitsBeforeCaret) { if (/[0-9]/.test(shown.charAt(at))) seen += 1; at += 1; }
      input.setSelectionRange(at, at);
    }
    if (cfg.field === 'number') showBrand(digits);
    if (input.getAttribute('aria-invalid') === 'true') setValidity('');
  });
  // A month or year that cannot be right is flagged as soon as the shopper leaves the box.
  input.addEventListener('blur', function () {
    var v = input.value;
    if (v === '') return;
    if (cfg.field === 'expiryMonth' && !(/^[0-9]{1,2}$/.test(v) && Number(v) >= 1 && Number(v) <= 12)) setValidity('invalid');
    if (cfg.field === 'expiryYear' && !/^[0-9]{2}$/.test(v)) setValidity('invalid');
    if (cfg.field === 'securityCode' && !/^[0-9]{3,4}$/.test(v)) setValidity('invalid');
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.isComposing) { event.preventDefault(); toPage({ type: 'enter' }); }
  });
  function setValidity(state) {
    if (state === 'invalid' || state === 'missing') {
      input.setAttribute('aria-invalid', 'true');
      errorText.textContent = cfg.texts[state];
    } else {
      input.removeAttribute('aria-invalid');
      errorText.textContent = '';
    }
  }
  function value() {
    return cfg.accept === 'digits' ? input.value.replace(/[^0-9]/g, '') : input.value;
  }

  function toPage(message) {
    message.protocol = PROTOCOL;
    message.channel = cfg.channel;
    message.field = cfg.field;
    window.parent.postMessage(message, cfg.parentOrigin);
  }

  function answer(requestId, response) {
    toPage({ type: 'result', requestId: requestId, response: response });
  }

  function startCollection(requestId, fields) {
    var collection = { values: {}, waiting: {}, done: false };
    collection.values[cfg.field] = value();
    fields.forEach(function (name) { if (name !== cfg.field) collection.waiting[name] = true; });
    collections[requestId] = collection;
    collection.timer = setTimeout(function () {
      finish(requestId, { status: 'system_error', errors: { message: 'The hosted fields did not respond' } });
    }, COLLECT_TIMEOUT_MS);
    // Ask every frame of the hosting page; only our siblings (same origin, same channel) answer.
    var frames = window.parent.frames;
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i] === window) continue;
      try {
        frames[i].postMessage({ protocol: PROTOCOL, type: 'value-request', channel: cfg.channel, requestId: requestId }, window.location.origin);
      } catch (ignored) { /* a frame of another origin: postMessage with our origin never reaches it */ }
    }
    maybeSubmit(requestId);
  }

  function finish(requestId, response) {
    var collection = collections[requestId];
    if (!collection || collection.done) return;
    collection.done = true;
    clearTimeout(collection.timer);
    delete collections[requestId];
    answer(requestId, response);
  }

  function maybeSubmit(requestId) {
    var collection = collections[requestId];
    if (!collection || Object.keys(collection.waiting).length > 0) return;
    clearTimeout(collection.timer);
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, cfg.timeoutMs);
    fetch(cfg.submitUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(collection.values),
      credentials: 'omit',
      cache: 'no-store',
      signal: controller.signal
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        clearTimeout(timer);
        if (!body || typeof body.status !== 'string') {
          body = { status: 'system_error', errors: { message: 'Unexpected answer from the gateway (HTTP ' + response.status + ')' } };
        }
        finish(requestId, body);
      });
    }).catch(function () {
      clearTimeout(timer);
      finish(requestId, controller.signal.aborted
        ? { status: 'request_timeout', errors: { message: 'The session update timed out' } }
        : { status: 'system_error', errors: { message: 'The gateway could not be reached' } });
    });
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || data.protocol !== PROTOCOL || data.channel !== cfg.channel) return;

    // From the hosting page (session.js) only.
    if (event.source === window.parent && event.origin === cfg.parentOrigin) {
      // The number field (the coordinator) updates the session.
      if (data.type === 'collect' && cfg.field === 'number' && Array.isArray(data.fields)) startCollection(String(data.requestId), data.fields);
      // A label of the page was clicked: take the focus.
      else if (data.type === 'focus') input.focus();
      // The last update's verdict on this field: '', 'missing' or 'invalid'.
      else if (data.type === 'validity') setValidity(data.state === 'missing' || data.state === 'invalid' ? data.state : '');
      // A new hosted session for the same form (after a decline): the card is typed again, the name stays.
      else if (data.type === 'rebind' && typeof data.session === 'string' && SESSION_ID.test(data.session)) {
        cfg.submitUrl = cfg.submitUrl.replace(/[^/]+$/, data.session);
        if (cfg.field !== 'nameOnCard') { input.value = ''; showBrand(''); }
        setValidity('');
      }
      return;
    }
    // Everything else is between sibling field frames, which share our origin.
    if (event.origin !== window.location.origin) return;
    if (data.type === 'value-request' && cfg.field !== 'number') {
      event.source.postMessage({ protocol: PROTOCOL, type: 'value', channel: cfg.channel, requestId: data.requestId, field: cfg.field, value: value() }, window.location.origin);
    } else if (data.type === 'value' && cfg.field === 'number') {
      var collection = collections[data.requestId];
      if (!collection || !collection.waiting[data.field]) return;
      collection.values[data.field] = String(data.value);
      delete collection.waiting[data.field];
      maybeSubmit(data.requestId);
    }
  });

  toPage({ type: 'ready' });
})();
`;
