/**
 * The embedded database: one SQLite file in DATA_DIR, WAL mode so readers never wait for the writer.
 * Each store creates its own tables through named, idempotent migrations, so features can add tables
 * without a central migration list.
 *
 * Privacy: the folder is 0700 and the file (with its -wal and -shm) 0600; `secure_delete` overwrites deleted
 * rows with zeros, and `flushDeleted` moves the log into the file and truncates it, so text that was deleted
 * lingers in neither file.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile, ensurePrivateDir, makePrivateFile } from '../privateFiles';

export class SqliteDatabase {
  readonly db: Database.Database;
  private readonly file: string;

  private constructor(db: Database.Database, file: string) {
    this.db = db;
    this.file = file;
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name TEXT PRIMARY KEY,
      applied_at TEXT NOT NULL
    ) STRICT`);
    this.makeFilesPrivate();
  }

  /** Opens (creating if needed) `bot.sqlite` in `dataDir`. */
  static open(dataDir: string, fileName = 'bot.sqlite'): SqliteDatabase {
    ensurePrivateDir(dataDir);
    const file = path.join(dataDir, fileName);
    createPrivateFile(file);
    const db = new Database(file);
    // Before anything is written: every delete from now on leaves zeros, not the old row, in the file.
    db.pragma('secure_delete = ON');
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    return new SqliteDatabase(db, file);
  }

  /** Runs `sql` once per database, remembered by `name`. Safe to call on every start. True when it ran now. */
  migrate(name: string, sql: string): boolean {
    const apply = this.db.transaction(() => {
      const done = this.db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(name);
      if (done) return false;
      this.db.exec(sql);
      this.db
        .prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)')
        .run(name, new Date().toISOString());
      return true;
    });
    return apply.immediate();
  }

  /**
   * Makes deletions final on disk: the write-ahead log is copied into the file (where secure_delete has
   * zeroed what was deleted) and truncated, so no older copy of a deleted row stays in the log. Another
   * connection reading at that moment can keep the log from being truncated; the next call finishes it.
   */
  flushDeleted(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** The -wal and -shm files take the database file's mode when SQLite creates them; older ones are fixed here. */
  private makeFilesPrivate(): void {
    for (const suffix of ['', '-wal', '-shm']) makePrivateFile(`${this.file}${suffix}`);
  }
}
