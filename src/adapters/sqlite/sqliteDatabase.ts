/**
 * The embedded database: one SQLite file in DATA_DIR, WAL mode so readers never wait for the writer.
 * Each store creates its own tables through named, idempotent migrations, so features can add tables
 * without a central migration list.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export class SqliteDatabase {
  readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name TEXT PRIMARY KEY,
      applied_at TEXT NOT NULL
    ) STRICT`);
  }

  /** Opens (creating if needed) `bot.sqlite` in `dataDir`. */
  static open(dataDir: string, fileName = 'bot.sqlite'): SqliteDatabase {
    fs.mkdirSync(dataDir, { recursive: true });
    const db = new Database(path.join(dataDir, fileName));
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    return new SqliteDatabase(db);
  }

  /** Runs `sql` once per database, remembered by `name`. Safe to call on every start. */
  migrate(name: string, sql: string): void {
    const apply = this.db.transaction(() => {
      const done = this.db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(name);
      if (done) return;
      this.db.exec(sql);
      this.db
        .prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)')
        .run(name, new Date().toISOString());
    });
    apply.immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
