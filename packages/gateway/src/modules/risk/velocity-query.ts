import { type CompiledQuery, sql } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { VelocityKind } from './features.js';
import type { HistoryQuery, RiskDb, VelocityRow } from './risk-tables.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Per identity and window, counts stop at this many events (log-scaled features barely move past it). */
export const VELOCITY_CAP = 100;

/**
 * The velocity read: one statement for every identity of the attempt. Each
 * part reads at most VELOCITY_CAP of the identity's newest events inside the
 * day (a backward range scan of the (merchant_id, key_hash, at) index), so a
 * busy shared IP costs no more than a quiet one; counts saturate at the cap.
 * Compiled once per set of identity kinds present (at most 2^5 statements).
 */
export function velocityReader(db: RiskDb): (q: HistoryQuery, entries: Array<[VelocityKind, string]>) => Promise<VelocityRow[]> {
  const byKinds = new Map<string, ReturnType<typeof precompiled<VelocityRow>>>();
  const compile = (entries: Array<[VelocityKind, string]>) =>
    precompiled<VelocityRow>(
      () => db,
      (p) => ({
        compile: () =>
          sql
            .join(
              entries.map(
                ([kind]) => sql<VelocityRow>`select ${sql.lit(kind)} as kind, count(*) as attempts24h, coalesce(sum(declined), 0) as declines24h,
        coalesce(sum(case when at > ${p('hourAgo')} then 1 else 0 end), 0) as attempts1h,
        coalesce(sum(case when at > ${p('hourAgo')} then declined else 0 end), 0) as declines1h,
        ${kind === 'device' ? sql`count(distinct card_hash)` : sql`0`} as cards24h
        from (select declined, at, card_hash from risk_velocity_events
              where merchant_id = ${p('merchantId')} and key_hash = ${p(`key_${kind}`)} and at > ${p('dayAgo')} and at <= ${p('now')}
              order by at desc limit ${VELOCITY_CAP}) recent`,
              ),
              sql` union all `,
            )
            .compile(db) as CompiledQuery<VelocityRow>,
      }),
    );
  return (q, entries) => {
    const kinds = entries.map(([kind]) => kind).join(',');
    let run = byKinds.get(kinds);
    if (!run) byKinds.set(kinds, (run = compile(entries)));
    const values: Record<string, unknown> = { merchantId: q.merchantId, hourAgo: q.now - HOUR, dayAgo: q.now - DAY, now: q.now };
    for (const [kind, key] of entries) values[`key_${kind}`] = key;
    return run(values);
  };
}
