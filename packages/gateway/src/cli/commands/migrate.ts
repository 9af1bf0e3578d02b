import { loadConfig } from '../../config.js';
import { openStorage } from '../../storage/database.js';
import { migrateToLatest } from '../../storage/migrate.js';
import { cliEnv, printResult } from '../output.js';

export async function migrateCommand(options: { json?: boolean }): Promise<void> {
  const config = loadConfig(cliEnv());
  const storage = openStorage(config.databaseUrl, { live: config.mode === 'live' });
  try {
    const report = await migrateToLatest(storage);
    printResult({ database: storage.dialect, applied: report.applied }, Boolean(options.json));
  } finally {
    await storage.close();
  }
}
