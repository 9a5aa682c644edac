import {
  withoutNames,
  type ConversationReferenceStore,
  type StoredConversationReference,
} from '../../ports/conversationReferenceStore';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  user_id: string;
  tenant_id: string;
  conversation_id: string;
  service_url: string;
  reference: string;
  updated_at: string;
  locale: string | null;
}

function toReference(row: Row): StoredConversationReference {
  return {
    userId: row.user_id,
    tenantId: row.tenant_id,
    conversationId: row.conversation_id,
    serviceUrl: row.service_url,
    reference: JSON.parse(row.reference) as Record<string, unknown>,
    updatedAt: row.updated_at,
    ...(row.locale ? { locale: row.locale } : {}),
  };
}

/** Conversation references in SQLite, one per user, without display names. */
export class SqliteConversationReferenceStore implements ConversationReferenceStore {
  private readonly database: SqliteDatabase;
  private readonly upsert;
  private readonly selectOne;
  private readonly deleteOne;

  constructor(database: SqliteDatabase) {
    this.database = database;
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
    // References saved before names were left out lose them (the same parts `withoutNames` removes).
    const stripped = database.migrate(
      'conversation_references.v2.no_names',
      `UPDATE conversation_references
        SET reference = json_remove(reference, '$.user.name', '$.conversation.name')`,
    );
    // The names just removed must not stay behind in the write-ahead log.
    if (stripped) database.flushDeleted();
    // The user's Teams language, for nudges. Rows saved before it have none here, but their reference JSON holds
    // Teams' own copy, which the nudge worker reads instead.
    database.migrate(
      'conversation_references.v3.locale',
      'ALTER TABLE conversation_references ADD COLUMN locale TEXT',
    );
    const db = database.db;
    this.upsert = db.prepare(`INSERT INTO conversation_references
        (user_id, tenant_id, conversation_id, service_url, reference, updated_at, locale)
      VALUES (@userId, @tenantId, @conversationId, @serviceUrl, @reference, @updatedAt, @locale)
      ON CONFLICT (user_id) DO UPDATE SET tenant_id = excluded.tenant_id,
        conversation_id = excluded.conversation_id, service_url = excluded.service_url,
        reference = excluded.reference, updated_at = excluded.updated_at, locale = excluded.locale`);
    this.selectOne = db.prepare<[string], Row>('SELECT * FROM conversation_references WHERE user_id = ?');
    this.deleteOne = db.prepare('DELETE FROM conversation_references WHERE user_id = ?');
  }

  save(ref: StoredConversationReference): Promise<void> {
    this.upsert.run({
      ...ref,
      reference: JSON.stringify(withoutNames(ref.reference)),
      locale: ref.locale ?? null,
    });
    return Promise.resolve();
  }

  get(userId: string): Promise<StoredConversationReference | undefined> {
    const row = this.selectOne.get(userId);
    return Promise.resolve(row && toReference(row));
  }

  remove(userId: string): Promise<void> {
    this.deleteOne.run(userId);
    return Promise.resolve();
  }

  purgeUpdatedBefore(cutoff: Date): Promise<number> {
    const result = this.database.db
      .prepare('DELETE FROM conversation_references WHERE updated_at < ?')
      .run(cutoff.toISOString());
    return Promise.resolve(result.changes);
  }

  heldUserIds(): Promise<Set<string>> {
    const rows = this.database.db
      .prepare<[], { user_id: string }>('SELECT user_id FROM conversation_references')
      .all();
    return Promise.resolve(new Set(rows.map((r) => r.user_id)));
  }

  async exportUser(userId: string): Promise<StoredConversationReference[]> {
    const found = await this.get(userId);
    return found ? [found] : [];
  }

  eraseUser(userId: string): Promise<number> {
    return Promise.resolve(this.deleteOne.run(userId).changes);
  }
}
