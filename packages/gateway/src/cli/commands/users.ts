import { withServices } from './context.js';
import { note, printResult } from '../output.js';

/** `pdirect user create`: a dashboard user and the one-time link (24 h) where they set a password and enrol TOTP. */
export async function userCreateCommand(options: { merchant: string; email: string; role: string; json?: boolean }): Promise<void> {
  await withServices(async ({ merchants, users }) => {
    await merchants.get(options.merchant);
    const created = await users.create({ merchantId: options.merchant, email: options.email, role: options.role });
    printResult(
      {
        user_id: created.user.id,
        merchant_id: created.user.merchant_id,
        email: created.user.email,
        role: created.user.role,
        setup_url: created.setupUrl,
        expires_at: new Date(created.expiresAt).toISOString(),
      },
      Boolean(options.json),
    );
    if (!options.json)
      note('\nsetup_url works once, for 24 hours: send it to the user over a channel you trust. It sets the password and the authenticator app.');
  });
}
