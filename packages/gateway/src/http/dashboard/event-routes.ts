import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DateText, Id, iso, merchantOf, page, PAGE, PageNo, time, type ConsoleDeps } from './console-common.js';
import { sendTestEvent } from './test-event.js';

const EventsQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 40 })),
    mentions: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(DateText),
    to: Type.Optional(DateText),
    page: PageNo,
  },
  { additionalProperties: false },
);
const TestEventBody = Type.Object({ notify_url: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false });

/** Webhook events: the list with each one's latest delivery, one event with its payload, redelivery, and a test event. */
export function dashboardEventRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { services } = deps;

  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/dashboard/api/events',
    { config: { dashboard: 'read' }, schema: { querystring: EventsQuery } },
    async (request) => {
      const q = request.query;
      const p = page(q.page);
      const events = await deps.deliveries.listEvents(
        merchantOf(request),
        { type: q.type || undefined, mentions: q.mentions?.trim() || undefined, from: time(q.from, 'from'), to: time(q.to, 'to') },
        PAGE,
        (p - 1) * PAGE,
      );
      const deliveries = await deps.deliveries.deliveriesOfEvents(events.map((e) => e.id));
      const latest = new Map(deliveries.map((d) => [d.event_id, d]));
      return {
        data: events.map((e) => ({
          id: e.id,
          type: e.type,
          created_at: iso(e.created_at),
          notify_url: e.notify_url,
          state: latest.get(e.id)?.state ?? null,
          attempts: latest.get(e.id)?.attempt_count ?? 0,
        })),
        page: p,
        page_size: PAGE,
      };
    },
  );

  app.get<{ Params: { event_id: string } }>(
    '/dashboard/api/events/:event_id',
    { config: { dashboard: 'read' }, schema: { params: Type.Object({ event_id: Id('evt') }) } },
    async (request) => {
      const view = await services.webhooks.describeEvent(request.params.event_id, { merchantId: merchantOf(request) });
      const event = await deps.deliveries.findEvent(request.params.event_id);
      return { ...view, payload: event ? (JSON.parse(event.payload) as unknown) : null };
    },
  );

  app.post<{ Params: { event_id: string } }>(
    '/dashboard/api/events/:event_id/redeliver',
    { config: { dashboard: 'manage_webhooks' }, schema: { params: Type.Object({ event_id: Id('evt') }) } },
    async (request) => {
      const started = await services.webhooks.redeliver(request.params.event_id, { merchantId: merchantOf(request) });
      return { event_id: started.eventId, delivery_id: started.deliveryId, next_attempt_at: iso(started.nextAttemptAt) };
    },
  );

  app.post<{ Body: Static<typeof TestEventBody> }>(
    '/dashboard/api/events/test',
    { config: { dashboard: 'manage_webhooks' }, schema: { body: TestEventBody } },
    async (request, reply) => {
      const sent = await sendTestEvent(services, merchantOf(request), request.body.notify_url, deps.mode === 'sandbox', request.dashboardUser!.id);
      return reply.code(201).send(sent);
    },
  );
}
