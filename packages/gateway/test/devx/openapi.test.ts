import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { http } from '../support/http.js';

/** Every METHOD + path the app serves (HEAD and the 405 catch-alls aside), from Fastify's own route table. */
function servedRoutes(gw: TestGateway): string[] {
  const served: string[] = [];
  const tree = gw.gateway.app.printRoutes({ commonPrefix: false, includeHooks: false });
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)[├└]── (\/\S*) \(([A-Z, ]+)\)/.exec(line);
    if (!match) continue;
    // Nested lines carry the path relative to their parent, four characters of indentation per level.
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const path = stack.join('').replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    // The dashboard's browser endpoints and wildcard routes are not part of the API document.
    if (path.startsWith('/dashboard') || path.includes('*')) continue;
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') served.push(`${method} ${path}`);
  }
  return served;
}

describe.each(testDatabases())('OpenAPI document ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let doc: any;
  let undocumented: string[] = [];
  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    const res = await http(`${gw.url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('is a valid OpenAPI 3.1 document (independent validator)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the gateway serves, with a summary, a success response and the error envelope', () => {
    const documented = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = servedRoutes(gw);
    expect(served.length).toBeGreaterThan(15);
    for (const route of documented) expect(served, route).toContain(route);
    // Served but not documented: only the 405 answers (registered as routes too), checked below.
    undocumented = served.filter((route) => !documented.includes(route));
    expect(undocumented.length).toBeGreaterThan(0);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.summary, where).toBeTruthy();
        expect(op.tags, where).toHaveLength(1);
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => s.startsWith('2') || s.startsWith('3')),
          where,
        ).toBe(true);
        expect(op.responses['500']?.content['application/json'].schema.$ref, where).toBe('#/components/schemas/ErrorEnvelope');
      }
    }
  });

  it('every served route it leaves out is a 405 catch-all, not an operation', async () => {
    expect(undocumented.length).toBeGreaterThan(0);
    for (const route of undocumented) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await http(`${gw.url}${path.replace(/\{[^}]+\}/g, 'x')}`, { method, ...(method === 'GET' ? {} : { body: {} }) });
      expect(res.status, route).toBe(405);
    }
  });

  it('carries the route schemas: parameters, bodies, examples, credentials', () => {
    const mint = doc.paths['/v1/sessions'].post;
    expect(mint.security).toEqual([{ merchantKey: [] }]);
    const body = mint.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['amount', 'currency', 'customer_reference', 'order_id', 'notify_url']));
    expect(mint.responses['201'].content['application/json'].example).toMatchObject({ session_id: expect.stringMatching(/^cs_/) });
    expect(mint.responses['400'].description).toContain('1010');
    expect(mint.responses['401'].content['application/json'].example.error.error_code).toMatch(/^100\d$/);

    const payment = doc.paths['/v1/payments/{payment_id}'].get;
    expect(payment.parameters).toEqual([
      expect.objectContaining({ name: 'payment_id', in: 'path', required: true, schema: expect.objectContaining({ pattern: '^pay_[a-z2-7]{20}$' }) }),
    ]);
    expect(doc.paths['/v1/checkout'].get.security).toEqual([{ sessionToken: [] }]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);

    const envelope = doc.components.schemas.ErrorEnvelope;
    expect(envelope.properties.error.properties.error_code.enum).toEqual(Object.keys(ERROR_CATALOGUE));
  });
});

describe('rendered API reference at /docs', () => {
  it('serves the page with a CSP that allows only its own script, and the self-hosted Redoc bundle', async () => {
    const [factory] = testDatabases();
    const db = await factory!.create();
    const gw = await startTestGateway({ databaseUrl: db.url });
    try {
      const page = await http(`${gw.url}/docs`);
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self';");
      expect(page.headers['content-security-policy']).not.toMatch(/https?:/);
      expect(page.text).toContain('<script src="/docs/redoc.standalone.js">');
      expect(page.text).not.toMatch(/https?:\/\//);
      const script = await fetch(`${gw.url}/docs/redoc.standalone.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toContain('javascript');
      expect((await script.text()).length).toBeGreaterThan(100_000);
    } finally {
      await gw.close();
      await db.drop();
    }
  });
});
