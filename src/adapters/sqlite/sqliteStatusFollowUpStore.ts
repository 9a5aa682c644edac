import type { StatusFollowUp, StatusFollowUpStore } from '../../ports/statusFollowUpStore';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  user_id: string;
  kind: 'status' | 'done';
  requested_at: string;
}

const toFollowUp = (r: Row): StatusFollowUp => ({
  userId: r.user_id,
  kind: r.kind,
  requestedAt: r.requested_at,
});

/** Follow-ups owed, one per user, in SQLite. Holds ids and times only. */
export class SqliteStatusFollowUpStore implements StatusFollowUpStore {
  private readonly db;
  private readonly upsert;
  private readonly selectAll;
  private readonly deleteOne;

  constructor(database: SqliteDatabase) {
    database.migrate(
      'status_follow_ups.v1',
      `CREATE TABLE status_follow_ups (
        user_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('status', 'done')),
        requested_at TEXT NOT NULL
      ) STRICT`,
    );
    const db = database.db;
    this.db = db;
    // A 'done' (live check) owed is never downgraded by a later 'status'.
    this.upsert = db.prepare(`INSERT INTO status_follow_ups (user_id, kind, requested_at)
      VALUES (@userId, @kind, @requestedAt)
      ON CONFLICT (user_id) DO UPDATE SET requested_at = excluded.requested_at,
        kind = CASE WHEN status_follow_ups.kind = 'done' THEN 'done' ELSE excluded.kind END`);
    this.selectAll = db.prepare<[], Row>('SELECT * FROM status_follow_ups ORDER BY requested_at');
    this.deleteOne = db.prepare('DELETE FROM status_follow_ups WHERE user_id = ?');
  }

  add(followUp: StatusFollowUp): Promise<void> {
    this.upsert.run(followUp);
    return Promise.resolve();
  }

  list(): Promise<StatusFollowUp[]> {
    return Promise.resolve(this.selectAll.all().map(toFollowUp));
  }

  remove(userId: string): Promise<void> {
    this.deleteOne.run(userId);
    return Promise.resolve();
  }

  purgeRequestedBefore(cutoff: Date): Promise<number> {
    const result = this.db
      .prepare('DELETE FROM status_follow_ups WHERE requested_at < ?')
      .run(cutoff.toISOString());
    return Promise.resolve(result.changes);
  }

  heldUserIds(): Promise<Set<string>> {
    const rows = this.db.prepare<[], { user_id: string }>('SELECT user_id FROM status_follow_ups').all();
    return Promise.resolve(new Set(rows.map((r) => r.user_id)));
  }

  exportUser(userId: string): Promise<StatusFollowUp[]> {
    const rows = this.db
      .prepare<[string], Row>('SELECT * FROM status_follow_ups WHERE user_id = ?')
      .all(userId);
    return Promise.resolve(rows.map(toFollowUp));
  }

  eraseUser(userId: string): Promise<number> {
    return Promise.resolve(this.deleteOne.run(userId).changes);
  }
}
