import type {
  ConversationReferenceStore,
  StoredConversationReference,
} from '../../ports/conversationReferenceStore';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  user_id: string;
  tenant_id: string;
  conversation_id: string;
  service_url: string;
  reference: string;
  updated_at: string;
}

/** Conversation references in SQLite, one per user. */
export class SqliteConversationReferenceStore implements ConversationReferenceStore {
  private readonly upsert;
  private readonly selectOne;
  private readonly deleteOne;

  constructor(database: SqliteDatabase) {
    database.migrate(
      'conversation_references.v1',
      `CREATE TABLE conversation_references (
        user_id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        service_url TEXT NOT NULL,
        reference TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT`,
    );
    const db = database.db;
    this.upsert = db.prepare(`INSERT INTO conversation_references
        (user_id, tenant_id, conversation_id, service_url, reference, updated_at)
      VALUES (@userId, @tenantId, @conversationId, @serviceUrl, @reference, @updatedAt)
      ON CONFLICT (user_id) DO UPDATE SET tenant_id = excluded.tenant_id,
        conversation_id = excluded.conversation_id, service_url = excluded.service_url,
        reference = excluded.reference, updated_at = excluded.updated_at`);
    this.selectOne = db.prepare<[string], Row>('SELECT * FROM conversation_references WHERE user_id = ?');
    this.deleteOne = db.prepare('DELETE FROM conversation_references WHERE user_id = ?');
  }

  save(ref: StoredConversationReference): Promise<void> {
    this.upsert.run({ ...ref, reference: JSON.stringify(ref.reference) });
    return Promise.resolve();
  }

  get(userId: string): Promise<StoredConversationReference | undefined> {
    const row = this.selectOne.get(userId);
    if (!row) return Promise.resolve(undefined);
    return Promise.resolve({
      userId: row.user_id,
      tenantId: row.tenant_id,
      conversationId: row.conversation_id,
      serviceUrl: row.service_url,
      reference: JSON.parse(row.reference) as Record<string, unknown>,
      updatedAt: row.updated_at,
    });
  }

  remove(userId: string): Promise<void> {
    this.deleteOne.run(userId);
    return Promise.resolve();
  }
}
