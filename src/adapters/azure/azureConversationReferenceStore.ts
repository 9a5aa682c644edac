import { odata, type TableClient } from '@azure/data-tables';
import {
  withoutNames,
  type ConversationReferenceStore,
  type StoredConversationReference,
} from '../../ports/conversationReferenceStore';
import { hasStatus, storageDeadline, type AzureStorageAccount } from './azureStorageAccount';
import { deleteRow, deleteWhere, scan } from './tableOps';

interface Entity {
  partitionKey: string;
  rowKey: string;
  tenantId: string;
  conversationId: string;
  serviceUrl: string;
  reference: string;
  updatedAt: string;
  /** Absent on rows saved before the user's Teams language was kept. */
  locale?: string;
}

const ROW = 'reference';

/**
 * Conversation references in Azure Tables, one per user (partition = user id); last write wins. Saved without
 * display names; a row saved before that loses its names at the next save (every message refreshes it
 * hourly), or at the retention purge.
 */
export class AzureConversationReferenceStore implements ConversationReferenceStore {
  private constructor(private readonly table: TableClient) {}

  static async open(account: AzureStorageAccount): Promise<AzureConversationReferenceStore> {
    return new AzureConversationReferenceStore(await account.ensureTable('references'));
  }

  async save(ref: StoredConversationReference): Promise<void> {
    const entity: Entity = {
      partitionKey: ref.userId,
      rowKey: ROW,
      tenantId: ref.tenantId,
      conversationId: ref.conversationId,
      serviceUrl: ref.serviceUrl,
      reference: JSON.stringify(withoutNames(ref.reference)),
      updatedAt: ref.updatedAt,
      ...(ref.locale ? { locale: ref.locale } : {}),
    };
    await this.table.upsertEntity(entity, 'Replace', { abortSignal: storageDeadline() });
  }

  async get(userId: string): Promise<StoredConversationReference | undefined> {
    try {
      const e = await this.table.getEntity<Entity>(userId, ROW, { abortSignal: storageDeadline() });
      return {
        userId,
        tenantId: e.tenantId,
        conversationId: e.conversationId,
        serviceUrl: e.serviceUrl,
        reference: JSON.parse(e.reference) as Record<string, unknown>,
        updatedAt: e.updatedAt,
        ...(e.locale ? { locale: e.locale } : {}),
      };
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async remove(userId: string): Promise<void> {
    await this.eraseUser(userId);
  }

  /** A scan of the table (one row per user who ever installed), once a day. */
  purgeUpdatedBefore(cutoff: Date): Promise<number> {
    return deleteWhere(this.table, odata`updatedAt lt ${cutoff.toISOString()}`);
  }

  async heldUserIds(): Promise<Set<string>> {
    const rows = await scan<object>(this.table, undefined, { select: ['PartitionKey'] });
    return new Set(rows.map((r) => r.partitionKey));
  }

  async exportUser(userId: string): Promise<StoredConversationReference[]> {
    const found = await this.get(userId);
    return found ? [found] : [];
  }

  async eraseUser(userId: string): Promise<number> {
    return (await deleteRow(this.table, { partitionKey: userId, rowKey: ROW })) ? 1 : 0;
  }
}
