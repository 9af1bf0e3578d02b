import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../scripts/bundle.js';
import * as source from '../src/pdirect.js';

/**
 * The build joins each served file's modules into one (scripts/bundle.js):
 * the joined SDK must be the SDK, the joined page script one module that
 * still loads the SDK at run time, and anything the join could get wrong is
 * refused rather than built.
 */

const PACKAGE = path.resolve(import.meta.dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-browser-build-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes `files` into a fresh folder; answers its path. */
function fixture(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'fixture-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Static import or export-from statements left in a joined file. */
const STATIC_IMPORT = /^\s*(import\s*[{'*\w]|export\s*\{[^}]*\}\s*from)/m;

describe('the build (scripts/bundle.js)', () => {
  it('joins the SDK into one module that exports what src/pdirect.js exports, declared in place', async () => {
    const text = bundle(path.join(PACKAGE, 'src/pdirect.js'), { root: PACKAGE });
    expect(text).not.toMatch(STATIC_IMPORT);
    expect(text).toContain('export function createPdirect');
    expect(text.startsWith('/**\n * @pdirect/browser — the Pdirect browser SDK.')).toBe(true);
    const file = path.join(tmp, 'pdirect.mjs');
    fs.writeFileSync(file, text);
    const joined = (await import(pathToFileURL(file).href)) as typeof source;
    expect(Object.keys(joined).sort()).toEqual(Object.keys(source).sort());
    expect(await joined.sha256Hex('abc')).toBe(await source.sha256Hex('abc'));
    expect(joined.challengeWindowForWidth(420)).toBe(source.challengeWindowForWidth(420));
  });

  it("joins the checkout page's modules into one module script that still loads the SDK from the gateway", () => {
    const text = bundle(path.join(PACKAGE, 'src/checkout/checkout.js'), { root: PACKAGE });
    expect(text).not.toMatch(STATIC_IMPORT);
    expect(text).not.toMatch(/^export /m);
    expect(text).toContain("await import(/** @type {string} */ ('/sdk/pdirect.js'))");
    expect(text.toLowerCase()).not.toContain('</script');
    const file = path.join(tmp, 'checkout.mjs');
    fs.writeFileSync(file, text);
    execFileSync(process.execPath, ['--check', file]);
  });

  it('keeps `export` only on what the entry exports or re-exports, and runs modules after what they import', () => {
    const dir = fixture({
      'entry.js': "import { helper } from './a.js';\nexport { shown } from './a.js';\nimport './b.js';\nexport function main() {\n  return helper();\n}\n",
      'a.js': 'export function helper() {\n  return 1;\n}\nexport const shown = 2;\n',
      'b.js': "import { helper } from './a.js';\nexport const ran = helper();\n",
    });
    const text = bundle(path.join(dir, 'entry.js'));
    expect(text).toMatch(/^function helper\(\)/m);
    expect(text).toMatch(/^export const shown = 2;/m);
    expect(text).toMatch(/^const ran = helper\(\);/m);
    expect(text).toMatch(/^export function main\(\)/m);
    expect(text.indexOf('// == a.js')).toBeLessThan(text.indexOf('// == b.js'));
    expect(text.indexOf('// == b.js')).toBeLessThan(text.indexOf('// == entry.js'));
  });

  it('refuses what one shared scope cannot hold: a name declared twice, a missing export, a cycle, other import forms', () => {
    const refuse = (files: Record<string, string>, reason: RegExp) => expect(() => bundle(path.join(fixture(files), 'entry.js'))).toThrow(reason);
    refuse({ 'entry.js': "import './a.js';\nconst x = 1;\n", 'a.js': 'const x = 2;\n' }, /"x" is declared in both a\.js and entry\.js/);
    refuse({ 'entry.js': "import { y } from './a.js';\n", 'a.js': 'const y = 2;\n' }, /imports "y", which a\.js does not export/);
    refuse({ 'entry.js': "import './a.js';\n", 'a.js': "import './entry.js';\n" }, /import cycle/);
    refuse({ 'entry.js': "import { z } from 'some-package';\n" }, /only relative imports/);
    refuse({ 'entry.js': "import { y as z } from './a.js';\n", 'a.js': 'export const y = 1;\n' }, /rename in the module/);
    refuse({ 'entry.js': 'export default 1;\n' }, /is not supported/);
    refuse({ 'entry.js': 'const { a, b } = globalThis;\n' }, /is not supported/);
    refuse({ 'entry.js': "import './a.js';\n", 'a.js': "export { q } from './b.js';\n", 'b.js': 'export const q = 1;\n' }, /only the entry may/);
  });
});
