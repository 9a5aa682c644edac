/**
 * A storage place for contract tests: one SQLite file or one set of Azure tables, which can be opened more
 * than once, as several bot instances open the same storage. `dump` returns every stored byte, to show what
 * is (and is not) kept in the clear.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AzureStorageAccount, parseStorageConnection } from '../../src/adapters/azure/azureStorageAccount';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { sqliteStores, type Stores } from '../../src/adapters/storage';
import { azureStores } from '../../src/adapters/azure/azureStores';
import type { Azurite } from './azurite';
import { tempDataDir } from './botProcess';

export interface StoragePlace {
  /** Opens the stores on this place, as one more instance would. */
  open(): Promise<Stores>;
  /** Everything stored so far, as raw bytes. */
  dump(): Promise<Buffer>;
  /** Closes every opening and removes the place. */
  close(): Promise<void>;
}

export type NewPlace = () => Promise<StoragePlace>;

/** A temporary DATA_DIR; each opening is its own connection to the one database file. */
export function sqlitePlace(): Promise<StoragePlace> {
  const dir = tempDataDir('mfa-buddy-stores-');
  const opened: Stores[] = [];
  return Promise.resolve({
    open: () => {
      const stores = sqliteStores(SqliteDatabase.open(dir));
      opened.push(stores);
      return Promise.resolve(stores);
    },
    dump: () =>
      Promise.resolve(Buffer.concat(fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f))))),
    close: () => {
      for (const stores of opened) stores.close();
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}

/** Tables with a fresh prefix on `azurite`, so tests cannot see each other's rows. */
export function azurePlace(azurite: Azurite): Promise<StoragePlace> {
  const prefix = `t${crypto.randomBytes(5).toString('hex')}`;
  const account = () => new AzureStorageAccount(parseStorageConnection(azurite.connectionString), prefix);
  return Promise.resolve({
    open: () => azureStores(account()),
    async dump() {
      const rows: unknown[] = [];
      const a = account();
      for (const name of await a.tables()) {
        for await (const row of a.table(name.slice(prefix.length)).listEntities()) rows.push(row);
      }
      return Buffer.from(JSON.stringify(rows));
    },
    close: () => Promise.resolve(),
  });
}
