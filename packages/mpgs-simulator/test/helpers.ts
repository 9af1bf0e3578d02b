import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../src/index.js';

/** A hand-driven clock: tests move time instead of sleeping. */
export class TestClock {
  constructor(public ms = Date.UTC(2026, 0, 15, 10, 0, 0)) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
}

/** A minimal MPGS REST client over fetch, the way a connector talks to the gateway. */
export class MpgsClient {
  constructor(
    readonly baseUrl: string,
    readonly merchantId = 'TESTPDIRECT',
    readonly password = 'sandbox',
    readonly version = 100,
  ) {}

  get merchantBase(): string {
    return `${this.baseUrl}/api/rest/version/${this.version}/merchant/${this.merchantId}`;
  }

  authHeader(user = `merchant.${this.merchantId}`, password = this.password): string {
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  async request(method: string, url: string, body?: unknown, init: RequestInit = {}): Promise<ApiResponse> {
    const response = await fetch(url, {
      method,
      headers: { Authorization: this.authHeader(), 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
      body: body === undefined ? null : JSON.stringify(body),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
  }

  createSession(body?: unknown): Promise<ApiResponse> {
    return this.request('POST', `${this.merchantBase}/session`, body);
  }

  updateSession(id: string, body: unknown): Promise<ApiResponse> {
    return this.request('PUT', `${this.merchantBase}/session/${id}`, body);
  }

  getSession(id: string): Promise<ApiResponse> {
    return this.request('GET', `${this.merchantBase}/session/${id}`);
  }

  put(orderId: string, transactionId: string, body: unknown, init?: RequestInit): Promise<ApiResponse> {
    return this.request('PUT', `${this.merchantBase}/order/${orderId}/transaction/${transactionId}`, body, init);
  }

  getTransaction(orderId: string, transactionId: string): Promise<ApiResponse> {
    return this.request('GET', `${this.merchantBase}/order/${orderId}/transaction/${transactionId}`);
  }

  getOrder(orderId: string): Promise<ApiResponse> {
    return this.request('GET', `${this.merchantBase}/order/${orderId}`);
  }

  /** A session holding a card (server-side update, as a merchant's automated test would). */
  async sessionWithCard(card: TestCard, order: { amount: string; currency: string } = { amount: '12.50', currency: 'USD' }): Promise<string> {
    const created = await this.createSession();
    const id = created.body.session.id as string;
    const updated = await this.updateSession(id, {
      order,
      sourceOfFunds: {
        provided: {
          card: {
            number: card.number,
            expiry: { month: card.month ?? '01', year: card.year ?? '39' },
            ...(card.csc ? { securityCode: card.csc } : {}),
          },
        },
      },
    });
    if (updated.status !== 200) throw new Error(`session update failed: ${updated.text}`);
    return id;
  }
}

export interface TestCard {
  number: string;
  month?: string;
  year?: string;
  csc?: string;
}

export interface TestSimulator {
  sim: RunningSimulator;
  api: MpgsClient;
  clock: TestClock;
}

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<TestSimulator> {
  const clock = new TestClock();
  const sim = await startSimulator({ now: clock.now, ...options });
  return { sim, api: new MpgsClient(sim.url), clock };
}

let counter = 0;
/** Unique order / transaction ids per test. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export const BROWSER_DEVICE = {
  browser: 'MOZILLA',
  browserDetails: {
    '3DSecureChallengeWindowSize': 'FULL_SCREEN',
    acceptHeaders: 'application/json',
    colorDepth: 24,
    javaEnabled: true,
    language: 'en-US',
    screenHeight: 640,
    screenWidth: 480,
    timeZone: 273,
  },
  ipAddress: '127.0.0.1',
};

export function initiateBody(sessionId: string, currency = 'USD'): Record<string, unknown> {
  return {
    apiOperation: 'INITIATE_AUTHENTICATION',
    authentication: { acceptVersions: '3DS2', channel: 'PAYER_BROWSER', purpose: 'PAYMENT_TRANSACTION' },
    order: { currency },
    session: { id: sessionId },
  };
}

export function authenticatePayerBody(sessionId: string, redirectResponseUrl: string, amount = '12.50'): Record<string, unknown> {
  return {
    apiOperation: 'AUTHENTICATE_PAYER',
    authentication: { redirectResponseUrl },
    device: BROWSER_DEVICE,
    order: { amount, currency: 'USD' },
    session: { id: sessionId },
  };
}

export function payBody(sessionId: string, authTransactionId?: string, amount = '12.50'): Record<string, unknown> {
  return {
    apiOperation: 'PAY',
    ...(authTransactionId ? { authentication: { transactionId: authTransactionId } } : {}),
    order: { amount, currency: 'USD', reference: 'ref-1' },
    session: { id: sessionId },
    sourceOfFunds: { type: 'CARD' },
    transaction: { reference: 'txn-ref-1' },
  };
}

/** Pulls the creq value and ACS action out of a challenge redirect.html. */
export function parseChallengeHtml(html: string): { acsUrl: string; creq: string } {
  const acsUrl = /action="([^"]+)"/.exec(html)?.[1];
  const creq = /name="creq" value="([^"]+)"/.exec(html)?.[1];
  if (!acsUrl || !creq) throw new Error(`not a challenge snippet: ${html}`);
  return { acsUrl, creq };
}

/** Submits an HTML form the way a browser would (application/x-www-form-urlencoded). */
export async function postForm(url: string, fields: Record<string, string>): Promise<{ status: number; html: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, html: await response.text() };
}

/** Hidden inputs of an auto-post form, decoded. */
export function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[decodeEntities(match[1] ?? '')] = decodeEntities(match[2] ?? '');
  }
  return fields;
}

function decodeEntities(text: string): string {
  return text.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}
