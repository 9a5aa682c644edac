import type { LocalDate } from '../../domain/policy/localDate';
import type { DailyProgress, ProgressSnapshotStore } from '../../ports/progressSnapshotStore';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  date: string;
  taken_at: string;
  groups: string;
}

const toDay = (r: Row): DailyProgress => ({
  date: r.date,
  takenAt: r.taken_at,
  groups: JSON.parse(r.groups) as DailyProgress['groups'],
});

/** One row per day of counts in SQLite (the groups as JSON: they are read and written whole). */
export class SqliteProgressSnapshotStore implements ProgressSnapshotStore {
  private readonly upsert;
  private readonly selectFrom;
  private readonly deleteBefore;

  constructor(database: SqliteDatabase) {
    database.migrate(
      'progress_days.v1',
      `CREATE TABLE progress_days (
        date TEXT PRIMARY KEY,
        taken_at TEXT NOT NULL,
        groups TEXT NOT NULL
      ) STRICT`,
    );
    const db = database.db;
    this.upsert =
      db.prepare(`INSERT INTO progress_days (date, taken_at, groups) VALUES (@date, @takenAt, @groups)
      ON CONFLICT (date) DO UPDATE SET taken_at = excluded.taken_at, groups = excluded.groups`);
    this.selectFrom = db.prepare<[string], Row>('SELECT * FROM progress_days WHERE date >= ? ORDER BY date');
    this.deleteBefore = db.prepare('DELETE FROM progress_days WHERE date < ?');
  }

  record(day: DailyProgress): Promise<void> {
    this.upsert.run({ date: day.date, takenAt: day.takenAt, groups: JSON.stringify(day.groups) });
    return Promise.resolve();
  }

  list(from: LocalDate = ''): Promise<DailyProgress[]> {
    return Promise.resolve(this.selectFrom.all(from).map(toDay));
  }

  purgeBefore(cutoff: LocalDate): Promise<number> {
    return Promise.resolve(this.deleteBefore.run(cutoff).changes);
  }
}
