import os from 'node:os';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import PlannedSequencer from './vitest.sequencer.js';

// One runner for the whole workspace. Unit tests sit beside the code
// (src/**/*.test.ts); integration and browser tests live in each package's test/.
// Workspace packages resolve to their TypeScript sources (the `pdirect-source`
// export condition), so tests always exercise the current code, never dist/.
export default defineConfig({
  resolve: { conditions: ['pdirect-source'] },
  // Not `module`: vitest hands these conditions to Node (--conditions), and with it Node's own require()
  // picks a package's bundler-only ES build, e.g. @opentelemetry/api's (required by prom-client), whose
  // extension-less imports Node cannot load. Without it, packages resolve as they do in production.
  ssr: { resolve: { conditions: ['pdirect-source', ...defaultServerConditions.filter((c) => c !== 'module')] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    pool: 'forks',
    // At least two workers, also on 2 cores (vitest's default there is one): the suite waits on Chromium, child
    // processes, sockets and PostgreSQL about 40 % of the time, so two files at once fill both cores. Measured on a
    // quiet 2-core machine: one worker 593 s, two 391 s, three 376 s (two: less oversubscription for the tests with
    // real timeouts). Every file has its own databases (a temp file, a fresh PostgreSQL schema), ports and temp dirs.
    maxWorkers: Math.max(2, Math.min(4, os.availableParallelism())),
    // Each worker is reused for the files it runs: modules are imported once, not per file (the per-file fork and
    // import was ~150 s of a 665 s run). No test mocks modules; the few that stub globals or fake timers undo it
    // after each test (vi.unstubAllGlobals, vi.useRealTimers).
    isolate: false,
    // Longest files first, Chromium files one at a time (vitest.sequencer.ts, vitest.timings.json).
    sequence: { sequencer: PlannedSequencer },
    globalSetup: ['packages/gateway/test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
