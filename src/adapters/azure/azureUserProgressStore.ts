import type { TableClient } from '@azure/data-tables';
import type { StoredUserProgress, UserProgressStore } from '../../ports/userProgressStore';
import { ConcurrencyError, type Versioned } from '../../ports/versioned';
import { hasStatus, storageDeadline, type AzureStorageAccount } from './azureStorageAccount';
import { deleteIfUnchanged, deleteRow, scan } from './tableOps';

interface Entity {
  partitionKey: string;
  rowKey: string;
  value: string;
  updatedAt: string;
}

const ROW = 'progress';

/**
 * Guide progress in Azure Tables, one entity per user (partition = user id). The table's own ETag is the
 * etag: a write with a stale one is refused by the service (412), creating an existing one too (409).
 */
export class AzureUserProgressStore implements UserProgressStore {
  private constructor(private readonly table: TableClient) {}

  static async open(account: AzureStorageAccount): Promise<AzureUserProgressStore> {
    return new AzureUserProgressStore(await account.ensureTable('progress'));
  }

  async get(userId: string): Promise<Versioned<StoredUserProgress> | undefined> {
    try {
      const entity = await this.table.getEntity<Entity>(userId, ROW, { abortSignal: storageDeadline() });
      return { value: JSON.parse(entity.value) as StoredUserProgress, etag: entity.etag };
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async put(userId: string, value: StoredUserProgress, etag?: string): Promise<string> {
    const entity: Entity = {
      partitionKey: userId,
      rowKey: ROW,
      value: JSON.stringify(value),
      updatedAt: value.updatedAt,
    };
    try {
      const result =
        etag === undefined
          ? await this.table.createEntity(entity, { abortSignal: storageDeadline() })
          : await this.table.updateEntity(entity, 'Replace', { etag, abortSignal: storageDeadline() });
      return result.etag ?? '';
    } catch (error) {
      if (hasStatus(error, 409) || hasStatus(error, 412) || hasStatus(error, 404)) {
        throw new ConcurrencyError('user progress');
      }
      throw error;
    }
  }

  async purgeInactiveSince(cutoff: Date): Promise<number> {
    let deleted = 0;
    // A scan of the table: one row per pupil who ever started, once a day.
    const stale = await scan<Entity>(this.table, `updatedAt lt '${cutoff.toISOString()}'`, {
      select: ['PartitionKey', 'RowKey', 'updatedAt'],
    });
    // The etag makes sure a user who came back since the query keeps their progress.
    for (const entity of stale) if (await deleteIfUnchanged(this.table, entity)) deleted++;
    return deleted;
  }

  async heldUserIds(): Promise<Set<string>> {
    const rows = await scan<object>(this.table, undefined, { select: ['PartitionKey'] });
    return new Set(rows.map((r) => r.partitionKey));
  }

  async exportUser(userId: string): Promise<(StoredUserProgress & { userId: string })[]> {
    const found = await this.get(userId);
    return found ? [{ userId, ...found.value }] : [];
  }

  async eraseUser(userId: string): Promise<number> {
    return (await deleteRow(this.table, { partitionKey: userId, rowKey: ROW })) ? 1 : 0;
  }
}
