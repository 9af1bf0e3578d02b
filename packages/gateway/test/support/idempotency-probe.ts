import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../src/errors.js';

/**
 * A POST route for idempotency tests that counts how often it really runs.
 * The body says what to answer; `wait: true` makes it hold until the test
 * opens `gate`, so "still in flight" is deterministic without sleeps.
 */
export interface Probe {
  executions: number;
  /** Resolved by the handler when a `wait` request has started (the key is held). */
  started: Deferred;
  /** Opened by the test to let a `wait` request finish. */
  gate: Deferred;
  /** Every secret-looking value the probe has answered with (for "not at rest in clear" checks). */
  secrets: string[];
}

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export function createProbe(): Probe {
  return { executions: 0, started: deferred(), gate: deferred(), secrets: [] };
}

interface ProbeBody {
  respond?: 'created' | 'rejected' | 'crash';
  note?: string;
  wait?: boolean;
  delay_ms?: number;
}

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    respond: { type: 'string', enum: ['created', 'rejected', 'crash'] },
    note: { type: 'string' },
    wait: { type: 'boolean' },
    delay_ms: { type: 'integer', minimum: 0, maximum: 5000 },
  },
} as const;

export function registerProbeRoutes(app: FastifyInstance, probe: Probe): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = (request.body ?? {}) as ProbeBody;
    const execution = ++probe.executions;
    if (body.wait) {
      probe.started.resolve();
      await probe.gate.promise;
    }
    if (body.delay_ms) await delay(body.delay_ms);
    if (body.respond === 'crash') throw new Error('probe crashed');
    if (body.respond === 'rejected') throw new ApiError('1201', 'probe refused the request');
    const secret = `pd_st_${randomBytes(32).toString('base64url')}`;
    probe.secrets.push(secret);
    reply.code(201).header('location', `/test/probe/${execution}`);
    return { object: 'probe', execution, pid: process.pid, session_token: secret, note: body.note ?? null };
  };
  const options = { config: { auth: 'merchant' as const }, schema: { body: bodySchema } };
  app.post('/test/probe', options, handler);
  app.patch('/test/probe', options, handler);
  app.post('/test/probe/other', options, handler);
  app.post('/test/probe/opted-out', { ...options, config: { auth: 'merchant' as const, idempotency: false as const } }, handler);
  // Public, so a test can read the count of a probe in another process.
  app.get('/test/probe/executions', async () => ({ executions: probe.executions }));
}
