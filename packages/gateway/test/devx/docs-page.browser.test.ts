import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { startTestGateway } from '../support/gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(import.meta.dirname, '../../../../test-artifacts');

describe.skipIf(!fs.existsSync(CHROMIUM))('/docs in Chromium', () => {
  it('renders the API reference from /openapi.json under its CSP, loading nothing from another origin', async () => {
    const db = await testDatabases()[0]!.create();
    const gw = await startTestGateway({ databaseUrl: db.url });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const violations: string[] = [];
      const foreign: string[] = [];
      page.on('console', (msg) => {
        if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
      });
      // Responses, not attempts: an attempt the CSP blocks never reaches the network.
      page.on('response', (response) => {
        const url = new URL(response.url());
        if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== gw.url) foreign.push(response.url());
      });
      await page.goto(`${gw.url}/docs`);
      await page.locator('h2', { hasText: 'Mint a checkout session' }).waitFor({ timeout: 30_000 });
      await expect(page.locator('h1').first().textContent()).resolves.toContain('Pdirect API');
      expect(await page.locator('h2', { hasText: 'Read a payment (the authoritative status)' }).count()).toBe(1);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'api-docs.png') });
      // The one thing the CSP blocks: Redoc's "API docs by Redocly" logo from its CDN (no request leaves the page).
      expect(violations.filter((v) => !v.includes("'https://cdn.redoc.ly/redoc/logo-mini.svg'"))).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await browser.close();
      await gw.close();
      await db.drop();
    }
  });
});
