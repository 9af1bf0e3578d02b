import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Storage } from '../../storage/database.js';

/** Liveness and database reachability, for load balancers. Public, unaudited. */
export function healthRoutes(app: FastifyInstance, deps: { storage: Storage; mode: string }): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.storage.db);
      return { status: 'ok', mode: deps.mode };
    } catch {
      return reply.code(503).send({ status: 'unavailable', mode: deps.mode });
    }
  });
}
