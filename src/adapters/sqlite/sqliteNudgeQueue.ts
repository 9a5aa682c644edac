import crypto from 'node:crypto';
import type { NudgeJob, NudgeQueue, ReceivedJob } from '../../ports/nudgeQueue';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  id: number;
  body: string;
  dequeue_count: number;
}

/**
 * The nudge queue in SQLite: a message is hidden by moving its `visible_at` forward, with a fresh pop receipt
 * each receive, as Azure Queue Storage does. Safe for several processes on one file (receives are IMMEDIATE
 * transactions). Times are real milliseconds, never the campaign clock.
 */
export class SqliteNudgeQueue implements NudgeQueue {
  constructor(
    private readonly database: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    database.migrate(
      'nudge_queue.v1',
      `CREATE TABLE nudge_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        body TEXT NOT NULL,
        visible_at INTEGER NOT NULL,
        pop_receipt TEXT,
        dequeue_count INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX nudge_queue_visible ON nudge_queue (visible_at, id);`,
    );
    // Who received a message last (a worker id naming its process), until it is deferred or deleted.
    database.migrate('nudge_queue.v2', 'ALTER TABLE nudge_queue ADD COLUMN held_by TEXT');
  }

  private get db() {
    return this.database.db;
  }

  enqueue(jobs: NudgeJob[], options: { delayMs?: number } = {}): Promise<void> {
    const at = this.now() + (options.delayMs ?? 0);
    const insert = this.db.prepare('INSERT INTO nudge_queue (body, visible_at) VALUES (?, ?)');
    this.db
      .transaction(() => {
        for (const job of jobs) insert.run(JSON.stringify(job), at);
      })
      .immediate();
    return Promise.resolve();
  }

  receive(max: number, visibilityTimeoutMs: number, holder?: string): Promise<ReceivedJob[]> {
    const now = this.now();
    const select = this.db.prepare<[number, number], Row>(
      'SELECT id, body, dequeue_count FROM nudge_queue WHERE visible_at <= ? ORDER BY visible_at, id LIMIT ?',
    );
    const hide = this.db.prepare(
      'UPDATE nudge_queue SET visible_at = ?, pop_receipt = ?, held_by = ?, dequeue_count = dequeue_count + 1 WHERE id = ?',
    );
    const take = this.db.transaction(() =>
      select.all(now, max).map((row) => {
        const popReceipt = crypto.randomUUID();
        hide.run(now + visibilityTimeoutMs, popReceipt, holder ?? null, row.id);
        return {
          messageId: String(row.id),
          popReceipt,
          dequeueCount: row.dequeue_count + 1,
          job: JSON.parse(row.body) as NudgeJob,
        };
      }),
    );
    return Promise.resolve(take.immediate());
  }

  delete(messageId: string, popReceipt: string): Promise<boolean> {
    const result = this.db
      .prepare('DELETE FROM nudge_queue WHERE id = ? AND pop_receipt = ?')
      .run(Number(messageId), popReceipt);
    return Promise.resolve(result.changes === 1);
  }

  defer(messageId: string, popReceipt: string, visibilityTimeoutMs: number): Promise<string | undefined> {
    const fresh = crypto.randomUUID();
    const result = this.db
      .prepare(
        'UPDATE nudge_queue SET visible_at = ?, pop_receipt = ?, held_by = NULL WHERE id = ? AND pop_receipt = ?',
      )
      .run(this.now() + visibilityTimeoutMs, fresh, Number(messageId), popReceipt);
    return Promise.resolve(result.changes === 1 ? fresh : undefined);
  }

  takeBackFrom(isGone: (holder: string) => boolean): Promise<number> {
    const now = this.now();
    const holders = this.db
      .prepare<[number], { held_by: string }>(
        'SELECT DISTINCT held_by FROM nudge_queue WHERE held_by IS NOT NULL AND visible_at > ?',
      )
      .all(now)
      .map((r) => r.held_by)
      .filter((holder) => isGone(holder));
    const release = this.db.prepare(
      'UPDATE nudge_queue SET visible_at = ?, held_by = NULL WHERE held_by = ? AND visible_at > ?',
    );
    const taken = this.db.transaction(() =>
      holders.reduce((n, holder) => n + release.run(now, holder, now).changes, 0),
    );
    return Promise.resolve(taken.immediate());
  }

  approximateCount(): Promise<number> {
    const row = this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM nudge_queue').get();
    return Promise.resolve(row?.n ?? 0);
  }

  eraseWhere(match: (job: NudgeJob) => boolean): Promise<number> {
    const erase = this.db.transaction(() => {
      const remove = this.db.prepare('DELETE FROM nudge_queue WHERE id = ?');
      let erased = 0;
      for (const row of this.db
        .prepare<[], { id: number; body: string }>('SELECT id, body FROM nudge_queue')
        .all()) {
        if (match(JSON.parse(row.body) as NudgeJob)) erased += remove.run(row.id).changes;
      }
      return erased;
    });
    return Promise.resolve(erase.immediate());
  }
}
