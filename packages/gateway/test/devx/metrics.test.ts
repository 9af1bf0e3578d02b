import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { cardSession, collect, mintSession, sdk } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { useGatewayWithMerchant } from '../support/fixture.js';

const PLAIN_DECLINED = { number: '5111111111111118', expiry: '05/39' };
const PLAIN_APPROVED = { number: '5111111111111118', expiry: '01/39' };

type Family = {
  name: string;
  type: string;
  metrics: Array<{ labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string }>;
};

async function scrape(url: string): Promise<Family[]> {
  const res = await http(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return parsePrometheusTextFormat(res.text) as Family[];
}

/** The value of one series (0 when absent). */
function value(families: Family[], name: string, labels: Record<string, string>): number {
  const family = families.find((f) => f.name === name);
  const series = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!series) return 0;
  return Number(series.value ?? series.count ?? 0);
}

describe.each(testDatabases())('GET /metrics ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, { gateway: { simulator: true }, merchant: { name: 'Metrics Shop', fingerprintMode: 'enforce' } });
  let gw: TestGateway;
  let secret: string;
  beforeAll(() => void ({ gw, secret } = fixture));

  it('parses as Prometheus text and has every family the operator guide lists', async () => {
    const families = await scrape(gw.url);
    const names = families.map((f) => f.name);
    for (const name of [
      'pdirect_http_requests_total',
      'pdirect_http_request_duration_seconds',
      'pdirect_payments_total',
      'pdirect_webhook_attempts_total',
      'pdirect_webhook_deliveries_total',
      'pdirect_webhook_first_attempt_lag_seconds',
      'pdirect_risk_decisions_total',
      'pdirect_otp_sends_total',
      'pdirect_db_pool_connections',
      'pdirect_event_loop_delay_p99_seconds',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(names, name).toContain(name);
    }
    expect(families.find((f) => f.name === 'pdirect_http_request_duration_seconds')!.type).toBe('HISTOGRAM');
    if (factory.name === 'postgres') expect(value(families, 'pdirect_db_pool_connections', { pool: 'main' })).toBeGreaterThan(0);
  });

  it('counters move with traffic: requests by route, status and error code; payments by outcome; webhook attempts', async () => {
    const before = await scrape(gw.url);
    const route = { method: 'GET', route: '/v1/merchant' };
    await http(`${gw.url}/v1/merchant`);
    await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) });
    await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) });

    const { token } = await mintSession(gw, secret);
    const declined = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, PLAIN_DECLINED) });
    expect(declined.status).toBe(402);
    const paid = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, PLAIN_APPROVED) });
    expect(paid.body.status).toBe('succeeded');

    // A one-time code by SMS (the sandbox outbox delivers it).
    const otp = await mintSession(gw, secret, { require_otp: true, customer: { phone: '+447700900123' } });
    const sent = await http(`${gw.url}/v1/otp/send`, { method: 'POST', headers: sdk(otp.token) });
    expect(sent.body.channel).toBe('sms');

    const after = await scrape(gw.url);
    const delta = (name: string, labels: Record<string, string>) => value(after, name, labels) - value(before, name, labels);
    expect(delta('pdirect_http_requests_total', { ...route, status: '401', error_code: '1001' })).toBe(1);
    expect(delta('pdirect_http_requests_total', { ...route, status: '200', error_code: '' })).toBe(2);
    // (The parser drops histogram labels: read the latency count line itself.)
    const latencyCount = async () =>
      Number(
        /^pdirect_http_request_duration_seconds_count\{[^}]*method="GET",route="\/v1\/merchant"[^}]*\} (\d+)$/m.exec(
          (await http(`${gw.url}/metrics`)).text,
        )?.[1],
      );
    const countBefore = await latencyCount();
    await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) });
    expect((await latencyCount()) - countBefore).toBe(1);
    expect(delta('pdirect_http_requests_total', { method: 'POST', route: '/v1/payments/collect', status: '402', error_code: '1601' })).toBe(1);
    expect(delta('pdirect_payments_total', { outcome: 'declined' })).toBe(1);
    expect(delta('pdirect_payments_total', { outcome: 'succeeded' })).toBe(1);
    expect(delta('pdirect_otp_sends_total', { channel: 'sms' })).toBe(1);
    // Both attempts were screened before money moved: one decision each, by action and level.
    const decisions = (families: Family[]) =>
      (families.find((f) => f.name === 'pdirect_risk_decisions_total')?.metrics ?? []).reduce((sum, m) => sum + Number(m.value), 0);
    expect(decisions(after) - decisions(before)).toBe(2);
    expect(after.find((f) => f.name === 'pdirect_risk_decisions_total')!.metrics.every((m) => m.labels?.action && m.labels.level)).toBe(true);
    // Unknown paths are one series, not one per path.
    await http(`${gw.url}/nothing/here/${Date.now()}`);
    expect(value(await scrape(gw.url), 'pdirect_http_requests_total', { route: 'unmatched', status: '404', error_code: '1011' })).toBeGreaterThan(0);

    // The payment's webhook goes to the (unreachable) notify_url: the worker's attempt is counted.
    let attempts = 0;
    for (let i = 0; i < 50 && attempts === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await scrape(gw.url);
      attempts = ['succeeded', 'retry', 'dead'].reduce(
        (sum, result) => sum + value(now, 'pdirect_webhook_attempts_total', { result }) - value(before, 'pdirect_webhook_attempts_total', { result }),
        0,
      );
    }
    expect(attempts).toBeGreaterThan(0);
    // …and logged at info, with the event and merchant (never the payload or the signature).
    const attemptLine = gw
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'webhook attempt failed; retry scheduled');
    expect(attemptLine).toMatchObject({ level: 30, event_id: expect.stringMatching(/^evt_/), merchant_id: expect.stringMatching(/^mch_/), attempt: 1 });
    expect(JSON.stringify(attemptLine)).not.toMatch(/webhook-signature|v1,/);
    // Each delivery's first attempt is timed from the commit that enqueued it.
    // (The parser keeps a labelled histogram's buckets only: +Inf counts every observation.)
    const lagCount = (families: Family[]) =>
      Number(families.find((f) => f.name === 'pdirect_webhook_first_attempt_lag_seconds')?.metrics[0]?.buckets?.['+Inf'] ?? 0);
    expect(lagCount(await scrape(gw.url)) - lagCount(before)).toBeGreaterThan(0);
  });

  it('log lines carry request_id, merchant_id and error_code', async () => {
    const res = await http(`${gw.url}/v1/payments/pay_aaaaaaaaaaaaaaaaaaaa`, { headers: bearer(secret) });
    expect(res.status).toBe(404);
    const requestId = res.headers['x-request-id']!;
    const line = gw
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.request_id === requestId && l.msg === 'request');
    expect(line).toMatchObject({ request_id: requestId, merchant_id: expect.stringMatching(/^mch_/), error_code: '1011', status: 404 });
  });
});

describe.each(testDatabases())('GET /metrics in live mode ($name)', (factory) => {
  const TOKEN = 'm'.repeat(20) + 'etrics-token-of-forty-chars';
  let db: TestDatabase;
  let gw: TestGateway;
  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({
      databaseUrl: db.url,
      // Behind a TLS-terminating proxy on this host: request.ip is the client the proxy names.
      env: {
        PDIRECT_MODE: 'live',
        PDIRECT_TRUSTED_PROXIES: '127.0.0.1',
        PDIRECT_PUBLIC_URL: 'https://pay.example',
        PDIRECT_METRICS_TOKEN: TOKEN,
        // Never contacted by these tests.
        PDIRECT_MPGS_BASE_URL: 'https://gateway.network.example',
        PDIRECT_MPGS_MERCHANT_ID: 'LIVESHOP',
        PDIRECT_MPGS_API_PASSWORD: 'live-password',
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });
  const fromOutside = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' };

  it('refuses to start with a short token', () => {
    expect(() => loadConfig({ PDIRECT_METRICS_TOKEN: 'short' })).toThrow(/PDIRECT_METRICS_TOKEN must be at least 32 characters/);
  });

  it('answers a loopback caller', async () => {
    const res = await http(`${gw.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('pdirect_http_requests_total');
  });

  it('attack: a remote caller without the token, or with a wrong, truncated or extended token, gets nothing', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, '1001'],
      [{ authorization: `Bearer ${TOKEN.slice(0, -1)}x` }, '1002'],
      [{ authorization: `Bearer ${TOKEN.slice(0, -1)}` }, '1002'],
      [{ authorization: `Bearer ${TOKEN}x` }, '1002'],
      [{ authorization: `Basic ${TOKEN}` }, '1002'],
      [{ authorization: 'Bearer ' }, '1002'],
    ];
    for (const [headers, code] of cases) {
      const res = await http(`${gw.url}/metrics`, { headers: { ...fromOutside, ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body.error.error_code).toBe(code);
      expect(res.text).not.toContain('pdirect_http_requests_total');
    }
    const ok = await http(`${gw.url}/metrics`, { headers: { ...fromOutside, authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('pdirect_http_requests_total');
  });
});
