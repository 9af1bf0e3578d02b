import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { SimulatorContext } from './context.js';
import { MpgsError, serverFailed } from './errors.js';
import { installFaultHooks } from './fault-hooks.js';
import { toMpgsJson } from './mpgs-json.js';
import { escapeHtml } from './pages/html.js';
import { registerAcsRoutes } from './routes/acs.js';
import { registerControlRoutes } from './routes/control.js';
import { registerHostedFieldRoutes } from './routes/hosted-fields.js';
import { registerInformationRoutes } from './routes/information.js';
import { registerOrderRoutes } from './routes/order.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerTransactionRoutes } from './routes/transaction.js';

export function buildServer(ctx: SimulatorContext, options: { logger: boolean }): FastifyInstance {
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    // close() must not wait for connections a 'timeout' fault keeps hanging.
    forceCloseConnections: true,
    // Long enough for any MPGS order/transaction id in the path.
    routerOptions: { maxParamLength: 200 },
  });

  installFaultHooks(app, ctx);
  app.setErrorHandler((error: unknown, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(new MpgsError(404, 'INVALID_REQUEST', `No resource at ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );

  // The REST API (and the JSON endpoints beside it) read every body as JSON,
  // whatever the Content-Type says — as MPGS does (clients send text/plain
  // or no type at all) — and an empty body is fine for POST …/session.
  app.register(async (api) => {
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'string' }, parseJsonBody);
    registerInformationRoutes(api);
    registerSessionRoutes(api, ctx);
    registerTransactionRoutes(api, ctx);
    registerOrderRoutes(api, ctx);
    registerHostedFieldRoutes(api, ctx);
    registerControlRoutes(api, ctx);
  });

  // The ACS receives HTML form posts (creq, the payer's choice).
  app.register(async (acs) => {
    await acs.register(formbody);
    registerAcsRoutes(acs, ctx);
  });
  return app;
}

function parseJsonBody(_request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') {
    done(null, undefined);
    return;
  }
  try {
    done(null, JSON.parse(text));
  } catch {
    done(new MpgsError(400, 'INVALID_REQUEST', 'Request body is not valid JSON'));
  }
}

/** One place that turns errors into answers: MPGS JSON for the API, a small page for the ACS. */
function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let mpgs: MpgsError;
  if (error instanceof MpgsError) {
    mpgs = error;
  } else if (isClientError(error)) {
    mpgs = new MpgsError(error.statusCode, 'INVALID_REQUEST', error.message);
  } else {
    request.log.error({ err: error }, 'unexpected simulator error');
    mpgs = serverFailed();
  }
  if (request.url.startsWith('/acs/')) {
    return reply
      .code(mpgs.status)
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="en"><title>ACS error</title><body><h1>3-D Secure error</h1><p>${escapeHtml(mpgs.explanation)}</p></body></html>`);
  }
  return reply.code(mpgs.status).type('application/json;charset=UTF-8').send(toMpgsJson(mpgs.toBody()));
}

function isClientError(error: unknown): error is { statusCode: number; message: string } {
  if (error === null || typeof error !== 'object') return false;
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}
