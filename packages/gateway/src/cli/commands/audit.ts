import { ApiError } from '../../errors.js';
import { auditRecordView } from '../../modules/audit/audit-repository.js';
import { withServices } from './context.js';
import { printResult } from '../output.js';

/** `pdirect audit --request-id req_...`: what support runs with the id a merchant quotes. */
export async function auditCommand(options: { requestId?: string; json?: boolean }): Promise<void> {
  if (options.requestId === undefined) throw new ApiError('1010', 'request-id: required (or use pdirect audit verify / pdirect audit export)');
  if (!/^req_[a-z2-7]{24}$/.test(options.requestId)) throw new ApiError('1010', 'request-id: looks like req_ followed by 24 characters');
  await withServices(async ({ auditRepository }) => {
    const records = await auditRepository.findByRequestId(options.requestId!);
    if (records.length === 0) throw new ApiError('1011', `no audit record for ${options.requestId}`);
    for (const record of records) {
      printResult(auditRecordView(record), Boolean(options.json));
    }
  });
}
