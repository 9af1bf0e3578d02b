import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';
import * as m0001 from './0001_core.js';
import * as m0002 from './0002_idempotency.js';
import * as m0003 from './0003_checkout.js';
import * as m0004 from './0004_webhooks.js';
import * as m0005 from './0005_otp.js';
import * as m0006 from './0006_network_neutral.js';
import * as m0007 from './0007_audit_chain.js';
import * as m0008 from './0008_edge.js';
import * as m0009 from './0009_webhook_endpoints.js';
import * as m0010 from './0010_risk.js';
import * as m0011 from './0011_dashboard.js';
import * as m0013 from './0013_card_defence.js';
import * as m0014 from './0014_attempt_lease.js';
import * as m0015 from './0015_network_fidelity.js';
import * as m0016 from './0016_capture.js';
import * as m0017 from './0017_checkout_ux.js';
import * as m0019 from './0019_risk_attributes.js';

interface DialectMigration {
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
  down?(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** Numbered migrations, applied in name order; the same files run on SQLite and PostgreSQL. */
const ALL: Record<string, DialectMigration> = {
  '0001_core': m0001,
  '0002_idempotency': m0002,
  '0003_checkout': m0003,
  '0004_webhooks': m0004,
  '0005_otp': m0005,
  '0006_network_neutral': m0006,
  '0007_audit_chain': m0007,
  '0008_edge': m0008,
  '0009_webhook_endpoints': m0009,
  '0010_risk': m0010,
  '0011_dashboard': m0011,
  '0013_card_defence': m0013,
  '0014_attempt_lease': m0014,
  '0015_network_fidelity': m0015,
  '0016_capture': m0016,
  '0017_checkout_ux': m0017,
  '0019_risk_attributes': m0019,
};

export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(ALL).map(([name, m]) => [
      name,
      { up: (db: Kysely<any>) => m.up(db, dialect), down: m.down ? (db: Kysely<any>) => m.down!(db, dialect) : undefined },
    ]),
  );
}
