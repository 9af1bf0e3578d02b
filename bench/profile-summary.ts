// Summarises --cpu-prof profiles (BENCH_CPU_PROF=dir npm run bench, or any
// node --cpu-prof run): where the CPU went, by component and by function,
// as a share of the time the process was not idle.
//   npx tsx bench/profile-summary.ts dir-or-file.cpuprofile [...]
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

const COMPONENTS: Array<[string, RegExp]> = [
  ['Kysely (query building, compiling)', /node_modules\/kysely\//],
  ['better-sqlite3', /node_modules\/better-sqlite3\//],
  ['pg (PostgreSQL client)', /node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//],
  ['undici', /node_modules\/undici\/|node:internal\/deps\/undici/],
  ['fastify / avvio / find-my-way', /node_modules\/(fastify|avvio|find-my-way|light-my-request|@fastify)\//],
  ['ajv / TypeBox (validation)', /node_modules\/(ajv|@sinclair|fast-json-stringify|fast-uri)\//],
  ['pino (logging)', /node_modules\/(pino|sonic-boom|thread-stream)/],
  ['web streams', /node:internal\/webstreams/],
  ['node http / net / streams', /node:(internal\/)?(http|_http|net|stream|internal\/streams|internal\/http)/],
  ['node crypto', /node:(internal\/)?crypto/],
  ['gateway: storage', /packages\/gateway\/src\/storage\//],
  ['gateway: webhooks', /packages\/gateway\/src\/modules\/webhooks\//],
  ['gateway: other modules', /packages\/gateway\/src\//],
  ['simulator', /packages\/mpgs-simulator\//],
  ['tsx / esbuild (loader)', /node_modules\/(tsx|esbuild)\//],
  ['other node_modules', /node_modules\//],
  ['node internals', /^node:/],
];

function component(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(program)') return '(program: native, not attributed)';
  for (const [name, re] of COMPONENTS) if (re.test(url)) return name;
  if (!url) return `native: ${functionName || '(anonymous)'}`;
  return 'other';
}

function summarise(file: string): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<number, number>();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const byComponent = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, n] of counts) {
    const node = byId.get(id)!;
    const c = component(node);
    byComponent.set(c, (byComponent.get(c) ?? 0) + n);
    if (c === '(idle)') continue;
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  }
  const idle = byComponent.get('(idle)') ?? 0;
  const busy = total - idle;
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  console.log(`\n### ${path.basename(file)}: ${seconds.toFixed(1)} s, busy ${((100 * busy) / total).toFixed(0)} % of it\n`);
  console.log('| component | share of busy CPU |');
  console.log('|---|---:|');
  for (const [c, n] of [...byComponent]
    .filter(([c]) => c !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 16))
    console.log(`| ${c} | ${((100 * n) / busy).toFixed(1)} % |`);
  console.log('\n| top functions (self time) | share |');
  console.log('|---|---:|');
  for (const [f, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`| \`${f}\` | ${((100 * n) / busy).toFixed(1)} % |`);
}

for (const arg of process.argv.slice(2)) {
  const files = fs.statSync(arg).isDirectory()
    ? fs
        .readdirSync(arg)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(arg, f))
    : [arg];
  for (const f of files.sort()) summarise(f);
}
