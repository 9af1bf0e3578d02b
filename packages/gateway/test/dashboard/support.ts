import { totpCode } from '../../src/modules/users/totp.js';
import type { TestGateway } from '../support/gateway.js';
import { http, type HttpResponse } from '../support/http.js';

export const PASSWORD = 'copper kettle under 9 moons';

/** A browser-like client of the dashboard API: keeps its cookies, sends the page's Origin and (once known) the CSRF token. */
export class DashboardClient {
  cookies = new Map<string, string>();
  csrf: string | undefined;
  origin: string;

  constructor(readonly gw: { url: string }) {
    this.origin = gw.url;
  }

  cookieHeader(): string {
    return [...this.cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async call(
    method: string,
    path: string,
    body?: object,
    extra: { headers?: Record<string, string>; csrf?: boolean; origin?: string | null } = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...extra.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    const origin = extra.origin === undefined ? this.origin : extra.origin;
    if (origin !== null && method !== 'GET') headers.origin = origin;
    if (extra.csrf !== false && this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const res = await http(`${this.gw.url}/dashboard/api${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    for (const line of (res.headers['set-cookie'] ?? '').split(/,(?=\s*[^;,=\s]+=)/)) {
      const m = /^\s*([^=;\s]+)=([^;]*)/.exec(line);
      if (!m) continue;
      if (m[2] === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(m[1]!);
      else this.cookies.set(m[1]!, m[2]!);
    }
    return res;
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body: object = {}) => this.call('POST', path, body);
  put = (path: string, body: object) => this.call('PUT', path, body);

  async loadSession(): Promise<HttpResponse> {
    const res = await this.get('/session');
    if (res.status === 200) this.csrf = res.body.csrf_token;
    return res;
  }
}

export function setupToken(setupUrl: string): string {
  return new URL(setupUrl).hash.slice(1);
}

/** Completes a setup link over HTTP as the setup page does; answers the TOTP secret and the recovery codes. */
export async function completeSetup(gw: TestGateway, setupUrl: string, password = PASSWORD): Promise<{ secret: string; recoveryCodes: string[] }> {
  const client = new DashboardClient(gw);
  const token = setupToken(setupUrl);
  const described = await client.post('/setup/describe', { token });
  if (described.status !== 200) throw new Error(`describe: ${described.status} ${described.text}`);
  const secret = described.body.totp_secret as string;
  const done = await client.post('/setup/complete', { token, password, code: await totpCode(secret, gw.clock.now()) });
  if (done.status !== 200) throw new Error(`complete: ${done.status} ${done.text}`);
  // The step used at setup cannot be used again: move to the next one.
  gw.clock.advance(30_000);
  return { secret, recoveryCodes: done.body.recovery_codes };
}

/** Password then code; returns a signed-in client holding its CSRF token. */
export async function signIn(gw: TestGateway, email: string, secret: string, password = PASSWORD): Promise<DashboardClient> {
  const client = new DashboardClient(gw);
  const first = await client.post('/sign-in', { email, password });
  if (first.status !== 200) throw new Error(`sign-in: ${first.status} ${first.text}`);
  const second = await client.post('/sign-in/code', { code: await totpCode(secret, gw.clock.now()) });
  if (second.status !== 200) throw new Error(`code: ${second.status} ${second.text}`);
  gw.clock.advance(30_000);
  await client.loadSession();
  return client;
}

/** A user of `role` for the merchant, set up and signed in. */
export async function userWithRole(
  gw: TestGateway,
  merchantId: string,
  role: 'owner' | 'developer' | 'viewer',
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@shop.example`,
) {
  const created = await gw.services.users.create({ merchantId, email, role });
  const { secret, recoveryCodes } = await completeSetup(gw, created.setupUrl);
  const client = await signIn(gw, email, secret);
  return { client, email, secret, recoveryCodes, userId: created.user.id };
}
