import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, invalidFields, type ErrorCode } from '../../errors.js';
import { unavailableReason } from '../../storage/database.js';
import { fieldErrors, type ValidationIssue } from '../validation/field-errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks the generated 405 routes, so they are not themselves recorded as paths. */
    methodNotAllowed?: boolean;
  }
}

/**
 * The one place errors become HTTP: every failure leaves as the API
 * envelope with a catalogue code. Internal causes are logged with the
 * request id; the client sees only "internal error" and that id.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send({
      error: {
        status: error.status,
        error_code: error.code,
        message: error.message,
        ...(error.param !== undefined ? { param: error.param } : {}),
        ...(error.errors !== undefined ? { errors: error.errors } : {}),
        request_id: request.id,
      },
    });
}

function fromFastifyError(error: FastifyError): ApiError | undefined {
  if (error.validation) {
    // Every invalid field (the validator runs with allErrors), each in plain words.
    const errors = fieldErrors(error.validation as unknown as ValidationIssue[], error.validationContext ?? 'body');
    return invalidFields(
      errors.length > 0 ? errors : [{ param: error.validationContext ?? 'body', code: 'invalid', message: `${error.validationContext ?? 'body'} is invalid` }],
    );
  }
  const byCode: Record<string, [ErrorCode, string]> = {
    FST_ERR_CTP_INVALID_JSON_BODY: ['1010', 'request body is not valid JSON'],
    FST_ERR_CTP_EMPTY_JSON_BODY: ['1010', 'request body is empty; send a JSON object'],
    FST_ERR_CTP_BODY_TOO_LARGE: ['1013', 'request body is too large'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: ['1014', 'send the body as application/json'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['1010', 'Content-Length does not match the body'],
  };
  const mapped = error.code ? byCode[error.code] : undefined;
  if (mapped) return new ApiError(mapped[0], mapped[1]);
  if (error.statusCode === 400 && error instanceof SyntaxError) return new ApiError('1010', 'request body is not valid JSON');
  return undefined;
}

/** The database cannot serve right now (unreachable, timed out, busy, disk full): 503 with Retry-After, not a 500. */
function unavailable(error: unknown): ApiError | undefined {
  const reason = unavailableReason(error);
  if (!reason) return undefined;
  const what = reason === 'disk_full' ? 'storage is full' : 'the database is not reachable in time';
  return new ApiError('1901', `temporarily unavailable (${what}); retry shortly`, { 'Retry-After': '2' });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = error instanceof ApiError ? error : (fromFastifyError(error) ?? unavailable(error));
    if (apiError) {
      if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendError(request, reply, apiError);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, new ApiError('1900', 'internal error; quote the request_id to support'));
  });

  app.setNotFoundHandler((request, reply) => sendError(request, reply, new ApiError('1011', `no route ${request.method} ${request.url.split('?')[0]}`)));
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Answers 405 (code 1012, with Allow) for a known path asked with a method it
 * does not serve. Call after every route is registered.
 */
export function registerMethodNotAllowed(app: FastifyInstance, routes: Map<string, Set<string>>): void {
  for (const [url, methods] of routes) {
    const allowed = [...methods].filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
    for (const method of METHODS) {
      if (methods.has(method)) continue;
      app.route({
        method,
        url,
        config: { methodNotAllowed: true },
        handler: (request, reply) => {
          reply.header('Allow', allowed.join(', '));
          return sendError(request, reply, new ApiError('1012', `${request.method} is not allowed here; use ${allowed.join(' or ')}`));
        },
      });
    }
  }
}
