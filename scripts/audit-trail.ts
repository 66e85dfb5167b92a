// npm run audit-trail -- [--project ID] [--backup ID]: prints the deletion audit trail of the
// store DATABASE_URL names (the service's default SQLite file when unset), one JSON line
// per deletion, oldest first. It only reads: a store that does not exist is an error, not created.
import { parseArgs } from 'node:util';
import { ConfigError, loadDatabaseConfig } from '../server/config.ts';
import { openStore } from '../server/store/open-store.ts';

let options;
try {
  options = parseArgs({ options: { project: { type: 'string' }, backup: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
} catch (error) {
  console.error(`${(error as Error).message}\nusage: npm run audit-trail -- [--project PROJECT_ID] [--backup BACKUP_ID]`);
  process.exit(2);
}
if (options.help === true) {
  console.log('usage: npm run audit-trail -- [--project PROJECT_ID] [--backup BACKUP_ID]\nPrints who deleted which backup, when, in which request, and its last state (DATABASE_URL selects the store).');
  process.exit(0);
}

let database;
try {
  database = loadDatabaseConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`configuration error: ${error.message}`);
  process.exit(2);
}
// Read-only: a mistyped DATABASE_URL must not create an empty store and print nothing.
let store;
try {
  store = await openStore(database, { readOnly: true });
} catch (error) {
  console.error(`audit-trail: ${(error as Error).message}`);
  process.exit(1);
}
try {
  for (const record of await store.auditTrail({ projectId: options.project, backupId: options.backup })) {
    const { backup, ...deletion } = record;
    console.log(JSON.stringify({ ...deletion, backup_name: backup.name, resource_name: backup.resource_name }));
  }
} finally {
  await store.close();
}
