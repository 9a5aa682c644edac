/**
 * Chooses the storage backend from configuration: SQLite in DATA_DIR (the embedded default, one instance)
 * or Azure Storage (production, several instances). Every store the bot keeps is opened here, so a new
 * store is added to both backends in one place.
 */
import type { AppConfig } from '../config/env';
import { ConfigError } from '../config/env';
import type { Logger } from '../logging/logger';
import type { ConversationReferenceStore } from '../ports/conversationReferenceStore';
import type { StatusFollowUpStore } from '../ports/statusFollowUpStore';
import type { UserProgressStore } from '../ports/userProgressStore';
import { AzureConversationReferenceStore } from './azure/azureConversationReferenceStore';
import { AzureStatusFollowUpStore } from './azure/azureStatusFollowUpStore';
import { AzureStorageAccount, parseStorageConnection } from './azure/azureStorageAccount';
import { AzureUserProgressStore } from './azure/azureUserProgressStore';
import { SqliteConversationReferenceStore } from './sqlite/sqliteConversationReferenceStore';
import { SqliteDatabase } from './sqlite/sqliteDatabase';
import { SqliteStatusFollowUpStore } from './sqlite/sqliteStatusFollowUpStore';
import { SqliteUserProgressStore } from './sqlite/sqliteUserProgressStore';

export interface Stores {
  kind: 'sqlite' | 'azure';
  progress: UserProgressStore;
  references: ConversationReferenceStore;
  followUps: StatusFollowUpStore;
  /**
   * The SQLite database behind these stores, when that is the backend. Escalations (the mail outbox) and
   * support codes have only an SQLite adapter so far and are opened on it (see localDatabase in app.ts).
   */
  sqlite?: SqliteDatabase;
  close(): void;
}

/** Opens SQLite stores on an open database (also used by tests and the command line). */
export function sqliteStores(database: SqliteDatabase): Stores {
  return {
    kind: 'sqlite',
    progress: new SqliteUserProgressStore(database),
    references: new SqliteConversationReferenceStore(database),
    followUps: new SqliteStatusFollowUpStore(database),
    sqlite: database,
    close: () => database.close(),
  };
}

/** Opens Azure stores in `account`, creating their tables if needed. */
export async function azureStores(account: AzureStorageAccount): Promise<Stores> {
  const [progress, references, followUps] = await Promise.all([
    AzureUserProgressStore.open(account),
    AzureConversationReferenceStore.open(account),
    AzureStatusFollowUpStore.open(account),
  ]);
  return { kind: 'azure', progress, references, followUps, close: () => undefined };
}

/** The stores the configuration asks for. A storage account that cannot be reached stops the start. */
export async function openStores(config: AppConfig, log: Logger): Promise<Stores> {
  if (config.storage.kind === 'sqlite') {
    return sqliteStores(SqliteDatabase.open(config.dataDir));
  }
  let account: AzureStorageAccount;
  try {
    account = new AzureStorageAccount(
      parseStorageConnection(config.storage.connectionString),
      config.storage.prefix,
    );
  } catch (error) {
    throw new ConfigError([`AZURE_STORAGE_CONNECTION_STRING: ${(error as Error).message}`]);
  }
  const stores = await azureStores(account);
  log.info({ prefix: config.storage.prefix }, 'storage: Azure Storage');
  return stores;
}
