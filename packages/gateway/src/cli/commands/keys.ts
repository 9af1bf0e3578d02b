import { parseDuration } from '../../duration.js';
import { ApiError } from '../../errors.js';
import { withServices } from './context.js';
import { note, out, printResult } from '../output.js';

export async function keyCreateCommand(options: { merchant: string; ip?: string[]; json?: boolean }): Promise<void> {
  await withServices(async ({ merchants, keyService }) => {
    await merchants.get(options.merchant);
    const issued = await keyService.issue(options.merchant, options.ip ?? []);
    printResult(
      { merchant_id: options.merchant, key_id: issued.keyId, ip_allowlist: issued.ipAllowlist, merchant_secret: issued.merchantSecret.reveal() },
      Boolean(options.json),
    );
    if (!options.json)
      note('\nmerchant_secret is shown only now. Once it is deployed, retire the old key: pdirect key revoke --key OLD_KEY_ID --expires-in 24h');
  });
}

export async function keyRevokeCommand(options: { key: string; expiresIn?: string; json?: boolean }): Promise<void> {
  let expiresInMs: number | undefined;
  if (options.expiresIn !== undefined) {
    expiresInMs = parseDuration(options.expiresIn);
    if (expiresInMs === undefined) throw new ApiError('1010', 'expires-in: a duration such as 30m, 24h or 7d');
  }
  await withServices(async ({ keyService }) => {
    printResult({ ...(await keyService.revoke(options.key, expiresInMs)) }, Boolean(options.json));
  });
}

export async function keyListCommand(options: { merchant: string; json?: boolean }): Promise<void> {
  await withServices(async ({ merchants, keyService }) => {
    await merchants.get(options.merchant);
    const keys = await keyService.list(options.merchant);
    if (options.json) printResult({ merchant_id: options.merchant, keys }, true);
    else
      for (const k of keys)
        out(
          `${k.key_id}  ${k.active ? 'active ' : 'retired'}  created ${k.created_at}${k.expires_at ? `  expires ${k.expires_at}` : ''}${k.rotation_due ? '  ROTATION DUE' : ''}  ip ${k.ip_allowlist.join(',') || 'any'}\n`,
        );
  });
}
