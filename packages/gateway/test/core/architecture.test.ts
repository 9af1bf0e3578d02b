import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The seams hold: no import cycle anywhere (type-only imports included;
 * also `npm run check:cycles`), and nothing outside the card network's own
 * folder knows which network it is.
 */
describe('architecture', () => {
  it('has no import cycle in any package, type-only imports included', async () => {
    const tree = await parseDependencyTree(['packages/*/src/**/*.ts', 'packages/*/src/**/*.js', 'packages/*/test/**/*.ts'], {
      context: ROOT,
      transform: false, // keep `import type`: a type-only cycle is still a cycle
      skipDynamicImports: false,
      include: /\.(ts|js)$/,
      exclude: /node_modules/,
    });
    expect(Object.keys(tree).length).toBeGreaterThan(150);
    expect(parseCircular(tree)).toEqual([]);
  });

  it('names the first card network only in its folder, the registry, configuration, CLI wording and old migrations', () => {
    const allowed = [
      /^packages\/gateway\/src\/connectors\/mpgs\//,
      /^packages\/gateway\/src\/connectors\/index\.ts$/,
      /^packages\/gateway\/src\/config\.ts$/,
      /^packages\/gateway\/src\/config\//,
      /^packages\/gateway\/src\/cli\//,
      /^packages\/gateway\/src\/storage\/migrations\/000[36]_/,
    ];
    const offenders = readdirSync(`${ROOT}packages/gateway/src`, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `packages/gateway/src/${file.split('\\').join('/')}`)
      .filter((file) => /mpgs/i.test(readFileSync(`${ROOT}${file}`, 'utf8')))
      .filter((file) => !allowed.some((pattern) => pattern.test(file)));
    expect(offenders).toEqual([]);
  });

  it('each module writes only its own tables (others go through its service or repository)', () => {
    const owners: Record<string, string> = {
      merchants: 'merchants',
      merchant_keys: 'keys',
      webhook_secrets: 'webhooks',
      checkout_sessions: 'sessions',
      session_transitions: 'sessions',
      payments: 'payments',
      payment_transitions: 'payments',
      refunds: 'payments',
    };
    const offenders: string[] = [];
    for (const file of readdirSync(`${ROOT}packages/gateway/src`, { recursive: true, encoding: 'utf8' })) {
      const path = file.split('\\').join('/');
      // Migrations shape every table; the master-key job re-seals ciphertext columns wherever they are.
      if (!path.endsWith('.ts') || path.endsWith('.test.ts') || /^(storage\/migrations|modules\/master-key)\//.test(path)) continue;
      const text = readFileSync(`${ROOT}packages/gateway/src/${path}`, 'utf8');
      for (const [, table] of text.matchAll(/(?:insertInto|updateTable|deleteFrom)\('([a-z_]+)'\)/g)) {
        const owner = owners[table!];
        if (owner && !path.startsWith(`modules/${owner}/`)) offenders.push(`${path} writes ${table}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
