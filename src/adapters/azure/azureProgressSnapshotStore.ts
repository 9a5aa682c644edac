import { odata, type TableClient } from '@azure/data-tables';
import type { LocalDate } from '../../domain/policy/localDate';
import type { DailyProgress, ProgressSnapshotStore } from '../../ports/progressSnapshotStore';
import { storageDeadline, type AzureStorageAccount } from './azureStorageAccount';
import { deleteWhere, scan, splitText } from './tableOps';

interface Entity {
  partitionKey: string;
  rowKey: string;
  takenAt: string;
  /** The groups as JSON, in parts of a string property's size (a trust's hundreds of groups do not fit one). */
  parts: number;
  [part: `groups${number}`]: string;
}

/** All days share one partition: a campaign is a few hundred days at most, and the trend reads them all. */
const PARTITION = 'days';

/** One row per day of counts in Azure Tables. */
export class AzureProgressSnapshotStore implements ProgressSnapshotStore {
  private constructor(private readonly table: TableClient) {}

  static async open(account: AzureStorageAccount): Promise<AzureProgressSnapshotStore> {
    return new AzureProgressSnapshotStore(await account.ensureTable('progressdays'));
  }

  async record(day: DailyProgress): Promise<void> {
    const parts = splitText(JSON.stringify(day.groups));
    const entity: Entity = {
      partitionKey: PARTITION,
      rowKey: day.date,
      takenAt: day.takenAt,
      parts: parts.length,
    };
    parts.forEach((part, i) => (entity[`groups${i}`] = part));
    // Replace, not merge: a day written again with fewer parts must not keep the old tail.
    await this.table.upsertEntity(entity, 'Replace', { abortSignal: storageDeadline() });
  }

  async list(from: LocalDate = ''): Promise<DailyProgress[]> {
    const rows = await scan<Entity>(this.table, odata`PartitionKey eq ${PARTITION} and RowKey ge ${from}`);
    return rows.map((row) => ({
      date: row.rowKey,
      takenAt: row.takenAt,
      groups: JSON.parse(
        Array.from({ length: row.parts }, (_, i) => row[`groups${i}`]).join(''),
      ) as DailyProgress['groups'],
    }));
  }

  purgeBefore(cutoff: LocalDate): Promise<number> {
    return deleteWhere(this.table, odata`PartitionKey eq ${PARTITION} and RowKey lt ${cutoff}`);
  }
}
