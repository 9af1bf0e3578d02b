import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, cardSession, collect, mintSession, runMethod, sdk } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from '../support/otlp-collector.js';
import { spawnGatewayProcess } from '../support/spawn-gateway.js';

const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };
const SERVER = 2;
const CLIENT = 3;
const sqlite = testDatabases().find((f) => f.name === 'sqlite')!;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A JSON POST whose body arrives in two pieces, the second a moment later (as a slow or distant client's does). */
function postInPieces(url: string, headers: Record<string, string>, body: object): Promise<{ status: number; body: any }> {
  const bytes = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': String(bytes.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.flushHeaders();
    req.write(bytes.subarray(0, 10));
    setTimeout(() => req.end(bytes.subarray(10)), 50);
  });
}

describe('OpenTelemetry tracing (PDIRECT_TRACING=otlp)', () => {
  let collector: OtlpCollector;
  let db: TestDatabase;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    db = await sqlite.create();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
    await collector?.close();
  });

  it('exports a server span per request, the card-network calls as its children, a span per webhook attempt; nothing secret', async () => {
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true, env: { PDIRECT_TRACING: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: collector.url } });
    const created = await gw.services.merchants.create({ name: 'Traced Shop', redirectHosts: ['localhost', '127.0.0.1'] });
    const secret = created.merchantSecret.reveal();
    const merchantId = created.merchant.id;
    const hookPath = `/hooks/${randomBytes(8).toString('hex')}`;
    const { token } = await mintSession(gw, secret, { notify_url: `${collector.url}${hookPath}?receiver_token=q${randomBytes(8).toString('hex')}` });
    const hosted = await cardSession(gw, token, FRICTIONLESS);

    // The caller's trace: collect (and the authenticate after the 3-D Secure method) continue it.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const traceparent = { traceparent: `00-${traceId}-${callerSpanId}-01` };
    // The body in pieces: the handler runs after socket events, and must still be inside the request's span.
    const started = await postInPieces(
      `${gw.url}/v1/payments/collect`,
      { ...sdk(token), ...traceparent },
      { payment_method: 'card', hosted_session_id: hosted },
    );
    expect(started.body.next_action.type).toBe('three_d_secure_method');
    await runMethod(started.body.next_action.html as string);
    const paid = await authenticate(gw, token, started.body.id as string, {}, traceparent);
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('succeeded');
    // The token is spent: an error answer, its catalogue code on the span.
    expect((await collect(gw, token, { hosted_session_id: hosted })).body.error.error_code).toBe('1005');
    // The payment's webhook reaches its receiver (the collector's other door) before the gateway stops.
    await until('the webhook delivery', () => collector.otherPosts().find((p) => p.path.startsWith(hookPath)));

    // A graceful stop exports what is still batched.
    await gw.close();
    gw = undefined;
    const spans = collector.spans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const childrenOf = (parent: CollectedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);

    const [collectSpan, spentCollect] = named('POST /v1/payments/collect');
    expect(collectSpan).toMatchObject({
      traceId,
      parentSpanId: callerSpanId,
      kind: SERVER,
      statusCode: 0,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/v1/payments/collect',
        'http.response.status_code': 200,
        'pdirect.merchant_id': merchantId,
      },
    });
    expect(collectSpan!.attributes['pdirect.request_id']).toMatch(/^req_/);
    expect(collectSpan!.resource['service.name']).toBe('pdirect-gateway');
    const networkCalls = childrenOf(collectSpan!);
    expect(networkCalls.length).toBeGreaterThan(0);
    for (const call of networkCalls) {
      expect(call).toMatchObject({ traceId, kind: CLIENT, attributes: { 'pdirect.card_network': 'mpgs' } });
      expect(call.name).toMatch(/^card_network /);
    }
    expect(networkCalls.map((s) => s.name)).toContain('card_network initiateAuthentication');

    // The authenticate after the method: same caller trace; the money moved in its child span.
    const [authenticateSpan] = named('POST /v1/payments/:payment_id/authenticate');
    expect(authenticateSpan).toMatchObject({ traceId, parentSpanId: callerSpanId });
    expect(childrenOf(authenticateSpan!).find((s) => s.name === 'card_network pay')).toMatchObject({
      traceId,
      kind: CLIENT,
      attributes: { 'pdirect.card_network.operation': 'pay', 'pdirect.card_network.status': 'succeeded', 'pdirect.card_network.gateway_code': 'APPROVED' },
    });

    // No traceparent: a trace of its own. The hosted fields were opened inside the card-session request.
    const [cardSessionSpan] = named('POST /v1/card/sessions');
    expect(cardSessionSpan!.parentSpanId).toBeUndefined();
    expect(cardSessionSpan!.traceId).not.toBe(traceId);
    expect(childrenOf(cardSessionSpan!).map((s) => s.name)).toEqual(['card_network openHostedFields']);

    // A 4xx answer: its code recorded, the span not failed (the caller's error, not the server's).
    expect(spentCollect).toMatchObject({ statusCode: 0, attributes: { 'http.response.status_code': 409, 'pdirect.error_code': '1005' } });

    // The webhook attempt: a trace of its own, the receiver's host and port only.
    const [webhook] = named('webhook POST');
    expect(webhook).toMatchObject({
      parentSpanId: undefined,
      kind: CLIENT,
      attributes: { 'server.address': '127.0.0.1', 'server.port': Number(new URL(collector.url).port), 'http.response.status_code': 200 },
    });
    expect(webhook!.attributes['pdirect.event_id']).toMatch(/^evt_/);

    // Nothing secret or personal anywhere in what was exported: names, attributes, resource.
    const exported = collector.rawBodies().join('\n');
    for (const value of [token, secret, created.webhookSecret.reveal(), hosted, FRICTIONLESS.number, hookPath, 'receiver_token', 'cust_abc123']) {
      expect(exported).not.toContain(value);
    }
  }, 60_000);
});

describe('OpenTelemetry tracing off (the default)', () => {
  const CENSUS_HOOK = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/module-census.mjs');
  let db: TestDatabase;
  let collector: OtlpCollector;
  let dir: string;

  beforeAll(async () => {
    db = await sqlite.create();
    collector = await startOtlpCollector();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-census-'));
  });
  afterAll(async () => {
    await collector?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a gateway process, answers one request, stops it (SIGTERM): every module it loaded. */
  async function modulesLoaded(name: string, env: Record<string, string>): Promise<string[]> {
    const census = path.join(dir, `${name}.txt`);
    const gateway = await spawnGatewayProcess(db.url, 30_000, { ...env, PDIRECT_MODULE_CENSUS: census }, ['--import', CENSUS_HOOK]);
    try {
      expect((await http(`${gateway.url}/healthz`)).status).toBe(200);
      expect((await http(`${gateway.url}/v1/merchant`, { headers: bearer('pd_test_sk_x') })).status).toBe(401);
    } finally {
      await gateway.stop();
    }
    return fs.readFileSync(census, 'utf8').split('\n').filter(Boolean);
  }

  it('loads no OpenTelemetry SDK module; the same process with PDIRECT_TRACING=otlp does, and exports on SIGTERM', async () => {
    const off = await modulesLoaded('off', {});
    // The census saw the gateway load (so an absence means something).
    expect(off.some((m) => m.includes('/node_modules/fastify/'))).toBe(true);
    // Only the API package, which prom-client (the /metrics registry) requires for itself: a no-op without an SDK.
    expect(off.filter((m) => m.includes('/node_modules/@opentelemetry/') && !m.includes('/node_modules/@opentelemetry/api/'))).toEqual([]);

    const on = await modulesLoaded('on', { PDIRECT_TRACING: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    expect(on.some((m) => m.includes('/node_modules/@opentelemetry/sdk-trace-base/'))).toBe(true);
    expect(on.some((m) => m.includes('/node_modules/@opentelemetry/exporter-trace-otlp-http/'))).toBe(true);
    expect(collector.spans().map((s) => s.name)).toEqual(expect.arrayContaining(['GET /healthz', 'GET /v1/merchant']));
  }, 90_000);
});
