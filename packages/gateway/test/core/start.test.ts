import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { PDIRECT_BIN, runCli } from '../support/cli.js';
import { freePort } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

// `npm start` is `pdirect start`: the sandbox a newcomer runs first.
describe('pdirect start (the sandbox)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-start-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function start(port: number): Promise<{ result: Record<string, any>; stop(): Promise<number | null> }> {
    const child = spawn(process.execPath, [PDIRECT_BIN, 'start', '--json'], {
      env: { PATH: process.env.PATH, PDIRECT_DATA_DIR: dataDir, PDIRECT_PORT: String(port), PDIRECT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const lines: string[] = [];
    const result = await new Promise<Record<string, any>>((resolve, reject) => {
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (line === '}') resolve(JSON.parse(lines.join('\n')));
      });
      child.once('exit', (code) => reject(new Error(`pdirect start exited ${code}: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { result, stop: () => (child.kill('SIGTERM'), exited) };
  }

  it('prints the URLs and the demo credentials once, and the demo shop takes a payment session', async () => {
    const port = await freePort();
    const first = await start(port);
    let lastRequestId = '';
    try {
      expect(first.result).toMatchObject({
        gateway_url: `http://127.0.0.1:${port}`,
        card_network_simulator: `http://127.0.0.1:${port + 1}`,
        demo_merchant_id: expect.stringMatching(/^mch_/),
        demo_merchant_secret: expect.stringMatching(/^pd_test_sk_/),
        demo_webhook_secret: expect.stringMatching(/^whsec_/),
        demo_shop_url: `http://localhost:${port + 2}`,
      });
      const me = await http(`${first.result.gateway_url}/v1/merchant`, { headers: bearer(first.result.demo_merchant_secret) });
      expect(me.body).toMatchObject({ id: first.result.demo_merchant_id, name: 'Pdirect Demo Shop' });
      const info = await fetch(`${first.result.card_network_simulator}/api/rest/version/100/information`);
      expect(await info.json()).toEqual({ gatewayVersion: '100.0.0', status: 'OPERATING' });
      const buy = await http(`http://127.0.0.1:${port + 2}/buy`, { method: 'POST' });
      expect(buy.status).toBe(303);
      expect(buy.headers.location).toMatch(new RegExp(`^http://localhost:${port}/checkout/cs_[a-z2-7]{20}#pd_st_`));
      const checkout = await http(buy.headers.location!.replace('localhost', '127.0.0.1').split('#')[0]!);
      expect(checkout.status).toBe(200);
      expect(checkout.headers['content-type']).toMatch(/text\/html/);
      // The last request before SIGTERM: its audit record must survive the shutdown.
      const last = await http(`${first.result.gateway_url}/v1/merchant`, { headers: bearer(first.result.demo_merchant_secret) });
      lastRequestId = last.headers['x-request-id']!;
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(fs.statSync(path.join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    const audit = await runCli(['audit', '--request-id', lastRequestId, '--json'], { PDIRECT_DATA_DIR: dataDir, PDIRECT_MASTER_KEY: '' });
    expect(audit.json).toMatchObject({ request_id: lastRequestId, status: 200, credential_type: 'merchant_key' });

    const second = await start(port);
    try {
      expect(second.result.demo_merchant_id).toBe(first.result.demo_merchant_id);
      expect(second.result.demo_merchant_secret).toBeUndefined();
      // The printed secret still works: it is the operator's, not the demo shop's.
      expect((await http(`${second.result.gateway_url}/v1/merchant`, { headers: bearer(first.result.demo_merchant_secret) })).status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
