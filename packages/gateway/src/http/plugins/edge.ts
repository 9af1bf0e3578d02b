import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { ApiError, type ErrorCode } from '../../errors.js';
import { newId } from '../../ids.js';
import { type Cidr, ipAllowed, parseCidr } from '../../modules/keys/ip-allowlist.js';
import { sendError } from './errors.js';
import { securityHeaders } from './security-headers.js';

/** Paths a load balancer or orchestrator probes directly; they carry no secret and answer from any peer. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);
/** How long a client is asked to wait before retrying an answer shed at the edge. */
const RETRY_AFTER_SECONDS = '1';

/**
 * The Fastify/Node server options that bound slow clients: the whole request
 * (headers and body) within `requestTimeoutMs`, the headers within
 * `headersTimeoutMs`, an idle keep-alive connection closed after
 * `keepAliveTimeoutMs`. Node checks these every `connectionsCheckingInterval`
 * (30 s by default — far too coarse for a bound of seconds). A handler that
 * waits on the card network is not affected: only receiving the request is
 * timed. Parser errors (431, 400 for a Content-Length/Transfer-Encoding
 * conflict, 408) and Fastify's framework errors (bad URL, 414) leave in the
 * error envelope with X-Request-Id and the security headers.
 */
export function edgeServerOptions(config: Config) {
  const { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs } = config.edge;
  const serverTimeouts = {
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeoutMs / 4))),
  };
  return {
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    http: serverTimeouts,
    httpsTimeouts: serverTimeouts,
    // Answered by the edge hook below, in the envelope and with Connection: close.
    return503OnClosing: false,
    clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket) {
      answerClientError(err, socket, Boolean(config.tls), this.log);
    },
    frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      for (const [name, value] of Object.entries(securityHeaders(Boolean(config.tls)))) reply.header(name, value);
      reply.header('X-Request-Id', request.id);
      const apiError =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new ApiError('1016', 'a path segment of the request URL is too long')
          : new ApiError('1010', error.code === 'FST_ERR_BAD_URL' ? 'the request URL is not valid (bad percent-encoding)' : 'the request is not valid');
      return sendError(request, reply, apiError);
    },
  };
}

const CLIENT_ERRORS: Record<string, [ErrorCode, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: ['1015', 'the request was not received in time'],
  HPE_HEADER_OVERFLOW: ['1017', 'the request headers are too large'],
  HPE_UNEXPECTED_CONTENT_LENGTH: ['1010', 'Content-Length and Transfer-Encoding must not be sent together'],
};

/** Node's HTTP parser rejected the request before any route saw it: answer in the envelope, then close. */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket, tls: boolean, log: FastifyInstance['log']): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = CLIENT_ERRORS[err.code ?? ''] ?? ['1010', 'the request is not valid HTTP'];
  const status = new ApiError(code).status;
  const requestId = newId('req');
  log.info({ request_id: requestId, code: err.code, status }, 'client error');
  // A response already under way on this connection cannot be followed by another: just close.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { status, error_code: code, message, request_id: requestId } });
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': requestId,
    ...securityHeaders(tls),
    Connection: 'close',
  };
  const head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n`;
  socket.write(head + body, () => socket.destroy());
  // A peer that stops reading cannot hold the socket open.
  setTimeout(() => socket.destroy(), 2_000).unref();
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/**
 * The edge rules every request passes first:
 * - while the gateway drains for shutdown, new requests get 503 1901 with
 *   `Connection: close` (a load balancer retries them elsewhere);
 * - live mode without the gateway's own TLS answers only its trusted proxies,
 *   and only for requests the proxy says arrived over HTTPS
 *   (`X-Forwarded-Proto: https`); anyone else gets 403 1018 — health probes
 *   and a metrics scrape straight from loopback excepted;
 * - an answer sent before the request body was read (an early 401, a 413) or
 *   any 401/413 closes the connection, so a client cannot keep trickling a
 *   body into a socket that has already been answered;
 * - one client address holds at most `maxConnectionsPerIp` connections
 *   (trusted proxies, which carry everyone's traffic, are exempt);
 * - until the database is reachable and migrated at boot, everything but the
 *   health probes gets 503 1901;
 * - NUL characters and unpaired UTF-16 surrogates are refused (400 1010) in
 *   path parameters, the query string and JSON bodies: they never reach storage.
 */
function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

export function registerEdge(app: FastifyInstance, config: Config, deps: { ready: () => boolean }): void {
  const proxies: Cidr[] = config.trustedProxies.map(parseCidr);
  // An empty allow-list admits everyone; no proxies here means nobody is one.
  const isProxy = (address: string | undefined) => address !== undefined && proxies.length > 0 && ipAllowed(address, proxies);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('Connection', 'close');
      throw new ApiError('1901', 'the gateway is shutting down; retry', { 'Retry-After': RETRY_AFTER_SECONDS });
    }
    const path = request.url.split('?')[0] ?? '';
    const probe = PROBE_PATHS.has(path);
    // A Prometheus scrape from this host, not through the proxy: /metrics guards itself (loopback or token).
    const localScrape = path === '/metrics' && isLoopback(request.socket.remoteAddress) && request.headers['x-forwarded-for'] === undefined;
    if (config.mode === 'live' && !config.tls && !probe && !localScrape) {
      if (!isProxy(request.socket.remoteAddress) || request.protocol !== 'https') {
        reply.header('Connection', 'close');
        throw new ApiError('1018', 'live mode answers only HTTPS requests through the configured TLS proxy');
      }
    }
    // Still waiting for the database at boot: nothing but the probes can be served.
    if (!probe && !deps.ready()) throw new ApiError('1901', 'the gateway is starting and its database is not ready yet; retry', { 'Retry-After': '2' });
  });

  app.addHook('preValidation', async (request) => {
    const problem = unsafeText(request.params, 'path') ?? unsafeText(request.query, 'query') ?? unsafeText(request.body, 'body');
    if (problem) throw new ApiError('1010', `${problem} contains a NUL character or an unpaired surrogate`);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 401 || reply.statusCode === 413 || !request.raw.complete) reply.header('Connection', 'close');
    return payload;
  });

  const perAddress = new Map<string, number>();
  app.server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address || isProxy(address)) return;
    const open = (perAddress.get(address) ?? 0) + 1;
    if (open > config.edge.maxConnectionsPerIp) {
      app.log.warn({ address_connections: open - 1 }, 'connection refused: too many open connections from one address');
      // Nothing has been read yet; on plain HTTP say why, over TLS just close.
      if (!config.tls) {
        const body = JSON.stringify({
          error: { status: 503, error_code: '1901', message: 'too many open connections from this address', request_id: newId('req') },
        });
        socket.end(
          `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: ${RETRY_AFTER_SECONDS}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroySoon();
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    perAddress.set(address, open);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
}

const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first place in `value` holding a NUL or a lone surrogate (in a key or a string), named for the message. */
function unsafeText(value: unknown, where: string, depth = 0): string | undefined {
  if (typeof value === 'string') return UNSAFE.test(value) ? where : undefined;
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const path = Array.isArray(value) ? where : `${where === 'body' ? '' : `${where} `}${key}`.trim();
    if (UNSAFE.test(key)) return where;
    const found = unsafeText(inner, path, depth + 1);
    if (found) return found;
  }
  return undefined;
}
