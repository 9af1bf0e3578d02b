import { scriptJson } from './html.js';

/**
 * session.js — the script a merchant's checkout page loads from
 * /form/version/{N}/merchant/{MID}/session.js. It defines the global
 * `PaymentSession` with the subset of the MPGS API Pdirect uses:
 *
 *   PaymentSession.configure({ session, fields: { card: { number, securityCode,
 *     expiryMonth, expiryYear, nameOnCard } }, frameEmbeddingMitigation,
 *     callbacks: { initialized, formSessionUpdate }, interaction }, scope?)
 *   PaymentSession.updateSessionFromForm('card', localCardType?, scope?)
 *
 * Honoured from `interaction`: `displayControl.formatCard` (EMBOSSED groups
 * the number as typed), `displayControl.invalidFieldCharacters` (REJECT
 * refuses what a field cannot hold) and `locale` (the fields' language).
 * `callbacks.enterKey({ field })` is called when Enter is pressed in a field.
 * Configuring the same fields again with a new session keeps the frames
 * (and the name typed) and clears the card.
 *
 * Each configured selector names an element of the hosting page (usually a
 * readonly <input>); it is hidden and an <iframe> from the simulator origin
 * takes its place, so card data is typed into the simulator's origin and
 * never exists in the hosting page's DOM.
 *
 * Message protocol (window.postMessage, always with an explicit target
 * origin, and every receiver checks event.origin and event.source):
 *   field → page   {protocol, type:'ready', channel, field}
 *   page  → number {protocol, type:'collect', channel, requestId, fields}
 *   number → sibling fields (same origin) {type:'value-request'} / {type:'value'}
 *   number → page  {protocol, type:'result', channel, field:'number', requestId, response}
 * The number field is the coordinator: it gathers the sibling values and
 * POSTs them to the simulator, then hands the page the MPGS-shaped answer.
 */
export function sessionJs(simulatorOrigin: string, apiVersion: string, merchantId: string): string {
  const base = `${simulatorOrigin}/form/version/${apiVersion}/merchant/${encodeURIComponent(merchantId)}`;
  return `/* Pdirect MPGS simulator — session.js (hosted session subset) */
(function () {
  'use strict';
  if (window.PaymentSession && window.PaymentSession.simulator) return;

  var SIM_ORIGIN = ${scriptJson(simulatorOrigin)};
  var FIELD_BASE = ${scriptJson(base)};
  var PROTOCOL = 'mpgs-sim/1';
  var FIELD_NAMES = ['number', 'securityCode', 'expiryMonth', 'expiryYear', 'nameOnCard'];
  var TITLES = { number: 'Card number', securityCode: 'Security code', expiryMonth: 'Expiry month', expiryYear: 'Expiry year', nameOnCard: 'Name on card' };
  var UPDATE_TIMEOUT_MS = 30000;
  var scopes = {};

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function scopeKey(scope) { return scope === undefined || scope === null || scope === '' ? '__default__' : String(scope); }

  function callbacksOf(state) { return (state.config && state.config.callbacks) || {}; }

  // A merchant callback that throws must not break the simulator's own bookkeeping.
  function call(callback, argument) {
    if (typeof callback !== 'function') return;
    try { callback(argument); } catch (error) { setTimeout(function () { throw error; }); }
  }

  function labelFor(element) {
    var aria = element.getAttribute('aria-label');
    if (aria) return aria;
    if (element.id && window.CSS && CSS.escape) {
      var label = document.querySelector('label[for="' + CSS.escape(element.id) + '"]');
      if (label && label.textContent.trim()) return label.textContent.trim();
    }
    var wrapping = element.closest && element.closest('label');
    return wrapping ? wrapping.textContent.trim() : '';
  }

  function teardown(state) {
    Object.keys(state.frames).forEach(function (name) {
      var frame = state.frames[name];
      if (frame.parentNode) frame.parentNode.removeChild(frame);
      var host = state.hosts[name];
      if (host) { host.element.style.display = host.display; host.element.removeAttribute('aria-hidden'); }
    });
    Object.keys(state.pending).forEach(function (id) { clearTimeout(state.pending[id]); });
    state.listeners.forEach(function (remove) { remove(); });
  }

  function post(state, name, message) {
    var frame = state.frames[name];
    if (!frame || !frame.contentWindow) return;
    message.protocol = PROTOCOL;
    message.channel = state.channel;
    frame.contentWindow.postMessage(message, SIM_ORIGIN);
  }

  // The same form with a new session (a new attempt after a decline): the frames stay, so what
  // the shopper need not type again (the name) stays; the card is cleared.
  function sameForm(state, config) {
    var card = (config.fields && config.fields.card) || {};
    var old = (state.config.fields && state.config.fields.card) || {};
    if (!state.initialized) return false;
    return FIELD_NAMES.every(function (name) {
      if ((card[name] || '') !== (old[name] || '')) return false;
      var frame = state.frames[name];
      return !card[name] || (frame && frame.isConnected);
    });
  }

  function configure(config, scope) {
    if (!config || typeof config !== 'object') throw new Error('PaymentSession.configure: a configuration object is required');
    var key = scopeKey(scope);
    if (scopes[key] && typeof config.session === 'string' && /^SESSION[0-9A-Z]{24}$/.test(config.session) && sameForm(scopes[key], config)) {
      var kept = scopes[key];
      kept.config = config;
      Object.keys(kept.frames).forEach(function (name) { post(kept, name, { type: 'rebind', session: config.session }); });
      setTimeout(function () { call(callbacksOf(kept).initialized, { status: 'ok' }); });
      return;
    }
    if (scopes[key]) teardown(scopes[key]);
    var state = { config: config, channel: randomId(), frames: {}, hosts: {}, ready: {}, initialized: false, pending: {}, listeners: [] };
    scopes[key] = state;

    if (typeof config.session !== 'string' || !config.session) {
      call(callbacksOf(state).initialized, { status: 'system_error', message: 'configure: session is required' });
      return;
    }
    if (!Array.isArray(config.frameEmbeddingMitigation) || config.frameEmbeddingMitigation.length === 0) {
      console.warn('[MPGS simulator session.js] set frameEmbeddingMitigation, e.g. ["javascript"], as MPGS requires');
    }
    var card = (config.fields && config.fields.card) || {};
    var interaction = config.interaction || {};
    var display = interaction.displayControl || {};
    var options = '&locale=' + encodeURIComponent(String(interaction.locale || document.documentElement.lang || 'en')) +
      '&formatCard=' + (display.formatCard === 'PLAIN' ? 'PLAIN' : 'EMBOSSED') +
      '&invalidFieldCharacters=' + (display.invalidFieldCharacters === 'ALLOW' ? 'ALLOW' : 'REJECT');
    FIELD_NAMES.forEach(function (name) {
      var selector = card[name];
      if (!selector) return;
      var element = typeof selector === 'string' ? document.querySelector(selector) : null;
      if (!element) { console.error('[MPGS simulator session.js] no element matches fields.card.' + name + ' = ' + selector); return; }
      var rect = element.getBoundingClientRect();
      var frame = document.createElement('iframe');
      frame.src = FIELD_BASE + '/field/' + name +
        '?session=' + encodeURIComponent(config.session) +
        '&channel=' + state.channel +
        '&parentOrigin=' + encodeURIComponent(window.location.origin) + options;
      frame.title = labelFor(element) || TITLES[name];
      frame.setAttribute('data-mpgs-field', name);
      frame.setAttribute('scrolling', 'no');
      if (element.className) frame.className = element.className;
      frame.style.border = '0';
      frame.style.display = 'block';
      frame.style.width = rect.width ? rect.width + 'px' : '100%';
      frame.style.height = Math.max(rect.height || 0, 40) + 'px';
      element.parentNode.insertBefore(frame, element);
      state.hosts[name] = { element: element, display: element.style.display };
      element.style.display = 'none';
      element.setAttribute('aria-hidden', 'true');
      state.frames[name] = frame;
      // A click on the page's label for the replaced element focuses the field inside the frame.
      if (element.id && window.CSS && CSS.escape) {
        var labels = document.querySelectorAll('label[for="' + CSS.escape(element.id) + '"]');
        Array.prototype.forEach.call(labels, function (label) {
          var onClick = function (event) {
            event.preventDefault();
            frame.focus();
            post(state, name, { type: 'focus' });
          };
          label.addEventListener('click', onClick);
          state.listeners.push(function () { label.removeEventListener('click', onClick); });
        });
      }
    });
    if (!state.frames.number) console.error('[MPGS simulator session.js] fields.card.number is required');
  }

  function stateForChannel(channel) {
    for (var key in scopes) if (scopes[key].channel === channel) return scopes[key];
    return undefined;
  }

  function allReady(state) {
    return Object.keys(state.frames).every(function (name) { return state.ready[name]; });
  }

  window.addEventListener('message', function (event) {
    // Only the simulator's own field frames may talk to this page.
    if (event.origin !== SIM_ORIGIN) return;
    var data = event.data;
    if (!data || typeof data !== 'object' || data.protocol !== PROTOCOL) return;
    var state = stateForChannel(data.channel);
    if (!state) return;
    var frame = state.frames[data.field];
    if (!frame || frame.contentWindow !== event.source) return;

    if (data.type === 'ready') {
      state.ready[data.field] = true;
      if (!state.initialized && state.frames.number && allReady(state)) {
        state.initialized = true;
        call(callbacksOf(state).initialized, { status: 'ok' });
      }
    } else if (data.type === 'result' && data.field === 'number') {
      var timer = state.pending[data.requestId];
      if (timer === undefined) return;
      clearTimeout(timer);
      delete state.pending[data.requestId];
      // Each field frame learns its own verdict (aria-invalid and its message inside the frame).
      var response = data.response || {};
      var errors = response.status === 'fields_in_error' && response.errors ? response.errors : {};
      if (response.status === 'ok' || response.status === 'fields_in_error') {
        Object.keys(state.frames).forEach(function (name) {
          post(state, name, { type: 'validity', state: errors[name === 'number' ? 'cardNumber' : name] || '' });
        });
      }
      call(callbacksOf(state).formSessionUpdate, data.response);
    } else if (data.type === 'enter') {
      // Enter in any field: the page decides (usually: submit the form).
      call(callbacksOf(state).enterKey, { field: data.field });
    }
  });

  function updateSessionFromForm(paymentType, localCardType, scope) {
    var state = scopes[scopeKey(scope)];
    if (!state) throw new Error('PaymentSession.updateSessionFromForm: call PaymentSession.configure first');
    var update = callbacksOf(state).formSessionUpdate;
    if (paymentType !== 'card') {
      call(update, { status: 'system_error', errors: { message: 'Unsupported payment type: ' + paymentType } });
      return;
    }
    if (!state.initialized) {
      call(update, { status: 'system_error', errors: { message: 'The hosted fields have not finished loading' } });
      return;
    }
    var requestId = randomId();
    state.pending[requestId] = setTimeout(function () {
      delete state.pending[requestId];
      call(update, { status: 'request_timeout', errors: { message: 'The session update timed out' } });
    }, UPDATE_TIMEOUT_MS);
    state.frames.number.contentWindow.postMessage(
      { protocol: PROTOCOL, type: 'collect', channel: state.channel, requestId: requestId, fields: Object.keys(state.frames) },
      SIM_ORIGIN
    );
  }

  window.PaymentSession = {
    configure: configure,
    updateSessionFromForm: updateSessionFromForm,
    simulator: true
  };
})();
`;
}
