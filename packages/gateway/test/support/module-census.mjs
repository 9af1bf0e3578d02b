/**
 * `node --import ./module-census.mjs …`: writes every module the process loads into the file named by
 * PDIRECT_MODULE_CENSUS, one URL or path a line — for "this code path loads no X" tests.
 *
 * Two records, because Node 20's loader hooks see only what goes through the ES module loader (ES
 * modules, and a CommonJS module where an ES module imports it), not what CommonJS code then
 * require()s: the `load` hook below writes the first as they load, and at exit the process appends
 * require's cache, which holds every CommonJS module loaded either way.
 *
 * Plain JavaScript: the loader hooks run in a thread of their own, before anything could compile TypeScript.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

let census;

/** Hooks thread: where to write. */
export function initialize(data) {
  census = data.file;
}

/** Hooks thread: every module the ES loader loads. */
export async function load(url, context, nextLoad) {
  appendFileSync(census, `${url}\n`);
  return nextLoad(url, context);
}

// Main thread (imported by --import): install this file as the hooks, and write require's cache at exit.
if (isMainThread) {
  const file = process.env.PDIRECT_MODULE_CENSUS;
  if (!file) throw new Error('module-census.mjs needs PDIRECT_MODULE_CENSUS (the file to write)');
  register(import.meta.url, { data: { file } });
  process.on('exit', () => appendFileSync(file, `${Object.keys(createRequire(import.meta.url).cache).join('\n')}\n`));
}
