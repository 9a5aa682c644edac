import crypto from 'node:crypto';
import type { LeaseStore } from '../../ports/leases';
import type { SqliteDatabase } from './sqliteDatabase';

/** Leases in SQLite, with real-time expiry (like a blob lease). */
export class SqliteLeaseStore implements LeaseStore {
  constructor(
    private readonly database: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    database.migrate(
      'leases.v1',
      `CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        lease_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT`,
    );
  }

  acquire(name: string, holder: string, durationMs: number): Promise<string | undefined> {
    const leaseId = crypto.randomUUID();
    const now = this.now();
    const result = this.database.db
      .prepare(
        `INSERT INTO leases (name, holder, lease_id, expires_at) VALUES (@name, @holder, @leaseId, @expires)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_id = excluded.lease_id,
           expires_at = excluded.expires_at
         WHERE leases.expires_at <= @now`,
      )
      .run({ name, holder, leaseId, expires: now + durationMs, now });
    return Promise.resolve(result.changes === 1 ? leaseId : undefined);
  }

  renew(name: string, leaseId: string, durationMs: number): Promise<boolean> {
    const now = this.now();
    const result = this.database.db
      .prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND lease_id = ? AND expires_at > ?')
      .run(now + durationMs, name, leaseId, now);
    return Promise.resolve(result.changes === 1);
  }

  release(name: string, leaseId: string): Promise<void> {
    this.database.db.prepare('DELETE FROM leases WHERE name = ? AND lease_id = ?').run(name, leaseId);
    return Promise.resolve();
  }
}
