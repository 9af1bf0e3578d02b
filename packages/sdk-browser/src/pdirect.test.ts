import { createHash, webcrypto } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { challengeWindowSize, createPdirect, mountCardFields, newIdempotencyKey, PdirectError, sha256Hex } from './pdirect.js';

/**
 * The SDK's logic in Node with a stubbed fetch and browser globals; the page
 * itself (hosted fields, 3-D Secure, CSP) is covered in real Chromium by
 * packages/gateway/test/browser/hosted-checkout.test.ts.
 */

const TOKEN = `pd_st_${'A'.repeat(43)}`;
const BASE = 'https://pay.example.test';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: any;
}

function stubBrowser(screen = { width: 1280, height: 800, colorDepth: 24 }) {
  vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 Test', language: 'en-GB', platform: 'Linux x86_64', hardwareConcurrency: 8 });
  vi.stubGlobal('screen', screen);
  vi.stubGlobal('innerWidth', 1280);
  vi.stubGlobal('innerHeight', 900);
}

function stubFetch(answer: (request: Sent) => Response | Promise<Response>): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const request: Sent = {
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    sent.push(request);
    return answer(request);
  });
  return sent;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-request-id': 'req_header', ...headers } });

describe('@pdirect/browser', () => {
  beforeEach(() => stubBrowser());
  afterEach(() => vi.unstubAllGlobals());

  it('hashes like node:crypto, with crypto.subtle and with the plain-JS fallback (padding boundaries included)', async () => {
    const inputs = ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(65), 'x'.repeat(1000), 'żółć €'];
    for (const input of inputs) {
      const expected = createHash('sha256').update(input, 'utf8').digest('hex');
      expect(await sha256Hex(input)).toBe(expected);
    }
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => webcrypto.getRandomValues(a) });
    for (const input of inputs) expect(await sha256Hex(input)).toBe(createHash('sha256').update(input, 'utf8').digest('hex'));
  });

  it('refuses a missing base URL or something that is not a session token', () => {
    expect(() => createPdirect({ baseUrl: '', sessionToken: TOKEN })).toThrow(TypeError);
    expect(() => createPdirect({ baseUrl: BASE, sessionToken: 'pd_test_sk_nope' })).toThrow(/session_token/);
  });

  it('sends the token and one stable fingerprint on every request; body-less POSTs carry no Content-Type', async () => {
    const sent = stubFetch((r) => json(r.url.endsWith('/v1/checkout') ? 200 : 201, { object: 'x' }));
    const pdirect = createPdirect({ baseUrl: `${BASE}/`, sessionToken: TOKEN });
    await pdirect.getCheckout();
    await pdirect.openCardSession();
    await pdirect.sendOtp();
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${BASE}/v1/checkout`, `POST ${BASE}/v1/card/sessions`, `POST ${BASE}/v1/otp/send`]);
    for (const r of sent) {
      expect(r.headers.Authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers['X-Device-Fingerprint']).toMatch(/^[0-9a-f]{64}$/);
      expect(r.headers['Content-Type']).toBeUndefined();
    }
    expect(new Set(sent.map((r) => r.headers['X-Device-Fingerprint'])).size).toBe(1);
  });

  it('keeps the fingerprint when the phone is turned sideways, and changes it on another device', async () => {
    const upright = await createPdirect({ baseUrl: BASE, sessionToken: TOKEN }).fingerprint();
    stubBrowser({ width: 800, height: 1280, colorDepth: 24 });
    expect(await createPdirect({ baseUrl: BASE, sessionToken: TOKEN }).fingerprint()).toBe(upright);
    stubBrowser({ width: 390, height: 844, colorDepth: 24 });
    expect(await createPdirect({ baseUrl: BASE, sessionToken: TOKEN }).fingerprint()).not.toBe(upright);
  });

  it('collect: card + hosted session + 3-D Secure browser data, never an amount, and a fresh Idempotency-Key per attempt', async () => {
    const sent = stubFetch(() => json(200, { object: 'payment', status: 'succeeded', redirect_url: 'https://shop.test/thanks' }));
    const pdirect = createPdirect({ baseUrl: BASE, sessionToken: TOKEN });
    const payment = await pdirect.collect({ hostedSessionId: 'SESSION0002816562472I0271878F98' });
    expect(payment.status).toBe('succeeded');
    expect(sent[0]!.headers['Content-Type']).toBe('application/json');
    expect(sent[0]!.body).toEqual({
      payment_method: 'card',
      hosted_session_id: 'SESSION0002816562472I0271878F98',
      browser: {
        challengeWindowSize: '500_X_600',
        colorDepth: 24,
        javaEnabled: false,
        language: 'en-GB',
        screenHeight: 800,
        screenWidth: 1280,
        timeZone: new Date().getTimezoneOffset(),
      },
    });
    await pdirect.collect({ hostedSessionId: 'SESSION0002816562472I0271878F98' });
    const keys = sent.map((r) => r.headers['Idempotency-Key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).not.toBe(keys[0]);
  });

  it('repeats an attempt that got no answer with the same key and body, then moves on to a new key', async () => {
    let calls = 0;
    const sent = stubFetch(() => {
      calls++;
      if (calls === 1) throw new TypeError('Failed to fetch');
      if (calls === 2) return json(500, { error: { status: 500, error_code: '1900', message: 'internal error', request_id: 'req_1' } });
      return json(402, { error: { status: 402, error_code: '1601', message: 'card declined (DECLINED)', request_id: 'req_2' } });
    });
    const pdirect = createPdirect({ baseUrl: BASE, sessionToken: TOKEN });
    const hosted = 'SESSION0002816562472I0271878F98';
    await expect(pdirect.collect({ hostedSessionId: hosted })).rejects.toMatchObject({ status: 0, code: 'connection_error' });
    vi.stubGlobal('innerWidth', 375); // the viewport changed: the repeat must still send the same body
    await expect(pdirect.collect({ hostedSessionId: hosted })).rejects.toMatchObject({ code: '1900' });
    await expect(pdirect.collect({ hostedSessionId: hosted })).rejects.toMatchObject({ code: '1601' });
    await expect(pdirect.collect({ hostedSessionId: hosted })).rejects.toMatchObject({ code: '1601' });
    const keys = sent.map((r) => r.headers['Idempotency-Key']);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(sent[2]!.body).toEqual(sent[0]!.body);
    expect(keys[3]).not.toBe(keys[0]); // 1601 was a definitive answer
    expect(sent[3]!.body.browser.challengeWindowSize).toBe('FULL_SCREEN');
  });

  it('turns the error envelope into a PdirectError, with Retry-After', async () => {
    stubFetch(() => json(429, { error: { status: 429, error_code: '1402', message: 'too many codes', request_id: 'req_abc' } }, { 'retry-after': '120' }));
    const error = await createPdirect({ baseUrl: BASE, sessionToken: TOKEN })
      .resendOtp()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdirectError);
    expect(error).toMatchObject({ name: 'PdirectError', status: 429, code: '1402', message: 'too many codes', requestId: 'req_abc', retryAfter: 120 });
  });

  it('a non-JSON error (a proxy page) still gives a PdirectError with the request id header', async () => {
    stubFetch(() => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'x-request-id': 'req_proxy' } }));
    await expect(createPdirect({ baseUrl: BASE, sessionToken: TOKEN }).getCheckout()).rejects.toMatchObject({
      status: 502,
      code: 'invalid_response',
      requestId: 'req_proxy',
    });
  });

  it('verifyOtp sends the code as JSON and refuses anything but 6 digits', async () => {
    const sent = stubFetch(() => json(200, { verified: true }));
    const pdirect = createPdirect({ baseUrl: BASE, sessionToken: TOKEN });
    expect(() => pdirect.verifyOtp('12345')).toThrow(TypeError);
    await pdirect.verifyOtp('123456');
    expect(sent[0]).toMatchObject({ method: 'POST', url: `${BASE}/v1/otp/verify`, body: { code: '123456' } });
  });

  it('sizes the 3-D Secure challenge window by the viewport', () => {
    expect(challengeWindowSize(375, 800)).toBe('FULL_SCREEN');
    expect(challengeWindowSize(1280, 900)).toBe('500_X_600');
    expect(challengeWindowSize(800, 600)).toBe('390_X_400');
    expect(challengeWindowSize(800, 500)).toBe('FULL_SCREEN');
  });

  it('makes v4 UUID keys without crypto.randomUUID too (plain-http pages)', () => {
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => webcrypto.getRandomValues(a) });
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('mountCardFields', () => {
  const fields = { number: '#n', securityCode: '#c', expiryMonth: '#m', expiryYear: '#y' };

  it('refuses a card network it has no adapter for, before touching the page', async () => {
    await expect(mountCardFields({ object: 'card_session', network: 'othernet', hosted_session_id: 'x', session_js_url: '' }, { fields })).rejects.toThrow(
      'no adapter for card network "othernet"',
    );
    await expect(mountCardFields({ object: 'card_session', network: 'constructor', hosted_session_id: 'x', session_js_url: '' }, { fields })).rejects.toThrow(
      TypeError,
    );
  });

  it('the hosted checkout page goes through the adapter, never a network script directly', () => {
    // The page's script is the modules in ./checkout/ (joined by the build into one file).
    const dir = new URL('./checkout/', import.meta.url);
    const page = readdirSync(dir)
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(new URL(file, dir), 'utf8'))
      .join('\n');
    expect(page).toContain('mountCardFields(');
    expect(page).not.toMatch(/PaymentSession|session_js_url/);
  });
});
