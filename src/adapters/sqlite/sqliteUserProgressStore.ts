import type { StoredUserProgress, UserProgressStore } from '../../ports/userProgressStore';
import { ConcurrencyError, type Versioned } from '../../ports/versioned';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  value: string;
  version: number;
}

/** Guide progress in SQLite; the etag is a row version counter. */
export class SqliteUserProgressStore implements UserProgressStore {
  private readonly db;
  private readonly selectOne;
  private readonly insert;
  private readonly update;
  private readonly purge;

  constructor(database: SqliteDatabase) {
    database.migrate(
      'user_progress.v1',
      `CREATE TABLE user_progress (
        user_id TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX user_progress_updated_at ON user_progress (updated_at);`,
    );
    const db = database.db;
    this.db = db;
    this.selectOne = db.prepare<[string], Row>('SELECT value, version FROM user_progress WHERE user_id = ?');
    this.insert = db.prepare(
      'INSERT INTO user_progress (user_id, value, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING',
    );
    this.update = db.prepare(
      'UPDATE user_progress SET value = ?, version = version + 1, updated_at = ? WHERE user_id = ? AND version = ?',
    );
    this.purge = db.prepare('DELETE FROM user_progress WHERE updated_at < ?');
  }

  get(userId: string): Promise<Versioned<StoredUserProgress> | undefined> {
    const row = this.selectOne.get(userId);
    if (!row) return Promise.resolve(undefined);
    return Promise.resolve({ value: JSON.parse(row.value) as StoredUserProgress, etag: String(row.version) });
  }

  put(userId: string, value: StoredUserProgress, etag?: string): Promise<string> {
    const json = JSON.stringify(value);
    if (etag === undefined) {
      const result = this.insert.run(userId, json, value.updatedAt);
      if (result.changes === 0) return Promise.reject(new ConcurrencyError('user progress'));
      return Promise.resolve('1');
    }
    const version = Number(etag);
    const result = this.update.run(json, value.updatedAt, userId, version);
    if (result.changes === 0) return Promise.reject(new ConcurrencyError('user progress'));
    return Promise.resolve(String(version + 1));
  }

  purgeInactiveSince(cutoff: Date): Promise<number> {
    return Promise.resolve(this.purge.run(cutoff.toISOString()).changes);
  }

  heldUserIds(): Promise<Set<string>> {
    const rows = this.db.prepare<[], { user_id: string }>('SELECT user_id FROM user_progress').all();
    return Promise.resolve(new Set(rows.map((r) => r.user_id)));
  }

  async exportUser(userId: string): Promise<(StoredUserProgress & { userId: string })[]> {
    const found = await this.get(userId);
    return found ? [{ userId, ...found.value }] : [];
  }

  eraseUser(userId: string): Promise<number> {
    return Promise.resolve(
      this.db.prepare('DELETE FROM user_progress WHERE user_id = ?').run(userId).changes,
    );
  }
}
