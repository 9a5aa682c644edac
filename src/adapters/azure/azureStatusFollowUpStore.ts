import { odata, type TableClient } from '@azure/data-tables';
import type { StatusFollowUp, StatusFollowUpStore } from '../../ports/statusFollowUpStore';
import { hasStatus, storageDeadline, type AzureStorageAccount } from './azureStorageAccount';
import { deleteRow, deleteWhere, readRow, scan } from './tableOps';

interface Entity {
  partitionKey: string;
  rowKey: string;
  kind: 'status' | 'done';
  requestedAt: string;
}

/** All follow-ups share one partition: there are few at a time, and `list` reads them all. */
const PARTITION = 'followups';
const MAX_ATTEMPTS = 5;

/** Follow-ups owed, one per user, in Azure Tables. Ids and times only. */
export class AzureStatusFollowUpStore implements StatusFollowUpStore {
  private constructor(private readonly table: TableClient) {}

  static async open(account: AzureStorageAccount): Promise<AzureStatusFollowUpStore> {
    return new AzureStatusFollowUpStore(await account.ensureTable('followups'));
  }

  async add(followUp: StatusFollowUp): Promise<void> {
    // Read-modify-write with the etag, so a 'done' owed is never downgraded by a racing 'status'.
    for (let attempt = 1; ; attempt++) {
      let existing: (Entity & { etag: string }) | undefined;
      try {
        existing = await this.table.getEntity<Entity>(PARTITION, followUp.userId, {
          abortSignal: storageDeadline(),
        });
      } catch (error) {
        if (!hasStatus(error, 404)) throw error;
      }
      const entity: Entity = {
        partitionKey: PARTITION,
        rowKey: followUp.userId,
        kind: existing?.kind === 'done' ? 'done' : followUp.kind,
        requestedAt: followUp.requestedAt,
      };
      try {
        if (existing) {
          await this.table.updateEntity(entity, 'Replace', {
            etag: existing.etag,
            abortSignal: storageDeadline(),
          });
        } else {
          await this.table.createEntity(entity, { abortSignal: storageDeadline() });
        }
        return;
      } catch (error) {
        const lostRace = hasStatus(error, 409) || hasStatus(error, 412) || hasStatus(error, 404);
        if (!lostRace || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async list(): Promise<StatusFollowUp[]> {
    const rows = await scan<Entity>(this.table, `PartitionKey eq '${PARTITION}'`);
    return rows
      .map((e) => ({ userId: e.rowKey, kind: e.kind, requestedAt: e.requestedAt }))
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  async remove(userId: string): Promise<void> {
    await this.eraseUser(userId);
  }

  purgeRequestedBefore(cutoff: Date): Promise<number> {
    return deleteWhere(
      this.table,
      odata`PartitionKey eq ${PARTITION} and requestedAt lt ${cutoff.toISOString()}`,
    );
  }

  async heldUserIds(): Promise<Set<string>> {
    return new Set((await this.list()).map((f) => f.userId));
  }

  async exportUser(userId: string): Promise<StatusFollowUp[]> {
    const row = await readRow<Entity>(this.table, PARTITION, userId);
    return row ? [{ userId, kind: row.kind, requestedAt: row.requestedAt }] : [];
  }

  async eraseUser(userId: string): Promise<number> {
    return (await deleteRow(this.table, { partitionKey: PARTITION, rowKey: userId })) ? 1 : 0;
  }
}
