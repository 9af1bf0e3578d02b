import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.js';
import type { WebhookService } from '../../modules/webhooks/webhook-service.js';

const EVENT_ID = '^evt_[a-z2-7]{20}$';
/** Unix seconds, or an ISO 8601 date-time. */
const Instant = Type.String({ minLength: 1, maxLength: 40 });
const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
    starting_after: Type.Optional(Type.String({ pattern: EVENT_ID })),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    order_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    'created[gte]': Type.Optional(Instant),
    'created[lte]': Type.Optional(Instant),
  },
  { additionalProperties: false },
);
const EventParams = Type.Object({ event_id: Type.String({ pattern: EVENT_ID }) });
const TestBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);

function instant(value: string | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^[0-9]{1,12}$/.test(value) ? Number(value) * 1000 : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new ApiError('1010', `${param}: Unix seconds or an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z`);
  return ms;
}

/**
 * Merchant boundary: the merchant's own events, newest first, each with its
 * delivery attempts, and a signed test event to an allow-listed URL. Another
 * merchant's event is as unknown as one that never existed (404 1011).
 */
export function eventRoutes(app: FastifyInstance, deps: { webhooks: WebhookService }): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>('/v1/events', { config: { auth: 'merchant' }, schema: { querystring: ListQuery } }, async (request) => {
    const q = request.query;
    const limit = q.limit === undefined ? 10 : Number(q.limit);
    if (limit < 1 || limit > 100) throw new ApiError('1010', 'limit: from 1 to 100');
    return deps.webhooks.listEvents(request.merchant!.merchantId, {
      limit,
      type: q.type,
      orderId: q.order_id,
      createdGte: instant(q['created[gte]'], 'created[gte]'),
      createdLte: instant(q['created[lte]'], 'created[lte]'),
      startingAfter: q.starting_after,
    });
  });

  app.get<{ Params: Static<typeof EventParams> }>(
    '/v1/events/:event_id',
    { config: { auth: 'merchant' }, schema: { params: EventParams } },
    async (request) => {
      return deps.webhooks.describeEvent(request.params.event_id, { merchantId: request.merchant!.merchantId });
    },
  );

  app.post<{ Body: Static<typeof TestBody> }>('/v1/events/test', { config: { auth: 'merchant' }, schema: { body: TestBody } }, async (request, reply) => {
    const event = await deps.webhooks.sendTestEvent(request.merchant!.merchantId, request.body);
    return reply.code(201).send(event);
  });
}
