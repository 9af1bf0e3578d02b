import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimulatorContext } from './context.js';
import { serverFailed } from './errors.js';
import { toMpgsJson } from './mpgs-json.js';

/**
 * Applies injected faults (faults.ts) to matching requests. Runs as a
 * preHandler, after the body is parsed (so `apiOperation` can be matched)
 * and before authentication and the route, like a failure in the network
 * or the gateway's front door would.
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a 'lost_answer' fault: perform the operation, then drop the connection. */
    loseAnswer?: boolean;
  }
  interface FastifyContextConfig {
    /** apiOperation name of a route without a body operation (CREATE_SESSION, RETRIEVE_ORDER …). */
    operation?: string;
  }
}

export function installFaultHooks(app: FastifyInstance, ctx: SimulatorContext): void {
  app.addHook('preHandler', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/_sim/')) return;
    const fault = ctx.faults.take({
      path,
      ...optional('merchantId', paramOf(request, 'merchantId')),
      ...optional('apiOperation', operationOf(request)),
    });
    if (!fault) return;
    request.log.info({ fault }, 'injecting fault');
    switch (fault.kind) {
      case 'delay':
        await sleep(fault.delayMs ?? 0);
        return;
      case 'http_500':
        await reply.code(500).type('application/json;charset=UTF-8').send(toMpgsJson(serverFailed().toBody()));
        return reply;
      case 'reset':
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      case 'timeout':
        // Never answer. The socket is destroyed when the client gives up, or by
        // close() (forceCloseConnections), so no timer keeps the process alive.
        reply.hijack();
        return reply;
      case 'lost_answer':
        request.loseAnswer = true;
        return;
    }
  });

  // The operation has been performed and stored; drop the connection instead of answering.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.loseAnswer) {
      request.raw.socket.destroy();
      reply.hijack();
    }
    return payload;
  });
}

function paramOf(request: FastifyRequest, name: string): string | undefined {
  const params = request.params as Record<string, unknown> | undefined;
  const value = params?.[name];
  return typeof value === 'string' ? value : undefined;
}

function operationOf(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && typeof body.apiOperation === 'string') return body.apiOperation;
  return request.routeOptions.config.operation;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    // unref: a delayed request must not keep a closing process alive.
    setTimeout(resolve, ms).unref();
  });
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
