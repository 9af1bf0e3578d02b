import type { RouteOptions } from 'fastify';
import { ERROR_CATALOGUE } from '../../errors.js';
import { OPERATIONS } from './openapi-operations.js';

/** How each route of the document is turned into an operation, and the error responses added to it (openapi.ts). */

type Auth = 'merchant' | 'session' | undefined;

export const ERROR_ENVELOPE = {
  type: 'object',
  description: 'Every error answers with this envelope. `error_code` is from the error catalogue; quote `request_id` to support.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['status', 'error_code', 'message', 'request_id'],
      properties: {
        status: { type: 'integer', description: 'The HTTP status, repeated' },
        error_code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE), description: 'Catalogue code (see docs/api.md#error-catalogue)' },
        message: { type: 'string', description: 'What went wrong, in plain words' },
        request_id: { type: 'string', pattern: '^req_[a-z2-7]{24}$' },
        param: { type: 'string', description: 'The request field at fault, when there is one' },
        errors: {
          type: 'array',
          description: 'Every invalid field of a 1010 answer',
          items: { type: 'object', properties: { param: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
  examples: [{ error: { status: 404, error_code: '1011', message: 'no such payment', request_id: 'req_abcdefghijklmnopqrstuvwx' } }],
} as const;

/** Errors any operation of that kind can answer. */
function commonErrors(auth: Auth, method: string): string[] {
  const codes = ['1900'];
  if (method !== 'GET') codes.push('1010', '1013', '1014');
  if (auth === 'merchant') codes.push('1001', '1002', '1003');
  if (auth === 'session') codes.push('1001', '1002', '1004', '1006');
  return codes;
}

export function errorResponses(codes: string[]): Record<string, unknown> {
  const byStatus = new Map<number, string[]>();
  for (const code of new Set(codes)) {
    const entry = ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE];
    if (!entry) continue;
    byStatus.set(entry.status, [...(byStatus.get(entry.status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const first = list.sort()[0]!;
    responses[String(status)] = {
      description: list.map((c) => `${c}: ${ERROR_CATALOGUE[c as keyof typeof ERROR_CATALOGUE].title}`).join('; '),
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/ErrorEnvelope' },
          example: {
            error: {
              status,
              error_code: first,
              message: ERROR_CATALOGUE[first as keyof typeof ERROR_CATALOGUE].title,
              request_id: 'req_abcdefghijklmnopqrstuvwx',
            },
          },
        },
      },
    };
  }
  return responses;
}

/** "/v1/payments/:payment_id" → "/v1/payments/{payment_id}" (the OpenAPI path the swagger plugin emits). */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Adds the operation's words, responses and examples to the document; the route's own schema (used for validation) is not touched. */
export function describe(route: RouteOptions & { schema?: Record<string, unknown> }, url: string): Record<string, unknown> {
  const method = [route.method].flat()[0]!;
  const schema = { ...(route.schema ?? {}) } as Record<string, unknown>;
  const config = (route.config ?? {}) as { auth?: Auth; methodNotAllowed?: boolean };
  // Not operations of the API: 405 catch-alls, HEAD twins, wildcards, and the dashboard's own browser endpoints (same-origin, cookie session).
  if (method === 'HEAD' || config.methodNotAllowed || url.includes('*') || url === '/dashboard' || url.startsWith('/dashboard/'))
    return { ...schema, hide: true };
  const op = OPERATIONS[`${method} ${openApiPath(url)}`];
  const auth = config.auth;
  const [status, description, example] = op?.success ?? [200, 'Success'];
  const media = op?.media;
  const success =
    media === null
      ? { description, type: 'null' }
      : media
        ? { description, content: { [media]: { schema: { type: 'string' } } } }
        : example === undefined
          ? { description, type: 'object', additionalProperties: true }
          : { description, type: 'object', additionalProperties: true, examples: [example] };
  const responses: Record<string, unknown> = { [String(status)]: success };
  // Keep response schemas a route declares itself.
  Object.assign(responses, (schema.response as Record<string, unknown> | undefined) ?? {});
  return {
    ...schema,
    operationId: `${method.toLowerCase()}${openApiPath(url)
      .replace(/[{}]/g, '')
      .split(/[/_.-]/)
      .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : ''))
      .join('')}`,
    summary: op?.summary ?? `${method} ${url}`,
    ...(op?.description ? { description: op.description } : {}),
    tags: [op?.tag ?? 'Other'],
    ...(auth === 'merchant' ? { security: [{ merchantKey: [] }] } : auth === 'session' ? { security: [{ sessionToken: [] }] } : { security: [] }),
    response: responses,
    _errors: [...commonErrors(auth, method), ...(op?.errors ?? [])],
  };
}
