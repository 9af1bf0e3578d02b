import { escapeHtml, scriptJson } from './html.js';

export type HostedFieldName = 'number' | 'securityCode' | 'expiryMonth' | 'expiryYear' | 'nameOnCard';

export const HOSTED_FIELDS: Readonly<
  Record<HostedFieldName, { label: string; autocomplete: string; inputmode: string; maxlength: number; placeholder: string }>
> = {
  number: { label: 'Card number', autocomplete: 'cc-number', inputmode: 'numeric', maxlength: 23, placeholder: '1234 5678 9012 3456' },
  securityCode: { label: 'Security code', autocomplete: 'cc-csc', inputmode: 'numeric', maxlength: 4, placeholder: 'CVC' },
  expiryMonth: { label: 'Expiry month', autocomplete: 'cc-exp-month', inputmode: 'numeric', maxlength: 2, placeholder: 'MM' },
  expiryYear: { label: 'Expiry year', autocomplete: 'cc-exp-year', inputmode: 'numeric', maxlength: 4, placeholder: 'YY' },
  nameOnCard: { label: 'Name on card', autocomplete: 'cc-name', inputmode: 'text', maxlength: 256, placeholder: 'Name on card' },
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
}

/**
 * One hosted field: a single input in the simulator's origin. The page that
 * embeds it only ever receives 'ready' and the masked result; values travel
 * between sibling field frames (same origin) and to the simulator.
 */
export function hostedFieldPage(nonce: string, config: HostedFieldConfig): string {
  const meta = HOSTED_FIELDS[config.field];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(meta.label)}</title>
<style nonce="${nonce}">
  html, body { margin: 0; padding: 0; height: 100%; background: transparent; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  input { box-sizing: border-box; width: 100%; height: 100%; min-height: 36px; padding: 6px 10px; font: 16px system-ui, sans-serif;
          border: 1px solid #8a93a6; border-radius: 6px; background: #fff; color: #1d2330; }
  input:focus { outline: 3px solid #ffbf47; outline-offset: -3px; border-color: #2d5bd7; }
</style>
</head>
<body>
<label class="visually-hidden" for="field">${escapeHtml(meta.label)}</label>
<input id="field" name="${config.field}" type="text" autocomplete="${meta.autocomplete}" inputmode="${meta.inputmode}"
       maxlength="${meta.maxlength}" placeholder="${escapeHtml(meta.placeholder)}" spellcheck="false" autocorrect="off">
<script id="config" type="application/json" nonce="${nonce}">${scriptJson(config)}</script>
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
  var collections = {};

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
    collection.values[cfg.field] = input.value;
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

    // The hosting page asks the number field (the coordinator) to update the session.
    if (data.type === 'collect' && event.source === window.parent && event.origin === cfg.parentOrigin) {
      if (cfg.field === 'number' && Array.isArray(data.fields)) startCollection(String(data.requestId), data.fields);
      return;
    }
    // Everything else is between sibling field frames, which share our origin.
    if (event.origin !== window.location.origin) return;
    if (data.type === 'value-request' && cfg.field !== 'number') {
      event.source.postMessage({ protocol: PROTOCOL, type: 'value', channel: cfg.channel, requestId: data.requestId, field: cfg.field, value: input.value }, window.location.origin);
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
