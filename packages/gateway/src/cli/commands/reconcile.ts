import { ApiError } from '../../errors.js';
import { withServices } from './context.js';
import { out, printResult } from '../output.js';

/**
 * `pdirect reconcile`: one reconciliation pass now, for an operator. Asks
 * the card network about every payment left pending or stranded (and every
 * pending refund), settles what it learns, and prints each one: settled
 * (succeeded/failed), still waiting (with why), or not reachable. Payments
 * a live process is working on are left alone.
 */
export async function reconcileCommand(options: { limit?: string; json?: boolean }): Promise<void> {
  const limit = options.limit === undefined ? 50 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new ApiError('1010', 'limit: a whole number from 1 to 10000');
  await withServices(async ({ network, payments }) => {
    if (!network) throw new ApiError('1900', 'no card network is configured (PDIRECT_MPGS_BASE_URL …): nothing can be reconciled');
    const entries = await payments.reconcile(limit);
    const count = (result: string) => entries.filter((e) => e.result === result).length;
    const summary = { succeeded: count('succeeded'), failed: count('failed'), waiting: count('waiting'), error: count('error') };
    if (options.json) {
      printResult({ ...summary, entries }, true);
      return;
    }
    printResult(summary, false);
    for (const e of entries) out(`${e.kind.padEnd(7)}  ${e.id}  ${e.result.padEnd(9)}  ${e.detail}\n`);
  });
}
