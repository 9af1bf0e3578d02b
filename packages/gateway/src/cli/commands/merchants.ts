import { withServices } from './context.js';
import { note, printResult } from '../output.js';
import { securityCodeDecline as securityCodeDeclineOf } from '../../modules/merchants/merchant-service.js';

export async function merchantCreateCommand(options: {
  name: string;
  redirectHost?: string[];
  fingerprintMode?: string;
  ip?: string[];
  json?: boolean;
}): Promise<void> {
  await withServices(async ({ merchants }) => {
    const created = await merchants.create({
      name: options.name,
      redirectHosts: options.redirectHost ?? [],
      fingerprintMode: options.fingerprintMode,
      ipAllowlist: options.ip ?? [],
    });
    printResult(
      {
        merchant_id: created.merchant.id,
        name: created.merchant.name,
        mode: created.merchant.mode,
        redirect_hosts: created.merchant.redirectHosts,
        fingerprint_mode: created.merchant.fingerprintMode ?? 'default',
        key_id: created.keyId,
        merchant_secret: created.merchantSecret.reveal(),
        webhook_secret: created.webhookSecret.reveal(),
      },
      Boolean(options.json),
    );
    if (!options.json) note('\nmerchant_secret and webhook_secret are shown only now: store them in your secret manager.');
    if (created.merchant.redirectHosts.length === 0)
      note('No redirect hosts yet: every session will be refused (1201) until you add one with `pdirect merchant update --redirect-host`.');
  });
}

export async function merchantUpdateCommand(options: {
  merchant: string;
  redirectHost?: string[];
  clearRedirectHosts?: boolean;
  fingerprintMode?: string;
  securityCodeDecline?: string;
  json?: boolean;
}): Promise<void> {
  await withServices(async ({ merchants }) => {
    const redirectHosts = options.clearRedirectHosts ? [] : options.redirectHost;
    const fingerprintMode = options.fingerprintMode === 'default' ? null : options.fingerprintMode;
    const decline = options.securityCodeDecline?.trim();
    const securityCodeDecline =
      decline === undefined ? undefined : decline === 'default' ? null : decline === 'none' || decline === '' ? [] : decline.split(',').map((r) => r.trim());
    const merchant = await merchants.update(options.merchant, { redirectHosts, fingerprintMode, securityCodeDecline });
    printResult(
      {
        merchant_id: merchant.id,
        name: merchant.name,
        redirect_hosts: merchant.redirectHosts,
        fingerprint_mode: merchant.fingerprintMode ?? 'default',
        security_code_decline: securityCodeDeclineOf(merchant),
      },
      Boolean(options.json),
    );
  });
}
