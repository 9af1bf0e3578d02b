import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

const [sqlite] = testDatabases();

describe('TLS', () => {
  let dir: string;
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    db = await sqlite!.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_TLS_CERT: path.join(dir, 'cert.pem'), PDIRECT_TLS_KEY: path.join(dir, 'key.pem') } });
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const handshake = (options: tls.ConnectionOptions) =>
    new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: Number(new URL(gw.url).port), rejectUnauthorized: false, ...options }, () => {
        const protocol = socket.getProtocol() ?? '';
        socket.end();
        resolve(protocol);
      });
      socket.on('error', reject);
    });

  it('serves HTTPS with TLS 1.2 and 1.3 and HSTS', async () => {
    expect(gw.url).toMatch(/^https:/);
    expect(await handshake({ minVersion: 'TLSv1.3' })).toBe('TLSv1.3');
    expect(await handshake({ maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
    const res = await fetch(`${gw.url}/healthz`, { dispatcher: new (await import('undici')).Agent({ connect: { rejectUnauthorized: false } }) } as RequestInit);
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('refuses TLS 1.1', async () => {
    await expect(handshake({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1' })).rejects.toThrow();
  });
});

describe('live mode', () => {
  const live = {
    PDIRECT_MODE: 'live',
    PDIRECT_MASTER_KEY: `v1:${Buffer.alloc(32, 1).toString('base64')}`,
    PDIRECT_MPGS_BASE_URL: 'https://test-gateway.mastercard.com',
    PDIRECT_MPGS_MERCHANT_ID: 'TESTMID',
    PDIRECT_MPGS_API_PASSWORD: 'password-not-to-be-echoed',
    PDIRECT_PUBLIC_URL: 'https://pay.example',
    // Customer OTP needs real providers in live mode.
    PDIRECT_SMTP_URL: 'smtps://otp:mail-password@smtp.example:465',
    PDIRECT_OTP_EMAIL_FROM: 'otp@pay.example',
    PDIRECT_SMS_URL: 'https://sms.example/v1/messages',
  };

  it('refuses plain HTTP unless behind a trusted proxy', () => {
    expect(() => loadConfig(live)).toThrow(/refuses plain HTTP/);
    expect(loadConfig({ ...live, PDIRECT_TRUSTED_PROXIES: '10.0.0.1' }).mode).toBe('live');
  });

  it('needs a master key and card network credentials, and never echoes a secret in the error', () => {
    try {
      loadConfig({ PDIRECT_MODE: 'live', PDIRECT_MPGS_API_PASSWORD: 'password-not-to-be-echoed', PDIRECT_TRUSTED_PROXIES: '10.0.0.1' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).toContain('PDIRECT_MASTER_KEY');
      expect(message).toContain('PDIRECT_MPGS_BASE_URL');
      expect(message).not.toContain('password-not-to-be-echoed');
    }
  });
});
