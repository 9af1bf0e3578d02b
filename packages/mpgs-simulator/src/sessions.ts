import { CARD_FIELD_PATHS, maskedCardView, validateCard, type CardFieldKey, type StoredCard } from './card-input.js';
import type { SimulatorContext } from './context.js';
import { invalidField, invalidRequest } from './errors.js';
import { newAes256Key, newSessionId, newSessionVersion } from './ids.js';
import { isKnownCurrency, parseAmountToMinor } from './money.js';
import { deepMerge, getPath, isPlainObject } from './mpgs-json.js';
import type { SessionRecord } from './store.js';

/** A session lives 15 minutes after its creation or last update, like an MPGS hosted session. */
export const SESSION_LIFETIME_MS = 15 * 60 * 1000;

const DEFAULT_AUTHENTICATION_LIMIT = 5;
const MAX_AUTHENTICATION_LIMIT = 25;

export function createSession(ctx: SimulatorContext, merchantId: string, apiVersion: string, body: unknown): SessionRecord {
  const limit = getPath(body, 'session.authenticationLimit');
  let authenticationLimit = DEFAULT_AUTHENTICATION_LIMIT;
  if (limit !== undefined) {
    const value = typeof limit === 'string' ? Number(limit) : limit;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_AUTHENTICATION_LIMIT) {
      throw invalidField('session.authenticationLimit', `Value must be an integer between 1 and ${MAX_AUTHENTICATION_LIMIT}`);
    }
    authenticationLimit = value;
  }
  const now = ctx.now();
  forgetExpiredSessions(ctx, now);
  const session: SessionRecord = {
    id: newSessionId(),
    merchantId,
    apiVersion,
    version: newSessionVersion(),
    aes256Key: newAes256Key(),
    authenticationLimit,
    authenticationsUsed: 0,
    updateStatus: 'NO_UPDATE',
    createdAt: now,
    lastUpdatedAt: now,
    fields: {},
  };
  ctx.store.sessions.set(session.id, session);
  ctx.store.save();
  return session;
}

/** Expired sessions are useless; dropping them keeps a long-running sandbox small. */
function forgetExpiredSessions(ctx: SimulatorContext, now: number): void {
  for (const [id, session] of ctx.store.sessions) {
    if (now >= session.lastUpdatedAt + SESSION_LIFETIME_MS) ctx.store.sessions.delete(id);
  }
}

export type SessionLookup = { ok: true; session: SessionRecord } | { ok: false; reason: 'not_found' | 'expired' | 'wrong_version' };

/** Finds a live session of this merchant; expired sessions are forgotten on sight. */
export function lookupSession(ctx: SimulatorContext, merchantId: string, sessionId: string, apiVersion: string): SessionLookup {
  const session = ctx.store.sessions.get(sessionId);
  if (!session || session.merchantId !== merchantId) return { ok: false, reason: 'not_found' };
  if (ctx.now() >= session.lastUpdatedAt + SESSION_LIFETIME_MS) {
    ctx.store.sessions.delete(sessionId);
    ctx.store.save();
    return { ok: false, reason: 'expired' };
  }
  if (session.apiVersion !== apiVersion) return { ok: false, reason: 'wrong_version' };
  return { ok: true, session };
}

/** lookupSession for REST callers: the MPGS error for each failure. */
export function requireSession(ctx: SimulatorContext, merchantId: string, sessionId: unknown, apiVersion: string): SessionRecord {
  if (typeof sessionId !== 'string' || sessionId === '') throw invalidField('session.id', 'Invalid session identifier');
  const found = lookupSession(ctx, merchantId, sessionId, apiVersion);
  if (found.ok) return found.session;
  if (found.reason === 'wrong_version') {
    throw invalidField(
      'session.id',
      `Session was created with API version ${ctx.store.sessions.get(sessionId)?.apiVersion}; use that version for every request on it`,
    );
  }
  throw invalidField('session.id', `Session '${sessionId}' not found or expired`);
}

/**
 * PUT …/session/{id}: card details, order amount/currency and any other
 * field. A stale session.version is refused; each update gets a new version.
 */
export function updateSession(ctx: SimulatorContext, session: SessionRecord, body: unknown): void {
  if (body !== undefined && !isPlainObject(body)) throw invalidRequest('Request body must be a JSON object');
  const patch = { ...(body ?? {}) } as Record<string, unknown>;

  const expectedVersion = getPath(patch, 'session.version');
  if (expectedVersion !== undefined && expectedVersion !== session.version) {
    throw invalidField('session.version', 'The session version does not match the current version of the session');
  }
  delete patch.session;

  let card: StoredCard | undefined = session.card;
  const providedCard = getPath(patch, 'sourceOfFunds.provided.card');
  if (providedCard !== undefined) {
    if (!isPlainObject(providedCard)) throw invalidField('sourceOfFunds.provided.card', 'Invalid card details');
    const validation = validateCard(
      {
        number: providedCard.number,
        expiryMonth: getPath(providedCard, 'expiry.month'),
        expiryYear: getPath(providedCard, 'expiry.year'),
        securityCode: providedCard.securityCode,
        nameOnCard: providedCard.nameOnCard,
      },
      { lenient: false, ...(session.card ? { existing: session.card } : {}) },
    );
    if (!validation.ok) {
      const [key, problem] = Object.entries(validation.errors)[0] as [CardFieldKey, 'invalid' | 'missing'];
      const field = CARD_FIELD_PATHS[key];
      throw problem === 'missing' ? invalidField(field, `Missing parameter value for '${field}'`) : invalidField(field, `Value for '${field}' is invalid`);
    }
    card = validation.card;
    const sourceOfFunds = { ...(patch.sourceOfFunds as Record<string, unknown>) };
    delete sourceOfFunds.provided;
    patch.sourceOfFunds = sourceOfFunds;
  }

  const merged = deepMerge(session.fields, patch);
  validateSessionOrder(merged);

  session.fields = merged;
  if (card) session.card = card;
  session.version = newSessionVersion(session.version);
  session.updateStatus = 'SUCCESS';
  session.lastUpdatedAt = ctx.now();
  ctx.store.save();
}

function validateSessionOrder(fields: Record<string, unknown>): void {
  const currency = getPath(fields, 'order.currency');
  if (currency !== undefined && !isKnownCurrency(currency)) throw invalidField('order.currency', 'Invalid currency');
  const amount = getPath(fields, 'order.amount');
  if (amount !== undefined) {
    const minor = parseAmountToMinor(amount, typeof currency === 'string' ? currency : 'USD');
    if (minor === undefined) throw invalidField('order.amount', 'Invalid amount');
  }
}

/** Card details entered through session.js hosted fields (already validated). */
export function storeHostedCard(ctx: SimulatorContext, session: SessionRecord, card: StoredCard): void {
  session.card = card;
  session.fields = deepMerge(session.fields, { sourceOfFunds: { type: 'CARD' } });
  session.version = newSessionVersion(session.version);
  session.updateStatus = 'SUCCESS';
  session.lastUpdatedAt = ctx.now();
  ctx.store.save();
}

/** MPGS deletes the stored CSC once an operation other than an update has used the session. */
export function consumeSessionCsc(ctx: SimulatorContext, session: SessionRecord): void {
  if (session.card?.securityCode === undefined) return;
  const { securityCode: _used, ...rest } = session.card;
  session.card = rest;
  ctx.store.save();
}

export function renderSessionCreated(session: SessionRecord): Record<string, unknown> {
  return {
    merchant: session.merchantId,
    result: 'SUCCESS',
    session: {
      aes256Key: session.aes256Key,
      authenticationLimit: session.authenticationLimit,
      id: session.id,
      updateStatus: session.updateStatus,
      version: session.version,
    },
  };
}

/** Answer of PUT and GET …/session/{id}: stored fields plus the masked card; never the PAN or CSC. */
export function renderSession(session: SessionRecord, apiVersion: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...session.fields,
    merchant: session.merchantId,
    session: {
      authenticationLimit: session.authenticationLimit,
      id: session.id,
      updateStatus: session.updateStatus,
      version: session.version,
    },
    version: apiVersion,
  };
  if (session.card) {
    const sourceOfFunds = isPlainObject(session.fields.sourceOfFunds) ? session.fields.sourceOfFunds : {};
    body.sourceOfFunds = { ...sourceOfFunds, provided: { card: maskedCardView(session.card, { showStoredCsc: true }) } };
  }
  return body;
}
