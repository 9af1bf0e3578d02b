import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimulatorContext } from '../context.js';
import { MpgsError } from '../errors.js';
import { ACS_PATHS, completeChallenge, describeChallenge, recordMethodCompleted } from '../operations/acs-challenge.js';
import { challengePage, methodPage, redirectToMerchantPage } from '../pages/acs-pages.js';
import { newNonce } from '../pages/html.js';
import type { ChallengeOutcome } from '../store.js';

const OUTCOMES: ReadonlySet<string> = new Set(['Y', 'N', 'CANCELLED', 'U', 'R']);

/**
 * The simulated ACS:
 *   POST /acs/3ds-method          threeDSMethodData → blank page; the authentication records methodCompleted
 *   POST /acs/challenge           creq → the challenge page
 *   POST /acs/challenge/result    acsTransID, outcome → records it, auto-POSTs to redirectResponseUrl
 */
export function registerAcsRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.post(ACS_PATHS.method, async (request, reply) => {
    recordMethodCompleted(ctx.store, ctx.now(), formField(request.body, 'threeDSMethodData'));
    return sendPage(reply, methodPage);
  });

  app.post(ACS_PATHS.challenge, async (request, reply) => {
    const acsTransactionId = acsTransactionIdFromCreq(formField(request.body, 'creq'));
    const details = describeChallenge(ctx.store, acsTransactionId);
    if (!details) throw new MpgsError(400, 'INVALID_REQUEST', 'Unknown or expired challenge');
    return sendPage(reply, (nonce) => challengePage(nonce, { acsTransactionId, ...details }));
  });

  app.post(ACS_PATHS.challengeResult, async (request, reply) => {
    const acsTransactionId = formField(request.body, 'acsTransID');
    const outcome = formField(request.body, 'outcome');
    if (!OUTCOMES.has(outcome)) throw new MpgsError(400, 'INVALID_REQUEST', 'Choose one of the offered results');
    const completion = completeChallenge(ctx.store, ctx.now(), acsTransactionId, outcome as ChallengeOutcome);
    if (!completion) throw new MpgsError(400, 'INVALID_REQUEST', 'Unknown or expired challenge');
    return sendPage(reply, (nonce) => redirectToMerchantPage(nonce, completion.redirectResponseUrl, completion.fields, formField(request.body, 'lang')));
  });
}

function sendPage(reply: FastifyReply, render: (nonce: string) => string): FastifyReply {
  const nonce = newNonce();
  return reply
    .header(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; form-action 'self' http: https:; base-uri 'none'`,
    )
    .header('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(render(nonce));
}

function formField(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

function acsTransactionIdFromCreq(creq: string): string {
  try {
    const message = JSON.parse(Buffer.from(creq, 'base64url').toString('utf8')) as { acsTransID?: unknown; messageType?: unknown };
    if (message.messageType === 'CReq' && typeof message.acsTransID === 'string') return message.acsTransID;
  } catch {
    // fall through
  }
  throw new MpgsError(400, 'INVALID_REQUEST', 'Malformed creq');
}
