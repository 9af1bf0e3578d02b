import { randomBytes } from 'node:crypto';
import type { TestGateway } from './gateway.js';
import { bearer, http, type HttpResponse } from './http.js';

/** A device fingerprint as the SDK would send it (SHA-256 hex). */
export const DEVICE_A = 'a1'.repeat(32);
export const DEVICE_B = 'b2'.repeat(32);

export interface MintedTestSession {
  sessionId: string;
  token: string;
  response: HttpResponse;
}

let orderCounter = 0;

export function sessionBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: '12.50',
    currency: 'usd',
    customer_reference: 'cust_abc123',
    order_id: `order-${Date.now()}-${++orderCounter}-${randomBytes(3).toString('hex')}`,
    notify_url: 'http://127.0.0.1:9/webhooks',
    success_redirect_url: 'http://localhost:3000/thanks',
    fail_redirect_url: 'http://localhost:3000/sorry',
    ...overrides,
  };
}

export async function mintSession(gw: TestGateway, merchantSecret: string, overrides: Record<string, unknown> = {}): Promise<MintedTestSession> {
  const response = await http(`${gw.url}/v1/sessions`, { method: 'POST', headers: bearer(merchantSecret), body: sessionBody(overrides) });
  if (response.status !== 201) throw new Error(`mint failed: ${response.status} ${response.text}`);
  return { sessionId: response.body.session_id, token: response.body.session_token, response };
}

/** SDK headers; `null` sends no X-Device-Fingerprint. */
export const sdk = (token: string, fingerprint: string | null = DEVICE_A) => ({
  ...bearer(token),
  ...(fingerprint ? { 'x-device-fingerprint': fingerprint } : {}),
});

/**
 * Opens a hosted session through the SDK route and fills it with a card
 * server-side, as MPGS allows PCI-compliant callers (and as a merchant's own
 * automated tests do) — the browser path is covered by the Chromium tests.
 */
export async function cardSession(
  gw: TestGateway,
  token: string,
  card: { number: string; expiry: string; csc?: string },
  fingerprint: string = DEVICE_A,
): Promise<string> {
  const opened = await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(token, fingerprint) });
  if (opened.status !== 201) throw new Error(`card session failed: ${opened.status} ${opened.text}`);
  const id = opened.body.hosted_session_id as string;
  const [month, year] = card.expiry.split('/');
  const res = await fetch(`${gw.simulator!.url}/api/rest/version/100/merchant/TESTPDIRECT/session/${id}`, {
    method: 'PUT',
    headers: { authorization: `Basic ${Buffer.from('merchant.TESTPDIRECT:sandbox').toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sourceOfFunds: { provided: { card: { number: card.number, expiry: { month, year }, securityCode: card.csc ?? '100' } } } }),
  });
  if (!res.ok) throw new Error(`fill failed: ${res.status} ${await res.text()}`);
  return id;
}

/**
 * POST /v1/payments/collect as the browser SDK's collect() does it: when the answer asks
 * for the 3-D Secure method, the method form is posted (as the hidden frame would) and
 * the payment is authenticated; the answer is the last one. `{ method: false }` returns
 * collect's own answer.
 */
export async function collect(
  gw: TestGateway,
  token: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  fingerprint: string = DEVICE_A,
  options: { method?: boolean } = {},
): Promise<HttpResponse> {
  const answer = await http(`${gw.url}/v1/payments/collect`, {
    method: 'POST',
    headers: { ...sdk(token, fingerprint), ...headers },
    body: { payment_method: 'card', ...body },
  });
  if (options.method === false || answer.body?.next_action?.type !== 'three_d_secure_method') return answer;
  await runMethod(answer.body.next_action.html as string);
  return authenticate(gw, token, answer.body.id as string, body.browser === undefined ? {} : { browser: body.browser }, headers, fingerprint);
}

/** What the hidden method frame does: POST threeDSMethodData to the issuer's method URL. */
export async function runMethod(methodHtml: string): Promise<HttpResponse> {
  const action = /<form[^>]*action="([^"]+)"/.exec(methodHtml)?.[1]?.replace(/&amp;/g, '&');
  const data = /name="threeDSMethodData" value="([^"]+)"/.exec(methodHtml)?.[1];
  if (!action || !data) throw new Error('no 3-D Secure method form in the html');
  return postForm(action, { threeDSMethodData: data });
}

/** POST /v1/payments/{id}/authenticate (after the 3-D Secure method). */
export function authenticate(
  gw: TestGateway,
  token: string,
  paymentId: string,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  fingerprint: string = DEVICE_A,
): Promise<HttpResponse> {
  return http(`${gw.url}/v1/payments/${paymentId}/authenticate`, { method: 'POST', headers: { ...sdk(token, fingerprint), ...headers }, body });
}

/**
 * Plays the customer's browser through the simulator's ACS: open the
 * challenge from the redirect html, pick an outcome, and follow the auto-POST
 * back to the gateway's return URL. Returns the gateway's answer (a 303 to
 * the merchant's success or fail URL).
 */
export async function completeChallenge(gw: TestGateway, redirectHtml: string, outcome: 'Y' | 'N' | 'CANCELLED' | 'U' | 'R'): Promise<HttpResponse> {
  const acsUrl = /action="([^"]+\/acs\/challenge)"/.exec(redirectHtml)?.[1];
  const creq = /name="creq" value="([^"]+)"/.exec(redirectHtml)?.[1];
  if (!acsUrl || !creq) throw new Error('no challenge form in the redirect html');
  const page = await postForm(acsUrl, { creq });
  const acsTransID = /name="acsTransID" value="([^"]+)"/.exec(page.text)?.[1];
  if (!acsTransID) throw new Error('no acsTransID on the challenge page');
  const back = await postForm(`${new URL(acsUrl).origin}/acs/challenge/result`, { acsTransID, outcome });
  const action = /<form[^>]*action="([^"]+)"/.exec(back.text)?.[1]?.replace(/&amp;/g, '&');
  const fields = Object.fromEntries([...back.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  if (!action) throw new Error('the ACS did not post back');
  return postForm(action, fields);
}

export function postForm(url: string, fields: Record<string, string>): Promise<HttpResponse> {
  return http(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}
