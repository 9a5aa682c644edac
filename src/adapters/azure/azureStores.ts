/** The Azure Storage backend's stores, opened together (see ../storage.ts for the choice of backend). */
import type { TableClient } from '@azure/data-tables';
import { ConfigError } from '../../config/env';
import type { SendWindow } from '../../ports/sendWindow';
import type { Stores } from '../storage';
import { AzureConversationReferenceStore } from './azureConversationReferenceStore';
import { AzureEscalationStore } from './azureEscalationStore';
import { AzureLeaseStore } from './azureLeaseStore';
import { AzureNudgeLedger } from './azureNudgeLedger';
import { AzureNudgeQueue } from './azureNudgeQueue';
import { AzureProgressSnapshotStore } from './azureProgressSnapshotStore';
import { AzureSendWindow, type AzureSendWindowOptions } from './azureSendWindow';
import { AzureStatusFollowUpStore } from './azureStatusFollowUpStore';
import {
  AzureStorageAccount,
  hasStatus,
  parseStorageConnection,
  storageDeadline,
} from './azureStorageAccount';
import { AzureSupportCodeStore } from './azureSupportCodeStore';
import { AzureTemporaryAccessPassGrantStore } from './azureTemporaryAccessPassGrantStore';
import { AzureUserProgressStore } from './azureUserProgressStore';

/** Opens Azure stores in `account`, creating their tables if needed. */
export async function azureStores(account: AzureStorageAccount): Promise<Stores> {
  const [
    progress,
    references,
    followUps,
    escalations,
    supportCodes,
    nudgeLedger,
    nudgeQueue,
    leases,
    temporaryAccessPasses,
    progressDays,
  ] = await Promise.all([
    AzureUserProgressStore.open(account),
    AzureConversationReferenceStore.open(account),
    AzureStatusFollowUpStore.open(account),
    AzureEscalationStore.open(account),
    AzureSupportCodeStore.open(account),
    AzureNudgeLedger.open(account),
    AzureNudgeQueue.open(account),
    AzureLeaseStore.open(account),
    AzureTemporaryAccessPassGrantStore.open(account),
    AzureProgressSnapshotStore.open(account),
  ]);
  const probe = account.table('progress');
  return {
    kind: 'azure',
    progress,
    references,
    followUps,
    escalations,
    supportCodes,
    temporaryAccessPasses,
    nudgeLedger,
    nudgeQueue,
    leases,
    progressDays,
    flushDeleted: () => undefined,
    ping: (timeoutMs) => pingTable(probe, timeoutMs),
    close: () => undefined,
  };
}

/** Reads a row that never exists (no user id is `readiness`): the 404 proves the table service answered. */
async function pingTable(table: TableClient, timeoutMs: number): Promise<void> {
  try {
    await table.getEntity('readiness', 'probe', { abortSignal: storageDeadline(timeoutMs) });
  } catch (error) {
    if (!hasStatus(error, 404)) throw error;
  }
}

/** The account AZURE_STORAGE_CONNECTION_STRING names; a malformed setting is a ConfigError. */
function accountOf(connectionString: string, prefix: string): AzureStorageAccount {
  try {
    return new AzureStorageAccount(parseStorageConnection(connectionString), prefix);
  } catch (error) {
    throw new ConfigError([`AZURE_STORAGE_CONNECTION_STRING: ${(error as Error).message}`]);
  }
}

/** The stores in the account AZURE_STORAGE_CONNECTION_STRING names. */
export async function openAzureStores(connectionString: string, prefix: string): Promise<Stores> {
  return azureStores(accountOf(connectionString, prefix));
}

/** The app's Teams send budget in that account, shared by every instance (its table is created on first use). */
export function openAzureSendWindow(
  connectionString: string,
  prefix: string,
  limit: number,
  options: AzureSendWindowOptions,
): SendWindow {
  return AzureSendWindow.open(accountOf(connectionString, prefix), limit, options);
}
