#!/usr/bin/env node
// The pdirect CLI: compiled JavaScript in dist/, built by `npm run build`
// (which `npm ci` runs through the root `prepare`). No TypeScript at runtime.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (existsSync(entry)) await import(entry.href);
else {
  process.stderr.write('pdirect: not built yet (no packages/gateway/dist/). Run: npm run build\n');
  process.exitCode = 1;
}
