import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, type TestDatabase } from '../../gateway/test/support/databases.js';
import { startTestGateway, type TestGateway } from '../../gateway/test/support/gateway.js';
import { type Receiver, startReceiver } from '../../gateway/test/webhooks/receiver.js';

const SDK_DIR = path.resolve(import.meta.dirname, '..');

/**
 * Runs a script with plain `node` (no loader, no TypeScript) in the temp project; it prints one JSON line.
 * Asynchronously: the gateway it talks to runs in this process.
 */
async function node(project: string, script: string, env: Record<string, string>): Promise<any> {
  fs.writeFileSync(path.join(project, 'script.mjs'), script);
  const { stdout } = await promisify(execFile)(process.execPath, ['script.mjs'], {
    cwd: project,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(stdout);
}

// The published artifact, as a merchant gets it: `npm pack`, installed into a
// fresh project, used from plain Node against a real gateway.
describe.each(testDatabases())('@pdirect/node from its npm tarball ($name)', (factory) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-sdk-pack-'));
  const project = path.join(tmp, 'shop');
  let tarball: string;
  let db: TestDatabase;
  let gw: TestGateway;
  let rx: Receiver;

  beforeAll(async () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: SDK_DIR, encoding: 'utf8' })) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    tarball = path.join(tmp, packed[0]!.filename);
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/client.js', 'dist/webhooks.js']),
    );
    expect(files.filter((f) => /\.test\.|tsbuildinfo|^src\//.test(f))).toEqual([]);

    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
    // The SDK has no dependencies: installing the tarball needs no registry.
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project, stdio: 'pipe' });

    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_WEBHOOK_WORKER: 'off' } });
    rx = await startReceiver();
  }, 120_000);
  afterAll(async () => {
    await rx?.close();
    await gw?.close();
    await db?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('installs with types and an exports map', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/@pdirect/node/package.json'), 'utf8'));
    expect(manifest.exports['.']).toMatchObject({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(fs.readFileSync(path.join(project, 'node_modules/@pdirect/node/dist/index.d.ts'), 'utf8')).toContain('verifyWebhook');
  });

  it('creates and retrieves a session, and verifies the signed webhook, from plain node', async () => {
    const created = await gw.services.merchants.create({ name: 'Packed Shop', redirectHosts: ['127.0.0.1'] });
    const env = { GATEWAY: gw.url, SECRET: created.merchantSecret.reveal(), NOTIFY: rx.url };
    const result = await node(
      project,
      `import { Pdirect, PdirectError } from '@pdirect/node';
const pdirect = new Pdirect({ secret: process.env.SECRET, baseUrl: process.env.GATEWAY });
const session = await pdirect.sessions.create({
  amount: '9.99', currency: 'eur', customer_reference: 'cust_packed', order_id: 'order_packed',
  notify_url: process.env.NOTIFY, success_redirect_url: 'http://127.0.0.1/ok', fail_redirect_url: 'http://127.0.0.1/no', ttl_seconds: 60,
}, { idempotencyKey: 'order_packed' });
const state = await pdirect.sessions.retrieve(session.session_id);
let missing;
try { await pdirect.payments.retrieve('pay_aaaaaaaaaaaaaaaaaaaa'); } catch (err) { missing = err instanceof PdirectError ? { status: err.status, code: err.code } : String(err); }
console.log(JSON.stringify({ session, state, missing }));`,
      env,
    );
    expect(result.session.session_id).toMatch(/^cs_[a-z2-7]{20}$/);
    expect(result.state).toMatchObject({ object: 'checkout_session', id: result.session.session_id, status: 'open', amount: '9.99', order_id: 'order_packed' });
    expect(result.missing).toEqual({ status: 404, code: '1011' });

    // The session expires: the gateway announces it with a signed webhook.
    gw.clock.advance(61_000);
    await gw.services.sessions.expireDue();
    expect(await gw.services.webhooks.worker.runDue()).toBe(1);
    const receipt = rx.receipts.at(-1)!;
    fs.writeFileSync(path.join(project, 'webhook.json'), JSON.stringify({ body: receipt.body.toString(), headers: receipt.headers }));
    const verify = `import fs from 'node:fs';
import { verifyWebhook, WebhookVerificationError } from '@pdirect/node';
const { body, headers } = JSON.parse(fs.readFileSync('webhook.json', 'utf8'));
const now = () => Number(process.env.NOW);
try { console.log(JSON.stringify({ event: verifyWebhook(body, headers, process.env.WHSEC, { now }) })); }
catch (err) { console.log(JSON.stringify({ reason: err instanceof WebhookVerificationError ? err.reason : String(err) })); }`;
    const good = await node(project, verify, { WHSEC: created.webhookSecret.reveal(), NOW: String(gw.clock.now()) });
    expect(good.event).toMatchObject({ type: 'session.expired', data: { object: { id: result.session.session_id, status: 'expired' } } });
    const forged = await node(project, verify, { WHSEC: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, NOW: String(gw.clock.now()) });
    expect(forged).toEqual({ reason: 'no_matching_signature' });
  });
});
