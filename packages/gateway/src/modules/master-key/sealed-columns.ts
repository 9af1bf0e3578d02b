/**
 * Every column that holds a value sealed under a key derived from the master
 * key, with what is needed to open it: master-key rotation walks this list.
 * A new sealed column must be added here (the rotation test then proves it
 * still opens after the old master-key version is dropped).
 *
 * The associated data strings repeat the ones the owning modules seal with;
 * a mismatch would make the value fail authentication, which the rotation
 * reports (it never overwrites what it cannot open).
 */
export interface SealedColumn {
  /** For people: what the values are. */
  label: string;
  table: string;
  column: string;
  /** Primary-key columns (the batch cursor, and the compare-and-set). */
  key: readonly string[];
  /** `keyring`: pdk1 AES-256-GCM tokens (personal data); `fernet`: webhook secrets. */
  kind: 'keyring' | 'fernet';
  /** Further columns the associated data is built from. */
  extra?: readonly string[];
  /** The GCM associated data of a row (keyring only). */
  aad?(row: Record<string, unknown>): string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  // modules/sessions/mint-session.ts (sealed) and session-views.ts (opened): the session id as associated data.
  { label: 'session customer contact', table: 'checkout_sessions', column: 'customer_enc', key: ['id'], kind: 'keyring', aad: (r) => String(r.id) },
  { label: 'session metadata', table: 'checkout_sessions', column: 'metadata_enc', key: ['id'], kind: 'keyring', aad: (r) => String(r.id) },
  // modules/idempotency/idempotency-service.ts: `idempotency.<column>:` + JSON [scope, key].
  {
    label: 'idempotency request fingerprint',
    table: 'idempotency_keys',
    column: 'request_fingerprint',
    key: ['scope', 'idempotency_key'],
    kind: 'keyring',
    aad: (r) => `idempotency.request:${JSON.stringify([r.scope, r.idempotency_key])}`,
  },
  {
    label: 'idempotency stored response',
    table: 'idempotency_keys',
    column: 'response',
    key: ['scope', 'idempotency_key'],
    kind: 'keyring',
    aad: (r) => `idempotency.response:${JSON.stringify([r.scope, r.idempotency_key])}`,
  },
  // modules/otp/providers/outbox.ts: `otp_outbox:<session id>`.
  {
    label: 'sandbox OTP outbox',
    table: 'otp_outbox',
    column: 'sealed',
    key: ['id'],
    kind: 'keyring',
    extra: ['session_id'],
    aad: (r) => `otp_outbox:${String(r.session_id)}`,
  },
  // modules/webhooks: Fernet tokens (no key id inside: each is tried newest key first).
  { label: 'webhook signing secrets', table: 'webhook_secrets', column: 'ciphertext', key: ['id'], kind: 'fernet' },
];
