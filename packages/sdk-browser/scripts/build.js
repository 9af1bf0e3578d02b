// `npm run build` (also run by the root `prepare`, so by `npm ci`): the files
// the package exports for the gateway to serve, each joined from its modules
// into dist/ (see bundle.js). The gateway reads them once at boot.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/** Output (the package's export map points at it) → entry module. */
const BUNDLES = {
  'dist/pdirect.js': 'src/pdirect.js',
  'dist/checkout.js': 'src/checkout/checkout.js',
};

for (const [output, entry] of Object.entries(BUNDLES)) {
  const target = path.join(PACKAGE, output);
  const text = bundle(path.join(PACKAGE, entry), { root: PACKAGE });
  // Unchanged files are left alone (the test setup runs this before every run, beside running gateways).
  if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === text) continue;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
}
