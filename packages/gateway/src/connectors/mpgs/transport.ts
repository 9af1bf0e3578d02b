import { Pool } from 'undici';

/**
 * MpgsClient's pooled transport (client.ts): one keep-alive undici Pool per
 * card-network origin, shared by every client in the process.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT';

/** Connections per card-network origin: enough for the gateway's concurrency; idle ones close after keepAliveTimeout. */
const POOL_CONNECTIONS = 64;
/** Origins kept pooled at once (a process talks to one or two; tests start many simulators). */
const MAX_POOLS = 32;
const pools = new Map<string, Pool>();

/**
 * One keep-alive pool per origin. No pipelining: a PAY can take seconds at
 * the issuer, and a pipelined read queued behind it on the same connection
 * would wait for it (head-of-line); reused connections already remove the
 * connect and TLS handshake that dominated per-call cost.
 */
function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: POOL_CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
    pools.set(origin, pool);
    if (pools.size > MAX_POOLS) {
      const [oldest, evicted] = pools.entries().next().value!;
      pools.delete(oldest);
      void evicted.close().catch(() => undefined);
    }
  }
  return pool;
}

/** Closes every pooled connection (graceful shutdown, tests). */
export async function closeMpgsPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.allSettled(all.map((p) => p.close()));
}

export async function pooledCall(
  url: string,
  init: { method: HttpMethod; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const response = await poolFor(target.origin).request({
    path: `${target.pathname}${target.search}`,
    method: init.method,
    headers: init.headers,
    body: init.body,
    signal: init.signal,
  });
  return { status: response.statusCode, text: await response.body.text() };
}
