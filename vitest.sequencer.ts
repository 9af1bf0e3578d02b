import fs from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each test file took alone (one worker, quiet 2-CPU machine); `npm run test:timings` rewrites it from a run. */
const TIMINGS_FILE = path.join(import.meta.dirname, 'vitest.timings.json');
const CHROMIUM = /chromium\.launch\(/;

/**
 * The order files are handed to the workers. Two things made a clean clone's
 * run slow (no cached durations, so vitest went by file size): the files that
 * drive Chromium ran at the same time and slowed each other down (two at once
 * each took 1.5–2× as long), and the fault campaign's smoke test, small but a
 * minute long, came last and ran alone. So the order is planned on the
 * recorded durations (file size where none is recorded): the longest first,
 * and a Chromium file only when no other is running in the plan. The workers
 * still take the next file whenever they are free; the plan only decides
 * which file is next.
 */
export default class PlannedSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    if (sorted.length < 3) return sorted;
    const root = this.ctx.config.root;
    const recorded = readTimings();
    const sizes = new Map(sorted.map((f) => [f.moduleId, fs.statSync(f.moduleId).size]));
    // Seconds per byte of the files with a recorded time: the estimate for the others.
    let knownBytes = 0;
    let knownSeconds = 0;
    for (const f of sorted) {
      const s = recorded[path.relative(root, f.moduleId)];
      if (s !== undefined) ((knownBytes += sizes.get(f.moduleId)!), (knownSeconds += s));
    }
    const perByte = knownBytes > 0 ? knownSeconds / knownBytes : 1e-4;
    const estimate = (f: TestSpecification) => recorded[path.relative(root, f.moduleId)] ?? sizes.get(f.moduleId)! * perByte;
    const longestFirst = (a: TestSpecification, b: TestSpecification) => estimate(b) - estimate(a);
    const isBrowser = new Set(sorted.filter((f) => CHROMIUM.test(fs.readFileSync(f.moduleId, 'utf8'))));
    const browsers = sorted.filter((f) => isBrowser.has(f)).sort(longestFirst);
    const others = sorted.filter((f) => !isBrowser.has(f)).sort(longestFirst);

    const workers = Array.from({ length: Math.max(1, Number(this.ctx.config.maxWorkers) || 1) }, () => 0);
    let browserUntil = 0;
    const order: TestSpecification[] = [];
    while (browsers.length + others.length > 0) {
      const w = workers.indexOf(Math.min(...workers));
      const at = workers[w]!;
      const next = (browsers.length > 0 && at >= browserUntil) || others.length === 0 ? browsers.shift()! : others.shift()!;
      workers[w] = at + estimate(next);
      if (isBrowser.has(next)) browserUntil = workers[w]!;
      order.push(next);
    }
    return order;
  }
}

function readTimings(): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(TIMINGS_FILE, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}
