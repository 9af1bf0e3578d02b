import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { parseDuration } from '../../duration.js';
import { ApiError } from '../../errors.js';
import { auditRecordView, toRecord, type StoredAuditRecord } from '../../modules/audit/audit-repository.js';
import { verifyAuditChain } from '../../modules/audit/verify.js';
import { cliIo, note, printResult, setExitCode } from '../output.js';
import { withServices } from './context.js';

/**
 * `pdirect audit verify`: walks the tamper-evident chain and names the first
 * broken link. Exit 0 when it holds, 3 when it does not (scripts and
 * monitoring can tell "tampered" from "could not run").
 */
export async function auditVerifyCommand(options: { json?: boolean }): Promise<void> {
  await withServices(async ({ auditRepository, keys }) => {
    const report = await verifyAuditChain(auditRepository, keys.auditChain, {
      onProgress: options.json ? undefined : (checked, total) => note(`checked ${checked} of ${total} records`),
    });
    printResult(
      {
        ok: report.ok,
        records: report.records,
        head_seq: report.head.seq,
        unverifiable: report.unverifiable,
        missing_key_versions: report.missingKeyVersions,
        first_break: report.firstBreak
          ? { seq: report.firstBreak.seq, row_id: report.firstBreak.id, request_id: report.firstBreak.requestId, reason: report.firstBreak.reason }
          : null,
      },
      Boolean(options.json),
    );
    if (report.unverifiable > 0) {
      note(
        `${report.unverifiable} records were chained under master-key version(s) ${report.missingKeyVersions.map((v) => `v${v}`).join(', ')}, no longer configured: linked but not authenticated`,
      );
    }
    if (!report.ok) {
      note(`audit chain BROKEN at record #${report.firstBreak!.seq}: ${report.firstBreak!.reason}`);
      setExitCode(3);
    }
  });
}

/** `--since`: an ISO-8601 time, or a duration back from now ("24h", "7d"). */
export function parseSince(text: string, now: number): number {
  const back = parseDuration(text);
  if (back !== undefined) return now - back;
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) throw new ApiError('1010', 'since: give an ISO-8601 time (2026-11-30T00:00:00Z) or a duration back from now (24h, 7d)');
  return at;
}

export function exportLine(row: StoredAuditRecord): string {
  return JSON.stringify({
    ...auditRecordView(toRecord(row)),
    chain_seq: row.chain_seq === null ? null : Number(row.chain_seq),
    chain_hash: row.chain_hash,
    chain_key_version: row.chain_key_version,
  });
}

/**
 * `pdirect audit export --since 24h [--output FILE]`: one JSON object per
 * line (JSON Lines) for a SIEM, in write order, read in pages so any size
 * streams. A file is created 0600: the records name merchants and IPs.
 */
export async function auditExportCommand(options: { since: string; output?: string }): Promise<void> {
  await withServices(async ({ auditRepository, clock }) => {
    const since = parseSince(options.since, clock.now());
    const out: Writable = options.output ? fs.createWriteStream(options.output, { flags: 'w', mode: 0o600 }) : (cliIo().stdout as unknown as Writable);
    let afterId = 0;
    let written = 0;
    for (;;) {
      const page = await auditRepository.pageSince(since, afterId, 1000);
      if (page.length === 0) break;
      const text = `${page.map(exportLine).join('\n')}\n`;
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      written += page.length;
      afterId = Number(page[page.length - 1]!.id);
    }
    if (options.output) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    note(`exported ${written} audit records since ${new Date(since).toISOString()}`);
  });
}
