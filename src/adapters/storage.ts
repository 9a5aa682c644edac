/**
 * Chooses the storage backend from configuration: SQLite in DATA_DIR (the embedded default, one instance)
 * or Azure Storage (production, several instances). `Stores` lists every store the bot keeps; the SQLite
 * ones are opened here and the Azure ones in `azure/azureStores.ts`, so a new store is added to both.
 */
import type { AppConfig } from '../config/env';
import type { Logger } from '../logging/logger';
import type { ConversationReferenceStore } from '../ports/conversationReferenceStore';
import type { EscalationStore } from '../ports/escalationStore';
import type { LeaseStore } from '../ports/leases';
import type { NudgeLedger } from '../ports/nudgeLedger';
import type { NudgeQueue } from '../ports/nudgeQueue';
import type { ProgressSnapshotStore } from '../ports/progressSnapshotStore';
import type { StatusFollowUpStore } from '../ports/statusFollowUpStore';
import type { SupportCodeStore } from '../ports/supportCodeStore';
import type { TemporaryAccessPassGrantStore } from '../ports/temporaryAccessPassGrants';
import type { SendWindow } from '../ports/sendWindow';
import type { UserProgressStore } from '../ports/userProgressStore';
import { ensurePrivateDir } from './privateFiles';
import { SqliteConversationReferenceStore } from './sqlite/sqliteConversationReferenceStore';
import type { SqliteDatabase } from './sqlite/sqliteDatabase';
import { SqliteEscalationStore } from './sqlite/sqliteEscalationStore';
import { SqliteLeaseStore } from './sqlite/sqliteLeaseStore';
import { SqliteNudgeLedger } from './sqlite/sqliteNudgeLedger';
import { SqliteNudgeQueue } from './sqlite/sqliteNudgeQueue';
import { SqliteProgressSnapshotStore } from './sqlite/sqliteProgressSnapshotStore';
import { SqliteStatusFollowUpStore } from './sqlite/sqliteStatusFollowUpStore';
import { SqliteSupportCodeStore } from './sqlite/sqliteSupportCodeStore';
import { SqliteTemporaryAccessPassGrantStore } from './sqlite/sqliteTemporaryAccessPassGrantStore';
import { SqliteUserProgressStore } from './sqlite/sqliteUserProgressStore';

export interface Stores {
  kind: 'sqlite' | 'azure';
  progress: UserProgressStore;
  references: ConversationReferenceStore;
  followUps: StatusFollowUpStore;
  /** The escalation outbox: create is atomic (form rule, daily limit, unique reference); claims are compare-and-set. */
  escalations: EscalationStore;
  /** Support-code secrets (replay guard by compare-and-set) and the audit of checks. */
  supportCodes: SupportCodeStore;
  /** Who may be, or was, given a Temporary Access Pass by whom (claims are compare-and-set; never the pass). */
  temporaryAccessPasses: TemporaryAccessPassGrantStore;
  /** Nudge campaigns: the delivery ledger (insert-if-absent claims), the send queue and the planner lease. */
  nudgeLedger: NudgeLedger;
  nudgeQueue: NudgeQueue;
  leases: LeaseStore;
  /** The IT view's daily counts per group (no personal data). */
  progressDays: ProgressSnapshotStore;
  /**
   * Makes deletions final on disk (SQLite: the write-ahead log goes into the file, where deleted rows are
   * zeroed, and is truncated). Called after each retention pass and each erase; nothing to do on Azure.
   */
  flushDeleted(): void;
  /**
   * One cheap read, for the readiness check: resolves when the storage answered within `timeoutMs` (a missing
   * row is an answer), rejects otherwise.
   */
  ping(timeoutMs: number): Promise<void>;
  close(): void;
}

/**
 * Opens SQLite stores on an open database (also used by tests and the command line). `realNow` is the clock
 * for queue visibility and lease expiry (tests that move the campaign clock by days move it too).
 */
export function sqliteStores(database: SqliteDatabase, realNow: () => number = Date.now): Stores {
  return {
    kind: 'sqlite',
    progress: new SqliteUserProgressStore(database),
    references: new SqliteConversationReferenceStore(database),
    followUps: new SqliteStatusFollowUpStore(database),
    escalations: new SqliteEscalationStore(database),
    supportCodes: new SqliteSupportCodeStore(database),
    temporaryAccessPasses: new SqliteTemporaryAccessPassGrantStore(database),
    nudgeLedger: new SqliteNudgeLedger(database),
    nudgeQueue: new SqliteNudgeQueue(database, realNow),
    leases: new SqliteLeaseStore(database, realNow),
    progressDays: new SqliteProgressSnapshotStore(database),
    flushDeleted: () => database.flushDeleted(),
    // Synchronous, so it cannot outlast a timeout: it fails at once if the database is closed or unreadable.
    ping: () =>
      new Promise<void>((resolve) => {
        database.db.prepare('SELECT COUNT(*) FROM schema_migrations').get();
        resolve();
      }),
    close: () => database.close(),
  };
}

/**
 * The app's Teams send budget for this process, shared with every other process that sends for the app. SQLite:
 * a table in DATA_DIR (the bot and `npm run nudge` on this machine). Azure Storage: a table in the account (every
 * instance and the command line), its window widened by the clock margin the instances' clocks need.
 */
export function openSendWindow(config: AppConfig): SendWindow {
  if (config.storage.kind === 'sqlite') {
    const { SqliteSendWindow } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('./sqlite/sqliteSendWindow') as typeof import('./sqlite/sqliteSendWindow');
    return SqliteSendWindow.open(config.dataDir, config.teamsSendsPerSecond);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openAzureSendWindow } = require('./azure/azureStores') as typeof import('./azure/azureStores');
  return openAzureSendWindow(
    config.storage.connectionString,
    config.storage.prefix,
    config.teamsSendsPerSecond,
    { clockMarginMs: config.teamsSendClockMarginMs },
  );
}

/** The stores the configuration asks for. A storage account that cannot be reached stops the start. */
export async function openStores(config: AppConfig, log: Logger): Promise<Stores> {
  // DATA_DIR also holds the demo key and demo mails, whichever the backend: private either way.
  const dataDir = ensurePrivateDir(config.dataDir, { create: config.storage.kind === 'sqlite' });
  if (dataDir === 'tightened') {
    log.warn({ mode: '0700' }, 'DATA_DIR was readable by other accounts: its permissions were tightened');
  }
  // Each backend is loaded only when asked for (a require, not import(): this is CommonJS, and tsx runs the tests
  // the same way). SQLite is a native addon built for the machine that installed it: the App Service package runs
  // on Azure Storage and never loads it. The Azure SDKs take a third of a second to load, which SQLite users need
  // not pay.
  if (config.storage.kind === 'sqlite') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SqliteDatabase } = require('./sqlite/sqliteDatabase') as typeof import('./sqlite/sqliteDatabase');
    return sqliteStores(SqliteDatabase.open(config.dataDir));
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openAzureStores } = require('./azure/azureStores') as typeof import('./azure/azureStores');
  const stores = await openAzureStores(config.storage.connectionString, config.storage.prefix);
  log.info({ prefix: config.storage.prefix }, 'storage: Azure Storage');
  return stores;
}
