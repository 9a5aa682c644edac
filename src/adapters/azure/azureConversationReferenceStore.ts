import type { TableClient } from '@azure/data-tables';
import type {
  ConversationReferenceStore,
  StoredConversationReference,
} from '../../ports/conversationReferenceStore';
import { hasStatus, storageDeadline, type AzureStorageAccount } from './azureStorageAccount';

interface Entity {
  partitionKey: string;
  rowKey: string;
  tenantId: string;
  conversationId: string;
  serviceUrl: string;
  reference: string;
  updatedAt: string;
}

const ROW = 'reference';

/** Conversation references in Azure Tables, one per user (partition = user id); last write wins. */
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
      reference: JSON.stringify(ref.reference),
      updatedAt: ref.updatedAt,
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
      };
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async remove(userId: string): Promise<void> {
    try {
      await this.table.deleteEntity(userId, ROW, { abortSignal: storageDeadline() });
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
  }
}
