import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('webhook settings', () => {
  it('default to the Standard Webhooks schedule, a 15 s timeout and the worker inside serve', () => {
    expect(loadConfig({}, '/tmp').webhooks).toEqual({
      workerInServe: true,
      timeoutMs: 15_000,
      retryScheduleMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      retryJitter: 0.1,
      pollIntervalMs: 1000,
      concurrency: 16,
    });
  });

  it('read the environment', () => {
    const settings = loadConfig(
      {
        PDIRECT_WEBHOOK_WORKER: 'off',
        PDIRECT_WEBHOOK_TIMEOUT_SECONDS: '5',
        PDIRECT_WEBHOOK_RETRY_SCHEDULE: '1s, 1m,2h',
        PDIRECT_WEBHOOK_RETRY_JITTER_PERCENT: '0',
        PDIRECT_WEBHOOK_POLL_MS: '250',
        PDIRECT_WEBHOOK_CONCURRENCY: '4',
      },
      '/tmp',
    ).webhooks;
    expect(settings).toEqual({
      workerInServe: false,
      timeoutMs: 5000,
      retryScheduleMs: [1000, 60_000, 7_200_000],
      retryJitter: 0,
      pollIntervalMs: 250,
      concurrency: 4,
    });
  });

  it('fail fast naming every bad value', () => {
    let problems: string[] = [];
    try {
      loadConfig(
        {
          PDIRECT_WEBHOOK_WORKER: 'maybe',
          PDIRECT_WEBHOOK_TIMEOUT_SECONDS: '0',
          PDIRECT_WEBHOOK_RETRY_SCHEDULE: '5s,soon',
          PDIRECT_WEBHOOK_RETRY_JITTER_PERCENT: '80',
          PDIRECT_WEBHOOK_POLL_MS: '1',
          PDIRECT_WEBHOOK_CONCURRENCY: '1000',
        },
        '/tmp',
      );
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    for (const name of ['WORKER', 'TIMEOUT_SECONDS', 'RETRY_SCHEDULE', 'RETRY_JITTER_PERCENT', 'POLL_MS', 'CONCURRENCY']) {
      expect(
        problems.some((p) => p.startsWith(`PDIRECT_WEBHOOK_${name} `)),
        name,
      ).toBe(true);
    }
    expect(() => loadConfig({ PDIRECT_WEBHOOK_RETRY_SCHEDULE: '2d' }, '/tmp')).toThrow(/at most 1d/);
  });
});
