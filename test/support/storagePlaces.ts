/**
 * A storage place for contract tests: one SQLite file or one set of Azure tables, which can be opened more
 * than once, as several bot instances open the same storage. `dump` returns every stored byte, to show what
 * is (and is not) kept in the clear.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
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
  /**
   * Every table, queue and blob container of the place, found by listing them (not from a list of the stores
   * known today), with each row, visible message or blob as JSON text.
   */
  contents(): Promise<Map<string, string[]>>;
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
      Promise.resolve(
        Buffer.concat(
          fs
            .readdirSync(dir)
            .filter((f) => fs.statSync(path.join(dir, f)).isFile())
            .map((f) => fs.readFileSync(path.join(dir, f))),
        ),
      ),
    contents: () => {
      const db = new Database(path.join(dir, 'bot.sqlite'), { readonly: true });
      try {
        const found = new Map<string, string[]>();
        const tables = db
          .prepare<[], { name: string }>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
          )
          .all();
        for (const { name } of tables) {
          found.set(
            `table ${name}`,
            db
              .prepare(`SELECT * FROM "${name}"`)
              .all()
              .map((row) => JSON.stringify(row)),
          );
        }
        return Promise.resolve(found);
      } finally {
        db.close();
      }
    },
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
    async contents() {
      const found = new Map<string, string[]>();
      const a = account();
      for (const name of await a.tables()) {
        const rows: string[] = [];
        for await (const row of a.table(name.slice(prefix.length)).listEntities())
          rows.push(JSON.stringify(row));
        found.set(`table ${name.slice(prefix.length)}`, rows);
      }
      const lower = `${prefix.toLowerCase()}-`;
      const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
      for await (const queue of queues.listQueues({ prefix: lower })) {
        // Peek sees the first 32 visible messages: plenty for a test's few.
        const peeked = await queues.getQueueClient(queue.name).peekMessages({ numberOfMessages: 32 });
        found.set(
          `queue ${queue.name.slice(lower.length)}`,
          peeked.peekedMessageItems.map((m) => m.messageText),
        );
      }
      const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
      for await (const container of blobs.listContainers({ prefix: lower })) {
        const client = blobs.getContainerClient(container.name);
        const items: string[] = [];
        for await (const blob of client.listBlobsFlat()) {
          const body = await client.getBlobClient(blob.name).downloadToBuffer();
          items.push(JSON.stringify({ name: blob.name, body: body.toString('utf8') }));
        }
        found.set(`container ${container.name.slice(lower.length)}`, items);
      }
      return found;
    },
    close: () => Promise.resolve(),
  });
}
