// Part of `npm run build`: files the compiled code reads at runtime that tsc
// does not emit (e.g. modules/risk/weights.json) are copied from src/ to the
// same place under dist/. Tests and test data stay behind.
import fs from 'node:fs';
import path from 'node:path';

const src = new URL('../src/', import.meta.url).pathname;
const dist = new URL('../dist/', import.meta.url).pathname;

export function copyAssets(from = src, to = dist) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'testdata') continue;
      copyAssets(source, target);
    } else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}

copyAssets();
