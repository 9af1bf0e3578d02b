/**
 * Joins an entry module and the modules it imports into one ES module.
 *
 * The gateway serves the browser SDK as one file (GET /sdk/pdirect.js) and
 * inlines the checkout page's script under a nonce: neither can load sibling
 * modules. Their sources are split into small modules anyway, so they are
 * joined here, in the order the browser would evaluate them (each module
 * after the ones it imports), with their comments kept: the served SDK reads
 * as the hand-written file it is.
 *
 * A deliberately small subset of ES modules, checked rather than assumed:
 * - imports are relative and named (`import { a, b } from './x.js'`, no
 *   `as`), or bare side-effect imports (`import './x.js'`);
 * - a module exports declarations (`export function`, `export const`, ...),
 *   and only the entry re-exports (`export { a } from './x.js'`);
 * - no two modules declare the same top-level name (they share one scope);
 * - no import cycles.
 * The joined file exports exactly what the entry exports: a declaration keeps
 * its `export` only when the entry exports or re-exports its name.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A static import or re-export statement (braces may span lines). */
const STATEMENT = /^(import|export)\s*(?:\{([^}]*)\}\s*from\s*)?'([^']+)';[ \t]*\n/gm;
/** A top-level declaration; group 1 is `export ` when exported, group 2 the name. */
const DECLARATION = /^(export )?(?:async )?(?:function\*?|class|const|let|var) ([\w$]+)/gm;
/** Other top-level forms: default or namespace imports and exports, export lists, destructuring (its names would go unchecked). */
const UNSUPPORTED = /^(?:import\b(?!\s*[{'(])|export\s+(?:default|\*)|export\s*\{(?!\s*\}\s*;)|(?:export )?(?:const|let|var)\s*[{[])/m;

/**
 * @param {string} entry path of the entry module
 * @param {{ root?: string }} [options] `root`: the folder module names are shown relative to (separators, errors)
 * @returns {string} the joined module
 */
export function bundle(entry, options = {}) {
  const root = options.root ?? path.dirname(entry);
  const name = (/** @type {string} */ file) => path.relative(root, file).split(path.sep).join('/');
  /** @type {Array<{ file: string, text: string, imports: Array<{ kind: string, names: string[], target: string, statement: string }>, declared: Map<string, boolean> }>} */
  const order = [];
  const loading = new Set();
  const loaded = new Set();

  const load = (/** @type {string} */ file) => {
    if (loaded.has(file)) return;
    if (loading.has(file)) throw new Error(`bundle: import cycle through ${name(file)}`);
    loading.add(file);
    const text = fs.readFileSync(file, 'utf8');
    const imports = [];
    for (const [statement, kind, list, specifier] of text.matchAll(STATEMENT)) {
      if (!specifier?.startsWith('./') && !specifier?.startsWith('../')) throw new Error(`bundle: ${name(file)} imports "${specifier}": only relative imports`);
      if (list === undefined && kind === 'export') throw new Error(`bundle: ${name(file)}: "${statement.trim()}" is not supported`);
      const names = (list ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      if (names.some((n) => !/^[\w$]+$/.test(n))) throw new Error(`bundle: ${name(file)}: "${statement.trim()}": rename in the module, not in the import`);
      const target = path.resolve(path.dirname(file), specifier);
      imports.push({ kind: /** @type {string} */ (kind), names, target, statement });
      load(target);
    }
    const rest = imports.reduce((t, i) => t.replace(i.statement, ''), text);
    const unsupported = UNSUPPORTED.exec(rest);
    if (unsupported) throw new Error(`bundle: ${name(file)}: "${rest.slice(unsupported.index).split('\n')[0]}" is not supported`);
    const declared = new Map([...rest.matchAll(DECLARATION)].map(([, exported, id]) => [/** @type {string} */ (id), exported !== undefined]));
    loading.delete(file);
    loaded.add(file);
    order.push({ file, text, imports, declared });
  };
  load(path.resolve(entry));

  const owner = new Map();
  for (const module of order) {
    for (const id of module.declared.keys()) {
      if (owner.has(id)) throw new Error(`bundle: "${id}" is declared in both ${name(owner.get(id))} and ${name(module.file)}`);
      owner.set(id, module.file);
    }
  }
  const main = /** @type {(typeof order)[number]} */ (order.at(-1));
  const exported = new Set([...main.declared].filter(([, isExported]) => isExported).map(([id]) => id));
  for (const module of order) {
    for (const { kind, names, target } of module.imports) {
      for (const id of names) {
        if (owner.get(id) !== target || !order.find((m) => m.file === target)?.declared.get(id)) {
          throw new Error(`bundle: ${name(module.file)} imports "${id}", which ${name(target)} does not export`);
        }
        if (kind === 'export') {
          if (module !== main) throw new Error(`bundle: ${name(module.file)} re-exports "${id}": only the entry may`);
          exported.add(id);
        }
      }
    }
  }

  /** The module's code: its imports gone, `export` kept only on what the joined module exports. */
  const body = (/** @type {(typeof order)[number]} */ module) =>
    module.imports
      .reduce((t, i) => t.replace(i.statement, ''), module.text)
      .replace(/^\/\/ @ts-check\n/, '')
      .replace(DECLARATION, (whole, isExported, id) => (isExported && module !== main && !exported.has(id) ? whole.slice('export '.length) : whole))
      .trim();

  // The entry's opening comment stays at the top: it describes the whole file.
  const mainBody = body(main);
  const [header = ''] = /^\/\*\*[\s\S]*?\*\/\n/.exec(mainBody) ?? [];
  const bodies = order.map((module) => (module === main ? mainBody.slice(header.length).trim() : body(module)));
  const parts = order.map((module, i) => `// == ${name(module.file)} ${'='.repeat(Math.max(3, 72 - name(module.file).length))}\n\n${bodies[i]}`);
  const note = `// Built by @pdirect/browser's \`npm run build\` (scripts/build.js) from ${name(main.file)} and the modules it imports: edit those.`;
  return `${header}${note}\n\n${parts.join('\n\n')}\n`;
}
