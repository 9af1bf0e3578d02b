import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIST } from '../../src/http/dashboard/static.js';
import { PDIRECT_BIN, runCli } from '../support/cli.js';
import { testDatabases } from '../support/databases.js';
import { freePort } from '../support/gateway.js';
import { http } from '../support/http.js';
import { DashboardClient, setupToken } from './support.js';

describe.each(testDatabases())('pdirect user create ($name)', (factory) => {
  it('prints a one-time setup link (24 h) that opens the setup page; bad input is refused with the reason', async () => {
    const db = await factory.create();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-user-'));
    const env = { PDIRECT_DATABASE_URL: db.url, PDIRECT_DATA_DIR: dataDir };
    try {
      const merchant = await runCli(['merchant', 'create', '--name', 'CLI Shop', '--json'], env);
      const merchantId = merchant.json.merchant_id as string;
      const created = await runCli(['user', 'create', '--merchant', merchantId, '--email', 'Dev@Shop.example', '--role', 'developer', '--json'], env);
      expect(created.code).toBe(0);
      expect(created.json).toMatchObject({
        user_id: expect.stringMatching(/^usr_/),
        merchant_id: merchantId,
        email: 'dev@shop.example',
        role: 'developer',
        setup_url: expect.stringMatching(/\/dashboard\/setup#[A-Za-z0-9_-]{43}$/),
      });
      const hours = (Date.parse(created.json.expires_at) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(23.9);
      expect(hours).toBeLessThanOrEqual(24);
      const again = await runCli(['user', 'create', '--merchant', merchantId, '--email', 'dev@shop.example', '--role', 'viewer'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already exists/);
      expect((await runCli(['user', 'create', '--merchant', merchantId, '--email', 'x@shop.example', '--role', 'admin'], env)).code).not.toBe(0);
      expect((await runCli(['user', 'create', '--merchant', 'mch_aaaaaaaaaaaaaaaaaaaa', '--email', 'y@shop.example', '--role', 'owner'], env)).stderr).toMatch(
        /1011/,
      );
      expect(setupToken(created.json.setup_url)).toHaveLength(43);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await db.drop();
    }
  });
});

describe('npm start serves the dashboard', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-start-dash-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it.skipIf(!fs.existsSync(`${DASHBOARD_DIST}index.html`) && process.env.CI !== 'true')(
    'prints the dashboard URL and the demo owner setup link; the page and its assets are served with a strict CSP',
    async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [PDIRECT_BIN, 'start', '--json'], {
        env: { PATH: process.env.PATH, PDIRECT_DATA_DIR: dataDir, PDIRECT_PORT: String(port), PDIRECT_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const lines: string[] = [];
        const result = await new Promise<Record<string, string>>((resolve, reject) => {
          readline.createInterface({ input: child.stdout }).on('line', (line) => {
            lines.push(line);
            if (line === '}') resolve(JSON.parse(lines.join('\n')));
          });
          child.once('exit', (code) => reject(new Error(`pdirect start exited ${code}`)));
        });
        expect(result).toMatchObject({
          dashboard_url: `http://127.0.0.1:${port}/dashboard`,
          dashboard_user: 'demo-owner@example.com',
          dashboard_setup_url: expect.stringMatching(/\/dashboard\/setup#/),
        });
        const page = await http(result.dashboard_url!);
        expect(page.status).toBe(200);
        expect(page.headers['content-type']).toMatch(/text\/html/);
        const csp = page.headers['content-security-policy']!;
        for (const directive of ["script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'"]) expect(csp).toContain(directive);
        expect(page.headers['x-frame-options']).toBe('DENY');
        expect(page.text).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/);
        const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(page.text)![1]!;
        const asset = await http(`http://127.0.0.1:${port}${script}`);
        expect(asset.status).toBe(200);
        expect(asset.headers['content-type']).toMatch(/javascript/);
        expect(asset.headers['cache-control']).toMatch(/immutable/);
        // Client-side routes get the same page; unknown API routes get the JSON error envelope, not the page.
        expect((await http(`${result.dashboard_url}/payments`)).text).toBe(page.text);
        const unknownApi = await http(`${result.dashboard_url}/api/no-such-route`);
        expect(unknownApi.headers['content-type']).toMatch(/application\/json/);
        expect(unknownApi.status).toBe(401);
        // The printed link is live: the setup page's API knows it.
        const setupUrl = result.dashboard_setup_url!.replace('localhost', '127.0.0.1');
        const described = await new DashboardClient({ url: `http://127.0.0.1:${port}` }).post('/setup/describe', { token: setupToken(setupUrl) });
        expect(described.body).toMatchObject({ email: 'demo-owner@example.com', role: 'owner', merchant_name: 'Pdirect Demo Shop' });
      } finally {
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    },
    60_000,
  );
});
