import { describe, expect, it } from 'vitest';
import { unavailableReason } from './database.js';

/** What the database drivers throw, by code, and how the gateway classes it (503 1901 vs a bug). */
const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('unavailableReason', () => {
  it('classes a full disk on either database', () => {
    expect(unavailableReason(coded('SQLITE_FULL'))).toBe('disk_full');
    expect(unavailableReason(coded('ENOSPC'))).toBe('disk_full');
    expect(unavailableReason(coded('53100', 'could not extend file "pg_tblspc/16384/PG_16_1/16385/16390": No space left on device'))).toBe('disk_full');
  });

  it('classes unreachable, timed-out and busy databases, also as the cause of another error', () => {
    expect(unavailableReason(coded('57P01', 'terminating connection due to administrator command'))).toBe('database_unreachable');
    expect(unavailableReason(coded('ECONNREFUSED'))).toBe('database_unreachable');
    expect(unavailableReason(coded('57014', 'canceling statement due to statement timeout'))).toBe('database_timeout');
    expect(unavailableReason(coded('SQLITE_BUSY'))).toBe('database_busy');
    expect(unavailableReason(new Error('wrapped', { cause: coded('53100') }))).toBe('disk_full');
    expect(unavailableReason(new AggregateError([new Error('a'), coded('ECONNRESET')]))).toBe('database_unreachable');
  });

  it('leaves everything else to be a 500 (a bug, not a passing condition)', () => {
    expect(unavailableReason(coded('23505', 'duplicate key value violates unique constraint'))).toBeUndefined();
    expect(unavailableReason(coded('42P01', 'relation does not exist'))).toBeUndefined();
    expect(unavailableReason(new TypeError('x is undefined'))).toBeUndefined();
  });
});
