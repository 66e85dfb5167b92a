// The stateful mock's store: an in-memory SQLite store that can be replaced whole (reset to the
// demo data, or loaded with a given seed) while the app keeps its one reference to a store.
import type { BackupDetail } from '../contract/types.ts';
import { SqliteBackupStore } from '../store/sqlite-store.ts';
import type { BackupStore } from '../store/store.ts';

async function filled(backups: readonly BackupDetail[]): Promise<SqliteBackupStore> {
  const store = new SqliteBackupStore(':memory:');
  await store.addBackups(backups);
  return store;
}

/** Every operation goes to the current store; `replace` puts a new one in its place. */
export class SwappableStore implements BackupStore {
  #current: SqliteBackupStore;

  private constructor(current: SqliteBackupStore) {
    this.#current = current;
  }

  static async holding(backups: readonly BackupDetail[]): Promise<SwappableStore> {
    return new SwappableStore(await filled(backups));
  }

  /** From now on the store holds exactly these backups, and no deletions. */
  async replace(backups: readonly BackupDetail[]): Promise<void> {
    const previous = this.#current;
    this.#current = await filled(backups);
    await previous.close();
  }

  deleteBackup: BackupStore['deleteBackup'] = (...args) => this.#current.deleteBackup(...args);
  getBackup: BackupStore['getBackup'] = (...args) => this.#current.getBackup(...args);
  listBackups: BackupStore['listBackups'] = (...args) => this.#current.listBackups(...args);
  addBackups: BackupStore['addBackups'] = (...args) => this.#current.addBackups(...args);
  addBackupsCounted: BackupStore['addBackupsCounted'] = (...args) => this.#current.addBackupsCounted(...args);
  isPristine: BackupStore['isPristine'] = () => this.#current.isPristine();
  auditTrail: BackupStore['auditTrail'] = (...args) => this.#current.auditTrail(...args);
  ping: BackupStore['ping'] = () => this.#current.ping();
  checkWritable: BackupStore['checkWritable'] = () => this.#current.checkWritable();
  close: BackupStore['close'] = () => this.#current.close();
}
