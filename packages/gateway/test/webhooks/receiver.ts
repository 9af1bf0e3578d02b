import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test receiver got, and how many times it had seen that webhook-id (1 = first). */
export interface Receipt {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: Record<string, string>;
  nth: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer after this long (real time). */
  delayMs?: number;
}

export interface Receiver {
  url: string;
  receipts: Receipt[];
  forId(id: string): Receipt[];
  /** Resolves when `n` receipts have arrived. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A merchant's webhook endpoint on 127.0.0.1, answering as `reply` says. */
export async function startReceiver(reply: (r: Receipt) => Reply = () => ({ status: 200 }), path = '/hooks'): Promise<Receiver> {
  const receipts: Receipt[] = [];
  const counts = new Map<string, number>();
  const waiters: Array<{ n: number; resolve(): void }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '');
      const nth = (counts.get(id) ?? 0) + 1;
      counts.set(id, nth);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
      const receipt: Receipt = {
        id,
        timestamp: headers['webhook-timestamp'] ?? '',
        signature: headers['webhook-signature'] ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        headers,
        nth,
      };
      receipts.push(receipt);
      for (const w of waiters.filter((w) => receipts.length >= w.n)) w.resolve();
      const answer = reply(receipt);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    receipts,
    forId: (id) => receipts.filter((r) => r.id === id),
    waitFor: (n) => (receipts.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Nothing listens on port 1: every attempt is refused. */
export const DOWN_URL = 'http://127.0.0.1:1/hooks';
