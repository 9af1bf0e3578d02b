import type { FastifyInstance, FastifyReply } from 'fastify';
import { maskedCardView, validateCard } from '../card-input.js';
import type { SimulatorContext } from '../context.js';
import { MpgsError } from '../errors.js';
import { hostedFieldPage, isHostedFieldName } from '../pages/hosted-field-page.js';
import { newNonce } from '../pages/html.js';
import { simLocale } from '../pages/messages.js';
import { sessionJs } from '../pages/session-js.js';
import { lookupSession, storeHostedCard } from '../sessions.js';
import { FORM_PREFIX, apiVersionOf, param } from './params.js';

/** How long a hosted field waits for the session update before reporting request_timeout. */
const FIELD_SUBMIT_TIMEOUT_MS = 20_000;

/**
 * Browser side of the hosted session:
 *   GET  /form/version/{N}/merchant/{MID}/session.js
 *   GET  /form/version/{N}/merchant/{MID}/field/{name}?session=&channel=&parentOrigin=
 *   POST /form/version/{N}/merchant/{MID}/session/{sessionId}   (from the number field frame only)
 */
export function registerHostedFieldRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.get(`${FORM_PREFIX}/session.js`, async (request, reply) => {
    const apiVersion = apiVersionOf(request);
    const merchantId = param(request, 'merchantId');
    if (!ctx.merchants.has(merchantId)) throw new MpgsError(404, 'INVALID_REQUEST', `Unknown merchant '${merchantId}'`);
    return reply
      .header('Cache-Control', 'no-cache')
      .header('X-Content-Type-Options', 'nosniff')
      .type('application/javascript; charset=utf-8')
      .send(sessionJs(ctx.publicOrigin(), apiVersion, merchantId));
  });

  app.get(`${FORM_PREFIX}/field/:field`, async (request, reply) => {
    const apiVersion = apiVersionOf(request);
    const merchantId = param(request, 'merchantId');
    const field = param(request, 'field');
    const query = request.query as Record<string, string | undefined>;
    const parentOrigin = originOf(query.parentOrigin);
    const channel = query.channel ?? '';
    const sessionId = query.session ?? '';
    if (!isHostedFieldName(field) || !parentOrigin || !/^[0-9a-f]{32}$/.test(channel) || !/^SESSION[0-9A-Z]{24}$/.test(sessionId)) {
      throw new MpgsError(400, 'INVALID_REQUEST', 'Invalid hosted field request');
    }
    const nonce = newNonce();
    const submitUrl = `${ctx.publicOrigin()}/form/version/${apiVersion}/merchant/${encodeURIComponent(merchantId)}/session/${sessionId}`;
    return securePage(reply, nonce).send(
      hostedFieldPage(nonce, {
        field,
        channel,
        parentOrigin,
        submitUrl,
        timeoutMs: FIELD_SUBMIT_TIMEOUT_MS,
        locale: simLocale(query.locale),
        formatCard: query.formatCard === 'PLAIN' ? 'PLAIN' : 'EMBOSSED',
        invalidCharacters: query.invalidFieldCharacters === 'ALLOW' ? 'ALLOW' : 'REJECT',
      }),
    );
  });

  app.post(`${FORM_PREFIX}/session/:sessionId`, { config: { operation: 'UPDATE_SESSION_FROM_FORM' } }, async (request, reply) => {
    // Only the simulator's own field frames may submit card data.
    if (request.headers.origin !== ctx.publicOrigin()) {
      return reply.code(403).send({ status: 'system_error', errors: { message: 'Forbidden origin' } });
    }
    const apiVersion = apiVersionOf(request);
    const found = lookupSession(ctx, param(request, 'merchantId'), param(request, 'sessionId'), apiVersion);
    if (!found.ok) {
      return found.reason === 'expired'
        ? reply.send({ status: 'request_timeout', errors: { message: 'The session has expired' } })
        : reply.send({
            status: 'system_error',
            errors: { message: found.reason === 'wrong_version' ? 'Session belongs to another API version' : 'Unknown session' },
          });
    }
    const values = (request.body ?? {}) as Record<string, unknown>;
    const validation = validateCard(
      {
        number: values.number,
        expiryMonth: values.expiryMonth,
        expiryYear: values.expiryYear,
        securityCode: values.securityCode,
        nameOnCard: values.nameOnCard,
      },
      { lenient: true, now: ctx.now() },
    );
    if (!validation.ok) return reply.send({ status: 'fields_in_error', errors: validation.errors });

    const session = found.session;
    storeHostedCard(ctx, session, validation.card);
    return reply.send({
      status: 'ok',
      session: { id: session.id, updateStatus: 'SUCCESS', version: session.version },
      sourceOfFunds: { provided: { card: maskedCardView(validation.card, { showStoredCsc: false }) }, type: 'CARD' },
    });
  });
}

function securePage(reply: FastifyReply, nonce: string): FastifyReply {
  return reply
    .header(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'none'; base-uri 'none'`,
    )
    .header('Cache-Control', 'no-store')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Content-Type-Options', 'nosniff')
    .type('text/html; charset=utf-8');
}

/** `https://shop.example:8443` from a string that is exactly an origin; undefined otherwise. */
function originOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value) return url.origin;
  } catch {
    // not a URL
  }
  return undefined;
}
