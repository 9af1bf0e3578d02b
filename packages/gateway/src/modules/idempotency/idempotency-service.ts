import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { constantTimeEqual } from '../../crypto/compare.js';
import type { Keyring } from '../../crypto/keyring.js';
import { type ClaimRow, type IdempotencyRepository, type IdempotencyRow, isStale } from './idempotency-repository.js';

export interface IdempotencySettings {
  /** How long a stored response is replayed (docs/api.md#idempotency: 24 h). */
  retentionMs: number;
  /** How long an in-flight claim holds the key without a heartbeat (a crashed holder frees it after this). */
  leaseMs: number;
  /** Period of the background sweep of stale rows. */
  sweepIntervalMs?: number;
}

/** The request as the idempotency layer sees it; `fingerprint` comes from requestFingerprint(). */
export interface IdempotentRequest {
  scope: string;
  key: string;
  requestId: string;
  method: string;
  /** Path without the query string, for operators and the 1301 message. */
  path: string;
  fingerprint: string;
}

/** The parts of a response that are replayed: status, a few headers, the body. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** `base64` when the body was binary. */
  encoding: 'utf8' | 'base64';
}

export type BeginOutcome =
  | { kind: 'claimed'; claim: IdempotencyClaim }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch'; firstUse: { method: string; path: string } }
  | { kind: 'in_flight' };

/** A held key. Settle it exactly once with complete() or release(). */
export interface IdempotencyClaim {
  readonly scope: string;
  readonly key: string;
  readonly owner: string;
}

// A claim that keeps losing races to concurrent sweeps/takeovers is vanishingly
// rare; this bound only guarantees the loop ends.
const MAX_CLAIM_ATTEMPTS = 5;
const DEFAULT_SWEEP_INTERVAL_MS = 5 * 60_000;
// A holder is renewed for at most this many leases (10 min by default): a
// handler stuck longer than that is presumed wedged, and its key is let go.
const MAX_RENEWALS = 10;

/**
 * Idempotency-Key as middleware (docs/api.md#http-api): a row lock for the
 * in-flight request, the final response stored, repeats compared. Both the
 * request fingerprint and the stored response are sealed with the keyring
 * (AES-256-GCM) under associated data naming the scope and key: a stored
 * POST /v1/sessions answer holds a session_token, and a bare hash of a short
 * body (an OTP code) could be guessed from a database copy. The keyring also
 * keeps old key versions, so a master-key rotation does not turn a retry
 * into a 1301.
 */
export class IdempotencyService {
  readonly #repo: IdempotencyRepository;
  readonly #keyring: Keyring;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #settings: Required<IdempotencySettings>;
  readonly #heartbeats = new Map<IdempotencyClaim, NodeJS.Timeout>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> = Promise.resolve();

  constructor(deps: { repository: IdempotencyRepository; keyring: Keyring; clock: Clock; logger: Logger; settings: IdempotencySettings }) {
    this.#repo = deps.repository;
    this.#keyring = deps.keyring;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#settings = { sweepIntervalMs: DEFAULT_SWEEP_INTERVAL_MS, ...deps.settings };
  }

  /** Claims the key for this request, or says why not: replay, mismatch (1301) or in flight (1302). */
  async begin(request: IdempotentRequest): Promise<BeginOutcome> {
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const claimRow = this.#claimRow(request);
      if (await this.#repo.insertIfAbsent(claimRow)) return { kind: 'claimed', claim: this.#held(request) };
      const row = await this.#repo.find(request.scope, request.key);
      if (!row) continue; // released or swept between the two statements: try the insert again
      if (isStale(row, claimRow.now)) {
        if (await this.#repo.takeOverStale(claimRow, row.owner_request_id)) {
          if (row.state === 'in_flight') this.#logger.warn({ previous_request_id: row.owner_request_id }, 'idempotency lease lapsed; key taken over');
          return { kind: 'claimed', claim: this.#held(request) };
        }
        continue; // someone else took it over first: look again
      }
      return this.#judgeRepeat(request, row);
    }
    // Still contended after several rounds: a concurrent request holds it.
    return { kind: 'in_flight' };
  }

  /**
   * The stored answer to exactly this request (same scope, key and request
   * fingerprint), without claiming anything: for callers that may no longer
   * act but may be told again what they were told (a spent session's retry).
   */
  async storedResponse(request: IdempotentRequest): Promise<StoredResponse | undefined> {
    const row = await this.#repo.find(request.scope, request.key);
    if (!row || isStale(row, this.#clock.now())) return undefined;
    const outcome = this.#judgeRepeat(request, row);
    return outcome.kind === 'replay' ? outcome.response : undefined;
  }

  /** Stores the final response for replay. A lost claim (taken over after a lapsed lease) is logged, not thrown. */
  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    this.#stopHeartbeat(claim);
    const sealed = this.#keyring.encrypt(JSON.stringify(response), aad('response', claim.scope, claim.key));
    const stored = await this.#repo.complete(claim.scope, claim.key, claim.owner, {
      status: response.status,
      sealed,
      expiresAt: this.#clock.now() + this.#settings.retentionMs,
    });
    if (!stored) this.#logger.warn({ owner_request_id: claim.owner }, 'idempotency claim was lost before completion; response not stored');
  }

  /** Frees the key so the next request with it runs again (5xx, or a response that cannot be stored). */
  async release(claim: IdempotencyClaim): Promise<void> {
    this.#stopHeartbeat(claim);
    await this.#repo.release(claim.scope, claim.key, claim.owner);
  }

  /** Deletes expired rows and lapsed leases now; returns how many. */
  sweep(): Promise<number> {
    const run = this.#repo.deleteStale(this.#clock.now());
    this.#sweeping = run.catch(() => undefined);
    return run;
  }

  /** Starts the periodic sweep (the gateway does this on listen). Idempotent. */
  startSweeping(): void {
    if (this.#sweepTimer) return;
    const tick = () => {
      this.sweep().then(
        (deleted) => {
          if (deleted > 0) this.#logger.debug({ deleted }, 'idempotency sweep');
        },
        (err: unknown) => this.#logger.error({ err }, 'idempotency sweep failed; will retry'),
      );
    };
    this.#sweepTimer = setInterval(tick, this.#settings.sweepIntervalMs).unref();
    tick();
  }

  /** Stops the sweep and lease renewals, and waits for a sweep in progress, so the database can be closed after. */
  async stop(): Promise<void> {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
    for (const claim of [...this.#heartbeats.keys()]) this.#stopHeartbeat(claim);
    await this.#sweeping;
  }

  get sweeping(): boolean {
    return this.#sweepTimer !== undefined;
  }

  #claimRow(request: IdempotentRequest): ClaimRow {
    const now = this.#clock.now();
    return {
      scope: request.scope,
      key: request.key,
      ownerRequestId: request.requestId,
      method: request.method,
      path: request.path,
      requestFingerprint: this.#keyring.encrypt(request.fingerprint, aad('request', request.scope, request.key)),
      now,
      lockedUntil: now + this.#settings.leaseMs,
      expiresAt: now + this.#settings.retentionMs,
    };
  }

  /**
   * A live holder renews its lease every third of it, so only a holder that
   * stopped (crashed process, lost database) loses the key — never one whose
   * card-network call is merely slow. Leases are compared across processes,
   * so their clocks must agree to well within a lease (NTP does).
   */
  #held(request: IdempotentRequest): IdempotencyClaim {
    const claim: IdempotencyClaim = Object.freeze({ scope: request.scope, key: request.key, owner: request.requestId });
    const period = Math.max(1_000, Math.floor(this.#settings.leaseMs / 3));
    let renewals = Math.ceil((MAX_RENEWALS * this.#settings.leaseMs) / period);
    const renew = () => {
      if (--renewals < 0) return this.#stopHeartbeat(claim);
      this.#repo.extendLease(claim.scope, claim.key, claim.owner, this.#clock.now() + this.#settings.leaseMs).catch((err: unknown) => {
        this.#logger.error({ err }, 'idempotency lease renewal failed');
      });
    };
    this.#heartbeats.set(claim, setInterval(renew, period).unref());
    return claim;
  }

  #stopHeartbeat(claim: IdempotencyClaim): void {
    clearInterval(this.#heartbeats.get(claim));
    this.#heartbeats.delete(claim);
  }

  #judgeRepeat(request: IdempotentRequest, row: IdempotencyRow): BeginOutcome {
    const first = this.#keyring.decrypt(row.request_fingerprint, aad('request', row.scope, row.idempotency_key));
    if (!constantTimeEqual(first, request.fingerprint)) return { kind: 'mismatch', firstUse: { method: row.method, path: row.path } };
    if (row.state === 'in_flight' || row.response === null) return { kind: 'in_flight' };
    const response = JSON.parse(this.#keyring.decrypt(row.response, aad('response', row.scope, row.idempotency_key))) as StoredResponse;
    return { kind: 'replay', response };
  }
}

/** Binds a sealed value to its column, scope and key: copied to another row, it no longer decrypts. */
function aad(column: 'request' | 'response', scope: string, key: string): string {
  return `idempotency.${column}:${JSON.stringify([scope, key])}`;
}
