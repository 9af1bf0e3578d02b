#!/usr/bin/env node
// The simulator CLI, compiled to dist/ by `npm run build` (which `npm ci` runs through the root `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (existsSync(entry)) await import(entry.href);
else {
  process.stderr.write('pdirect-mpgs-simulator: not built yet (no dist/). Run: npm run build\n');
  process.exitCode = 1;
}
