import type { Kysely } from 'kysely';

// The rule attributes an assessment was evaluated on (JSON object: amount,
// currency, ip_country, velocity counts, risk_score, …), kept with the
// assessment so a rule being written can be dry-run over the merchant's
// recent payments exactly as it would have been evaluated. Assessments
// stored before this migration have none (the dry run counts them apart).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('risk_assessments').addColumn('attributes', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('risk_assessments').dropColumn('attributes').execute();
}
