import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors.js';
import { IDEMPOTENT_METHODS, idempotencyScope, isValidIdempotencyKey, requestFingerprint } from '../../modules/idempotency/idempotency-request.js';
import type { IdempotencyClaim, IdempotencyService, StoredResponse } from '../../modules/idempotency/idempotency-service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` opts a route out of Idempotency-Key handling (the header is then ignored). */
    idempotency?: false;
  }
  interface FastifyRequest {
    /** The key this request holds until its response is stored or released. */
    idempotencyClaim: IdempotencyClaim | undefined;
  }
}

/** Headers that belong to the answer itself and so are replayed; the rest are per request (X-Request-Id, security headers, key rotation). */
const REPLAYED_HEADERS = ['content-type', 'location'] as const;

/**
 * Idempotency-Key for every POST (and other unsafe method) with a caller —
 * merchant key or SDK session token — unless the route says
 * `config: { idempotency: false }`. Requests without the header, and routes
 * with no caller to scope a key to, are untouched.
 *
 * The claim is taken in preValidation: after authentication (onRequest) and
 * after the body is read (rawBody is needed for the fingerprint), but before
 * schema validation. So a 400 for an invalid body is the claimed request's
 * answer and is stored like any other 4xx (the API reference: only 5xx are not), and a
 * retry of the same bad body is replayed rather than re-validated. A body
 * that cannot be parsed at all (bad JSON, 413, 415) fails before the claim
 * and is not stored — it fails identically on every retry anyway.
 *
 * The response is stored in onSend, before it is written, so a client that
 * has seen the answer always finds it stored. A client that disconnects does
 * not free the key: the handler keeps running and its answer is stored when
 * it is sent; freeing the key then would let a retry run alongside it.
 */
export function registerIdempotency(app: FastifyInstance, deps: { idempotency: IdempotencyService }): void {
  app.decorateRequest('idempotencyClaim', undefined);

  app.addHook('preValidation', async (request, reply) => {
    if (!IDEMPOTENT_METHODS.has(request.method) || request.routeOptions.config.idempotency === false) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const scope = idempotencyScope({ sessionId: request.sdkSession?.sessionId, merchantId: request.merchant?.merchantId });
    if (!scope) return;
    if (!isValidIdempotencyKey(header))
      throw request.deferredRefusal ?? new ApiError('1010', 'Idempotency-Key header must be 1 to 255 printable ASCII characters');

    const path = request.url.split('?')[0] ?? request.url;
    const idempotent = {
      scope,
      key: header,
      requestId: request.id,
      method: request.method,
      path,
      fingerprint: requestFingerprint({ method: request.method, url: request.url, rawBody: request.rawBody }),
    };
    if (request.deferredRefusal) {
      // The caller may no longer act (a spent session): only the stored answer to this same request is given back.
      const stored = await deps.idempotency.storedResponse(idempotent);
      if (stored) return replay(reply, stored);
      throw request.deferredRefusal;
    }
    const outcome = await deps.idempotency.begin(idempotent);
    switch (outcome.kind) {
      case 'claimed':
        request.idempotencyClaim = outcome.claim;
        return;
      case 'replay':
        return replay(reply, outcome.response);
      case 'mismatch':
        throw new ApiError(
          '1301',
          `Idempotency-Key was already used for a different request (first: ${outcome.firstUse.method} ${outcome.firstUse.path}); use a new key for a new request`,
        );
      case 'in_flight':
        throw new ApiError('1302', 'a request with this Idempotency-Key is still in flight; retry once it has completed');
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = takeClaim(request);
    if (!claim) return payload;
    try {
      const body = storableBody(payload);
      // 5xx: the failure may be transient, so the retry must run again (docs/api.md#idempotency).
      // 429: a rate limit is about when the request came, not what it asked.
      if (reply.statusCode >= 500 || reply.statusCode === 429 || !body) {
        if (!body && reply.statusCode < 500) request.log.warn('streamed response cannot be stored for Idempotency-Key; key released');
        await deps.idempotency.release(claim);
      } else {
        await deps.idempotency.complete(claim, { status: reply.statusCode, headers: replayedHeaders(reply), ...body });
      }
    } catch (err) {
      // The answer still goes out; the key stays in flight until its lease lapses, so
      // a retry meanwhile gets 1302 rather than running the operation a second time.
      request.log.error({ err }, 'could not settle Idempotency-Key');
    }
    return payload;
  });

  // Safety net for a response that never passed through onSend (a hijacked reply).
  app.addHook('onResponse', async (request) => {
    const claim = takeClaim(request);
    if (claim) await deps.idempotency.release(claim).catch((err: unknown) => request.log.error({ err }, 'could not release Idempotency-Key'));
  });
}

function takeClaim(request: FastifyRequest): IdempotencyClaim | undefined {
  const claim = request.idempotencyClaim;
  request.idempotencyClaim = undefined;
  return claim;
}

function replay(reply: FastifyReply, stored: StoredResponse): FastifyReply {
  reply.code(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value);
  reply.header('Idempotent-Replayed', 'true');
  return reply.send(stored.encoding === 'base64' ? Buffer.from(stored.body, 'base64') : stored.body);
}

function storableBody(payload: unknown): Pick<StoredResponse, 'body' | 'encoding'> | undefined {
  if (payload === null || payload === undefined) return { body: '', encoding: 'utf8' };
  if (typeof payload === 'string') return { body: payload, encoding: 'utf8' };
  if (Buffer.isBuffer(payload)) return { body: payload.toString('base64'), encoding: 'base64' };
  return undefined; // a stream: cannot be captured without buffering it
}

function replayedHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}
