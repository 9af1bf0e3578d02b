import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import { readiness, type Storage } from '../../storage/database.js';

/**
 * Probes for load balancers and orchestrators. Public, unaudited, answered
 * from any peer (they carry no secret).
 * - `/healthz` — liveness: the process runs and its event loop answers. It
 *   never touches the database, so a database outage does not get healthy
 *   processes restarted.
 * - `/readyz` — readiness: the database answers within the timeout, the
 *   migrations are applied, and on SQLite a write succeeds (a full disk is
 *   reported as `disk: "full"`). 503 until all hold.
 */
export function healthRoutes(app: FastifyInstance, deps: { storage: Storage; mode: string; clock: Clock; probeTimeoutMs: number }): void {
  app.get('/healthz', async () => ({ status: 'ok', mode: deps.mode }));

  app.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await readiness(deps.storage, deps.clock.now(), deps.probeTimeoutMs);
    if (!ready) reply.code(503).header('Retry-After', '2');
    return { status: ready ? 'ready' : 'unavailable', mode: deps.mode, checks };
  });
}
