import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect } from '../../gateway/test/support/checkout.js';
import { testDatabases, type TestDatabase } from '../../gateway/test/support/databases.js';
import { startTestGateway, type TestGateway } from '../../gateway/test/support/gateway.js';

const README = fs.readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
const BLOCKS = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
// Inside the repository, so `@pdirect/node` resolves as a merchant's install would (exports → dist/).
const WORK = path.resolve(import.meta.dirname, '../../../test-artifacts/readme-examples');

/**
 * The README's own comments state results (`err.status;    // 404`): they
 * become assertions, so an example that stops telling the truth fails here.
 */
function commentsToAssertions(code: string): string {
  return code.replace(
    /^(\s*)([\w.]+);\s*\/\/\s*("[^"…]*"|\d+)(?=\s|$).*$/gm,
    (_line, indent: string, expr: string, value: string) => `${indent}__check(${JSON.stringify(expr)}, ${expr}, ${value});`,
  );
}

/** Runs README code (TypeScript, top-level await) with plain node; `emit` names the variables to print as JSON. */
async function runExample(code: string, emit: string[], env: Record<string, string>): Promise<Record<string, any>> {
  const source = `const __checks = [];
const __check = (expr, actual, expected) => __checks.push({ expr, actual, expected });
${code}
console.log(JSON.stringify({ ${emit.join(', ')}${emit.length ? ', ' : ''}__checks }));`;
  const js = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' }).code;
  fs.mkdirSync(WORK, { recursive: true });
  const file = path.join(WORK, `example-${Date.now()}-${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(file, js);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describe.each(testDatabases())('the @pdirect/node README examples run ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true, env: { PDIRECT_WEBHOOK_WORKER: 'off' } });
    const created = await gw.services.merchants.create({ name: 'README Shop', redirectHosts: ['shop.example'], fingerprintMode: 'off' });
    env = { PDIRECT_SECRET: created.merchantSecret.reveal(), PDIRECT_URL: gw.url };
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('has the blocks this test runs', () => {
    expect(BLOCKS[0]).toContain('pdirect.sessions.create(');
    expect(BLOCKS[1]).toContain('pdirect.payments.refund(');
    expect(BLOCKS[2]).toContain('catch (err)');
  });

  it('mint and retrieve; after a payment, list, retrieve and refund; the error example answers as its comments say', async () => {
    const first = await runExample(BLOCKS[0]!, ['session', 'state'], env);
    expect(first.session).toMatchObject({
      session_id: expect.stringMatching(/^cs_/),
      session_token: expect.stringMatching(/^pd_st_/),
      checkout_url: expect.stringContaining('/checkout/'),
    });
    expect(first.state).toMatchObject({ object: 'checkout_session', id: first.session.session_id, status: 'open', order_id: 'order_1001' });

    // The customer pays (the card fields are the network's; see the browser tests for the real page).
    const token = first.session.session_token as string;
    const paid = await collect(
      gw,
      token,
      {
        hosted_session_id: await cardSession(gw, token, { number: '5111111111111118', expiry: '01/39' }),
        amount: '12.50',
        currency: 'usd',
        customer_reference: 'cust_42',
      },
      {},
      'a1'.repeat(32),
    );
    expect(paid.body.status).toBe('succeeded');

    // The later blocks use the client the first one built.
    const client = BLOCKS[0]!
      .split('\n')
      .filter((line) => line.startsWith('import ') || line.startsWith('const pdirect '))
      .join('\n');
    const second = await runExample(`${client}\n${BLOCKS[1]}\n${commentsToAssertions(BLOCKS[2]!)}`, ['payment', 'refund'], env);
    expect(second.payment).toMatchObject({ object: 'payment', status: 'succeeded', order_id: 'order_1001' });
    expect(second.refund).toMatchObject({ object: 'refund', amount: '2.50' });
    expect(second.__checks.map((c: { expr: string }) => c.expr)).toEqual(['err.status', 'err.code']);
    for (const check of second.__checks) expect(check.actual, check.expr).toEqual(check.expected);
  });
});
