import type { Kysely } from 'kysely';
import type { HostedFields, HostedFieldsOrder } from '../../connectors/card-network.js';
import { ApiError } from '../../errors.js';
import { currencyCode } from '../../money.js';
import type { Database } from '../../storage/schema.js';
import { hostedSessionHash, type CardSessionRepository } from './card-session-repository.js';
import { assertAttemptAllowed } from './sdk-admission.js';
import type { SessionDeps } from './session-deps.js';
import type { CheckoutSession } from './session-repository.js';

/** Card-entry defence (docs/card-defence.md): the hosted card sessions a checkout session may open, and spend once. */

/**
 * POST /v1/card/sessions: opens a hosted card session at the network and
 * records its id against this checkout session and merchant, within the
 * caps (per checkout session; per client IP and per device in any minute).
 */
export async function issueCardSession(
  deps: Pick<SessionDeps, 'clock' | 'cardDefence'>,
  cards: CardSessionRepository,
  session: CheckoutSession,
  client: { ip: string; device: string | undefined },
  open: (order: HostedFieldsOrder) => Promise<HostedFields>,
): Promise<HostedFields> {
  assertAttemptAllowed(deps, session);
  const { cardSessionsPerCheckout, cardSessionsPerMinute } = deps.cardDefence;
  const ip = client.ip.slice(0, 64);
  const device = client.device ? client.device.slice(0, 128) : null;
  const now = deps.clock.now();
  const recent = await cards.countRecent(now - 60_000, ip, device);
  if (recent.ip >= cardSessionsPerMinute || recent.device >= cardSessionsPerMinute) {
    throw new ApiError('1603', `at most ${cardSessionsPerMinute} card sessions a minute from one device or IP address`, { 'Retry-After': '60' });
  }
  const tooMany = () => new ApiError('1603', `at most ${cardSessionsPerCheckout} card sessions per checkout session`);
  let issued = await cards.countForSession(session.id);
  if (issued >= cardSessionsPerCheckout) throw tooMany();
  // The network session carries the order's amount and currency: the network itself refuses any other.
  const fields = await open({ amount: session.amount, currency: currencyCode(session.currency)! });
  const row = {
    id_hash: hostedSessionHash(fields.hostedSessionId),
    session_id: session.id,
    merchant_id: session.merchant_id,
    client_ip: ip,
    device_fingerprint: device,
  };
  // Bounded: each lost race means another request took the next number; the cap is the unique (session, seq) pair.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await cards.insert({ ...row, seq: issued + 1, created_at: now, spent_at: null, spent_by: null })) return fields;
    issued = await cards.countForSession(session.id);
    if (issued >= cardSessionsPerCheckout) throw tooMany();
  }
  throw tooMany();
}

/** Spends the hosted card session for a payment attempt, inside the attempt's transaction; 1104/1105 when it cannot. */
export async function spendCardSession(
  deps: Pick<SessionDeps, 'clock'>,
  cards: CardSessionRepository,
  session: CheckoutSession,
  hostedSessionId: string,
  paymentId: string,
  db: Kysely<Database>,
): Promise<void> {
  if (await cards.spend(hostedSessionId, session.id, paymentId, deps.clock.now(), db)) return;
  const row = await cards.findByHostedId(hostedSessionId, db);
  throw row?.session_id === session.id ? spent() : notIssued();
}

function notIssued(): ApiError {
  return new ApiError('1104', 'hosted_session_id was not issued for this checkout session', {}, { param: 'hosted_session_id' });
}

function spent(): ApiError {
  return new ApiError('1105', 'hosted_session_id was already used by a payment attempt; open a new card session', {}, { param: 'hosted_session_id' });
}
