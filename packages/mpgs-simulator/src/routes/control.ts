import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { parseFaultSpec } from '../faults.js';

/**
 * Simulator-only control endpoint (no MPGS equivalent, no auth: the
 * simulator listens on 127.0.0.1 by default and is a test tool).
 *   POST   /_sim/faults  FaultSpec JSON → 201 {"faults":[…active…]}
 *   GET    /_sim/faults               → 200 {"faults":[…]}
 *   DELETE /_sim/faults               → 200 {"faults":[]}
 */
export function registerControlRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.post('/_sim/faults', async (request, reply) => {
    try {
      ctx.faults.add(parseFaultSpec(request.body));
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message });
    }
    return reply.code(201).send({ faults: ctx.faults.list() });
  });

  app.get('/_sim/faults', async () => ({ faults: ctx.faults.list() }));

  app.delete('/_sim/faults', async () => {
    ctx.faults.clear();
    return { faults: [] };
  });
}
