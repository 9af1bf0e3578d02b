// Rewrites vitest.timings.json (what vitest.sequencer.ts plans the file order
// with) from a vitest JSON report, best one taken with one worker:
//   npm run test:timings
import fs from 'node:fs';
import path from 'node:path';

const report = JSON.parse(fs.readFileSync(process.argv[2] ?? 'test-artifacts/timings-run.json', 'utf8'));
const root = path.resolve(import.meta.dirname, '..');
const timings = {};
for (const file of [...report.testResults].sort((a, b) => a.name.localeCompare(b.name))) {
  timings[path.relative(root, file.name)] = Math.round((file.endTime - file.startTime) / 100) / 10;
}
fs.writeFileSync(path.join(root, 'vitest.timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
console.log(`vitest.timings.json: ${Object.keys(timings).length} files`);
