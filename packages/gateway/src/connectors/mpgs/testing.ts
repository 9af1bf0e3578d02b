/**
 * Test support for the MPGS connector: a scripted fetch and a recording
 * sleep for unit tests, and a server-side session fill for integration tests
 * against the simulator. Not exported from index.ts; never used by
 * production code.
 */
import { secret } from '../../crypto/secret.js';
import type { FetchLike, MpgsClient } from './client.js';
import type { MpgsConfig } from './config.js';
import type { WireSessionCardUpdateRequest } from './wire.js';

export const PASSWORD = 'pa55-w0rd-not-for-logs';

export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

type Reply = Response | Error | 'hang';

/** A scripted fetch: answers calls in order, records them, honours the abort signal. */
export function scriptedFetch(replies: Reply[]): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    const reply = replies.shift();
    if (reply === undefined) throw new Error('scriptedFetch: no reply left');
    if (reply === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal;
        if (!signal) return;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    if (reply instanceof Error) throw reply;
    return reply;
  }) as FetchLike;
  return { fetch: fetchImpl, calls };
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function connectionReset(): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
}

export function fakeSleep(): { sleep: (ms: number) => Promise<void>; slept: number[] } {
  const slept: number[] = [];
  return { sleep: async (ms) => void slept.push(ms), slept };
}

export const baseConfig: MpgsConfig = {
  baseUrl: 'https://mpgs.example/',
  merchantId: 'TESTMID',
  apiPassword: secret(PASSWORD),
  timeoutMs: 50,
};

/**
 * Fill a hosted session with a test card server-side, as the simulator
 * allows (the browser's hosted fields do this in production). Test-only:
 * Pdirect itself never handles card numbers.
 */
export async function fillSessionCard(
  client: MpgsClient,
  hostedSessionId: string,
  card: { number: string; month: string; year: string; securityCode?: string },
): Promise<void> {
  const body: WireSessionCardUpdateRequest = {
    sourceOfFunds: {
      provided: {
        card: {
          number: card.number,
          expiry: { month: card.month, year: card.year },
          securityCode: card.securityCode ?? '100',
        },
      },
    },
  };
  await client.send({ method: 'PUT', path: `/session/${hostedSessionId}`, body, operation: 'UPDATE_SESSION' });
}
