import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile → stages of instructions (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Array<{ from: string; name?: string; instructions: Instruction[] }> {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Array<{ from: string; name?: string; instructions: Instruction[] }> = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword) throw new Error(`unparsable Dockerfile line: ${line}`);
    if (keyword.toUpperCase() === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args!.trim()) ?? [];
      stages.push({ from: image!, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args: args!.trim() });
    }
  }
  return stages;
}

describe('Dockerfile (static check: images cannot be pulled here)', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const runtime = stages.at(-1)!;
  const all = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword);

  it('is multi-stage: builds with dev tools, ships production dependencies only, on the Node major the engines allow', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages[0]!;
    expect(build.instructions.some((i) => i.keyword === 'RUN' && /npm ci\b/.test(i.args))).toBe(true);
    expect(build.instructions.some((i) => i.keyword === 'RUN' && /npm prune --omit=dev/.test(i.args))).toBe(true);
    expect(all('COPY').some((i) => i.args.startsWith(`--from=${build.name}`))).toBe(true);
    const engines = JSON.parse(read('package.json')).engines.node as string;
    for (const stage of stages) expect(stage.from).toMatch(new RegExp(`^node:${/\d+/.exec(engines)![0]}-`));
  });

  it('runs as a non-root user, with /data as a volume and the data directory pointing at it', () => {
    const users = all('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
    expect(
      all('VOLUME')
        .map((i) => i.args)
        .join(' '),
    ).toContain('/data');
    expect(
      all('ENV')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/PDIRECT_DATA_DIR=\/data\b/);
    expect(
      all('ENV')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/PDIRECT_HOST=0\.0\.0\.0/);
    expect(JSON.parse(all('ENTRYPOINT')[0]!.args)).toEqual(['node', 'packages/gateway/bin/pdirect.js']);
  });

  it('keeps the source of the browser SDK (the gateway serves it) and ignores local state in the build context', () => {
    expect(
      stages[0]!.instructions
        .filter((i) => i.keyword === 'RUN')
        .map((i) => i.args)
        .join(' '),
    ).not.toMatch(/rm -rf[^&]*src/);
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', 'data', '.git', '**/dist']) expect(ignored).toContain(entry);
  });

  describe.each(testDatabases())('its HEALTHCHECK command, run against a gateway ($name)', (factory) => {
    let db: TestDatabase;
    let gw: TestGateway;
    beforeAll(async () => {
      db = await factory.create();
      gw = await startTestGateway({ databaseUrl: db.url });
    });
    afterAll(async () => {
      await gw?.close();
      await db?.drop();
    });

    it('passes while /healthz answers and fails when nothing listens', async () => {
      const healthcheck = all('HEALTHCHECK')[0]!.args;
      expect(healthcheck).toMatch(/--interval=\d+s/);
      const command = JSON.parse(/CMD\s+(\[.*\])$/.exec(healthcheck)![1]!) as string[];
      expect(command.join(' ')).toContain('/healthz');
      const run = (port: string) =>
        promisify(execFile)(command[0] === 'node' ? process.execPath : command[0]!, command.slice(1), { env: { PDIRECT_PORT: port }, timeout: 10_000 }).then(
          () => 0,
          (err: { code?: number }) => err.code ?? 1,
        );
      expect(await run(new URL(gw.url).port)).toBe(0);
      const closed = await startTestGateway({ databaseUrl: db.url });
      const port = new URL(closed.url).port;
      await closed.close();
      expect(await run(port)).toBe(1);
    });
  });
});

describe('compose.yaml (static check)', () => {
  const compose = parseYaml(read('compose.yaml')) as { services: Record<string, any>; volumes: Record<string, unknown> };

  it('runs the gateway on PostgreSQL, started once the database is healthy, with volumes for both', () => {
    const { postgres, gateway } = compose.services;
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(postgres.volumes.some((v: string) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    expect(gateway.build).toBe('.');
    expect(gateway.depends_on.postgres.condition).toBe('service_healthy');
    expect(gateway.environment.PDIRECT_DATABASE_URL).toMatch(/^postgres:\/\/pdirect:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgres:5432\/pdirect$/);
    expect(gateway.volumes.some((v: string) => v.endsWith(':/data'))).toBe(true);
    for (const v of [...postgres.volumes, ...gateway.volumes]) expect(Object.keys(compose.volumes)).toContain(v.split(':')[0]);
  });

  it('holds no secret: passwords and the master key must come from the environment', () => {
    const { postgres, gateway } = compose.services;
    expect(postgres.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(gateway.environment.PDIRECT_MASTER_KEY).toMatch(/^\$\{PDIRECT_MASTER_KEY:\?/);
    // Published on loopback only: a reverse proxy with TLS goes in front.
    expect(gateway.ports.every((p: string) => p.startsWith('127.0.0.1:'))).toBe(true);
  });
});

describe('repository packaging', () => {
  it('ships the full Apache-2.0 licence text the package manifests declare', () => {
    const license = read('LICENSE');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(license).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license.split('\n').length).toBeGreaterThan(190);
    for (const pkg of ['package.json', 'packages/sdk-node/package.json', 'packages/sdk-browser/package.json'])
      expect(JSON.parse(read(pkg)).license).toBe('Apache-2.0');
    expect(read('packages/sdk-node/LICENSE')).toBe(license);
  });

  it('installs cookie in a version whose engines accept Node 20 (npm ci prints no EBADENGINE), and the test injector still sends cookies', async () => {
    // light-my-request (Fastify's inject) is the package that wanted cookie 2 (Node 22+); the override is scoped to it.
    const fromInjector = createRequire(createRequire(path.join(ROOT, 'packages/gateway/package.json')).resolve('light-my-request'));
    const cookie = JSON.parse(fs.readFileSync(fromInjector.resolve('cookie/package.json'), 'utf8')) as { version: string; engines?: { node?: string } };
    expect(JSON.parse(read('package.json')).overrides['light-my-request'].cookie).toBe(cookie.version);
    const minimum = Number(/>=\s*(\d+)/.exec(cookie.engines?.node ?? '>=0')![1]);
    expect(minimum).toBeLessThanOrEqual(20);
    // It must still encode cookies with this version.
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.get('/', async (request) => ({ cookie: request.headers.cookie }));
    const res = await app.inject({ url: '/', cookies: { a: '1', b: 'x y' } });
    expect(res.json()).toEqual({ cookie: 'a=1; b=x%20y' });
    await app.close();
  });

  it('no document in the repository points outside it', () => {
    const docs = [
      'README.md',
      'CONTRIBUTING.md',
      'CHANGELOG.md',
      'docs/api.md',
      'docs/card-network.md',
      'packages/sdk-node/README.md',
      'packages/sdk-browser/README.md',
      'packages/mpgs-simulator/README.md',
    ];
    for (const doc of docs) {
      const text = read(doc);
      expect(text, doc).not.toMatch(/(SPEC|MPGS|STYLE)\.md|SPEC ?\u00a7|\.\.\/shared\//);
      for (const [, target] of text.matchAll(/\]\(((?!https?:|#|mailto:)[^)#]+)(#[^)]*)?\)/g)) {
        expect(fs.existsSync(path.resolve(path.dirname(path.join(ROOT, doc)), target!)), `${doc} → ${target}`).toBe(true);
      }
    }
  });
});

describe('the SDK packages as a consumer resolves them (exports maps, no source condition)', () => {
  const work = path.join(ROOT, 'test-artifacts', 'consumer');
  beforeAll(() => fs.mkdirSync(work, { recursive: true }));

  it('a bundler bundles @pdirect/browser for the browser', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      stdin: {
        contents: "import { createPdirect, deviceFingerprint } from '@pdirect/browser'; globalThis.x = [createPdirect, deviceFingerprint];",
        resolveDir: work,
        loader: 'js',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).toContain('function createPdirect');
  });

  it('TypeScript finds the declarations of both SDKs through their exports maps (node16 and bundler resolution)', async () => {
    fs.writeFileSync(
      path.join(work, 'index.ts'),
      `import { Pdirect, verifyWebhook, type Payment } from '@pdirect/node';
import { createPdirect, type PdirectOptions } from '@pdirect/browser';
const client: Pdirect = new Pdirect({ secret: 'pd_test_sk_x', baseUrl: 'https://pay.example.com' });
const status: Payment['status'] = 'succeeded';
const options: PdirectOptions | undefined = undefined;
export { client, status, options, verifyWebhook, createPdirect };
`,
    );
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    for (const [module, resolution] of [
      ['NodeNext', 'NodeNext'],
      ['ESNext', 'Bundler'],
    ]) {
      const run = await promisify(execFile)(
        process.execPath,
        [
          tsc,
          '--noEmit',
          '--strict',
          '--skipLibCheck',
          '--types',
          'node',
          '--lib',
          'ES2023,DOM',
          '--module',
          module!,
          '--moduleResolution',
          resolution!,
          path.join(work, 'index.ts'),
        ],
        { cwd: work },
      ).then(
        () => '',
        (err: { stdout?: string }) => err.stdout ?? 'failed',
      );
      expect(run, `${module}/${resolution}`).toBe('');
    }
  });
});
