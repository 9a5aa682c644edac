import type { StatusFollowUp, StatusFollowUpStore } from '../../ports/statusFollowUpStore';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  user_id: string;
  kind: 'status' | 'done';
  requested_at: string;
}

/** Follow-ups owed, one per user, in SQLite. Holds ids and times only. */
export class SqliteStatusFollowUpStore implements StatusFollowUpStore {
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
    return Promise.resolve(
      this.selectAll.all().map((r) => ({ userId: r.user_id, kind: r.kind, requestedAt: r.requested_at })),
    );
  }

  remove(userId: string): Promise<void> {
    this.deleteOne.run(userId);
    return Promise.resolve();
  }
}
