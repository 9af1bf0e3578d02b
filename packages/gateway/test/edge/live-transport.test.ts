import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import { TEST_MASTER_KEY, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

// Live mode without its own TLS sits behind a TLS-terminating proxy: it must
// answer nobody else, and the proxy only for requests that came over HTTPS.
const PROXY = '127.0.0.1';
const STRANGER = '127.0.0.2';

describe.each(testDatabases())('live mode behind a proxy ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: {
      env: {
        PDIRECT_MODE: 'live',
        PDIRECT_TRUSTED_PROXIES: `10.9.9.9,${PROXY}`,
        PDIRECT_PUBLIC_URL: 'https://pay.shop.example',
        // Never contacted by these tests.
        PDIRECT_MPGS_BASE_URL: 'https://gateway.network.example',
        PDIRECT_MPGS_MERCHANT_ID: 'LIVESHOP',
        PDIRECT_MPGS_API_PASSWORD: 'live-password',
      },
    },
    merchant: { name: 'Live Shop', redirectHosts: [] },
  });
  let gw: TestGateway;
  let secret: string;
  beforeAll(() => {
    ({ gw, secret } = fixture);
    expect(secret.startsWith('pd_live_sk_')).toBe(true);
  });

  it('refuses a live secret sent over plain HTTP by a peer that is not the proxy (403 1018, no HSTS)', async () => {
    for (const headers of [bearer(secret), { ...bearer(secret), 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' }]) {
      const res = await http(`${gw.url}/v1/merchant`, { headers, localAddress: STRANGER });
      expect(res.status, res.text).toBe(403);
      expect(res.body.error).toMatchObject({ error_code: '1018', request_id: res.headers['x-request-id'] });
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers.connection).toBe('close');
      expect(res.text).not.toContain('Live Shop');
    }
  });

  it('refuses the proxy unless it says the request arrived over HTTPS', async () => {
    for (const proto of [undefined, 'http', 'https, http']) {
      const res = await http(`${gw.url}/v1/merchant`, {
        headers: { ...bearer(secret), ...(proto ? { 'x-forwarded-proto': proto } : {}) },
        localAddress: PROXY,
      });
      expect(res.status, `${proto}: ${res.text}`).toBe(403);
      expect(res.body.error.error_code).toBe('1018');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('serves the proxy for HTTPS requests, with HSTS', async () => {
    const res = await http(`${gw.url}/v1/merchant`, { headers: { ...bearer(secret), 'x-forwarded-proto': 'https' }, localAddress: PROXY });
    expect(res.status, res.text).toBe(200);
    expect(res.body.name).toBe('Live Shop');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('still answers health probes from any peer (they carry no secret), without HSTS over plain HTTP', async () => {
    const res = await http(`${gw.url}/healthz`, { localAddress: STRANGER });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('live configuration', () => {
  const live = (overrides: Record<string, string>) =>
    loadConfig({
      PDIRECT_MODE: 'live',
      PDIRECT_MASTER_KEY: TEST_MASTER_KEY,
      PDIRECT_TRUSTED_PROXIES: '10.9.9.9',
      PDIRECT_PUBLIC_URL: 'https://pay.shop.example',
      PDIRECT_MPGS_BASE_URL: 'https://gateway.network.example',
      PDIRECT_MPGS_MERCHANT_ID: 'LIVESHOP',
      PDIRECT_MPGS_API_PASSWORD: 'live-password',
      ...overrides,
    });

  it('refuses an http:// card-network URL in live mode (the API password would travel in clear)', () => {
    expect(() => live({})).not.toThrow();
    let problems: string[] = [];
    try {
      live({ PDIRECT_MPGS_BASE_URL: 'http://gateway.network.example' });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([expect.stringMatching(/PDIRECT_MPGS_BASE_URL must be https:\/\/ in live mode/)]);
    expect(problems.join()).not.toContain('live-password');
  });

  it('accepts an http:// simulator URL in sandbox', () => {
    expect(() => loadConfig({ PDIRECT_MPGS_BASE_URL: 'http://127.0.0.1:9999', PDIRECT_MPGS_MERCHANT_ID: 'T', PDIRECT_MPGS_API_PASSWORD: 'p' })).not.toThrow();
  });
});
