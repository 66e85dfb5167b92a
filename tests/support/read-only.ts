// Stores that take no writes, made for tests: a PostgreSQL database in read-only mode, and
// the user to run a process as so that a file of root's mode 0644 is read-only for it.
import type { PostgresCluster } from './postgres.ts';
import { withClient } from './postgres.ts';

/** Root writes any file whatever its mode: a process meant not to write one runs as nobody then. */
export const NOBODY = { uid: 65534, gid: 65534 };
export const asRoot = process.getuid?.() === 0;

/**
 * Read-only mode on or off for the database of `url` (`default_transaction_read_only`, which
 * makes it refuse writes as a hot standby does); sessions open now are ended, so every
 * session from now on has the new mode.
 */
export async function setReadOnly(cluster: PostgresCluster, url: string, on: boolean): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withClient(cluster.url(), async (client) => {
    await client.query(`ALTER DATABASE ${name} SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  });
}
