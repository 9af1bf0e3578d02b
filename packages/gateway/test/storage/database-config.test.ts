import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('database settings', () => {
  it('default to a 5 s SQLite busy timeout and the PostgreSQL timeouts', () => {
    expect(loadConfig({}, '/tmp').database).toEqual({
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 15_000,
      idleInTransactionTimeoutMs: 60_000,
      busyTimeoutMs: 5_000,
    });
  });

  it('read PDIRECT_SQLITE_BUSY_TIMEOUT_MS, and refuse a value out of range naming the variable', () => {
    expect(loadConfig({ PDIRECT_SQLITE_BUSY_TIMEOUT_MS: '250' }, '/tmp').database.busyTimeoutMs).toBe(250);
    expect(loadConfig({ PDIRECT_SQLITE_BUSY_TIMEOUT_MS: '0' }, '/tmp').database.busyTimeoutMs).toBe(0);
    for (const bad of ['-1', '60001', '2s']) {
      expect(() => loadConfig({ PDIRECT_SQLITE_BUSY_TIMEOUT_MS: bad }, '/tmp')).toThrow(ConfigError);
      expect(() => loadConfig({ PDIRECT_SQLITE_BUSY_TIMEOUT_MS: bad }, '/tmp')).toThrow(
        /PDIRECT_SQLITE_BUSY_TIMEOUT_MS must be a whole number from 0 to 60000/,
      );
    }
  });
});
