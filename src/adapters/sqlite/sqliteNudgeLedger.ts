import type { NudgeState } from '../../domain/campaign/nudgeDecision';
import type { DoneCardState } from '../../domain/campaign/doneCards';
import type {
  ExportedMarker,
  LedgerClaim,
  LedgerCounts,
  LedgerEntry,
  LedgerKey,
  LedgerPatch,
  NudgeLedger,
} from '../../ports/nudgeLedger';
import {
  afterPrefix,
  countLedgerRow,
  emptyLedgerCounts,
  userMarkerNames,
  userOfMarker,
} from '../../ports/nudgeLedger';
import { ConcurrencyError } from '../../ports/versioned';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  campaign_id: string;
  user_id: string;
  nudge: string;
  state: NudgeState;
  grp: string;
  detail: string | null;
  attempts: number;
  failures: number;
  attempt_by: string | null;
  attempt_at: string | null;
  on_wire_at: string | null;
  in_doubt: number;
  enqueued: number;
  snoozed_until: string | null;
  installed_at: string | null;
  chat_id: string | null;
  activity_id: string | null;
  done_card: DoneCardState | null;
  done_card_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** Patch field → column. */
const COLUMNS: Record<Exclude<keyof LedgerPatch, 'updatedAt'>, string> = {
  state: 'state',
  detail: 'detail',
  attempts: 'attempts',
  failures: 'failures',
  attemptBy: 'attempt_by',
  attemptAt: 'attempt_at',
  onWireAt: 'on_wire_at',
  inDoubt: 'in_doubt',
  enqueued: 'enqueued',
  snoozedUntil: 'snoozed_until',
  installedAt: 'installed_at',
  chatId: 'chat_id',
  activityId: 'activity_id',
  doneCard: 'done_card',
  doneCardAt: 'done_card_at',
};

const PAGE = 500;

function toEntry(r: Row): LedgerEntry {
  return {
    campaignId: r.campaign_id,
    userId: r.user_id,
    nudge: r.nudge,
    state: r.state,
    group: r.grp,
    detail: r.detail ?? undefined,
    attempts: r.attempts,
    failures: r.failures > 0 ? r.failures : undefined,
    attemptBy: r.attempt_by ?? undefined,
    attemptAt: r.attempt_at ?? undefined,
    onWireAt: r.on_wire_at ?? undefined,
    inDoubt: r.in_doubt === 1 ? true : undefined,
    enqueued: r.enqueued === 1,
    snoozedUntil: r.snoozed_until ?? undefined,
    installedAt: r.installed_at ?? undefined,
    chatId: r.chat_id ?? undefined,
    activityId: r.activity_id ?? undefined,
    doneCard: r.done_card ?? undefined,
    doneCardAt: r.done_card_at ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    etag: String(r.version),
  };
}

/** The delivery ledger in SQLite; the etag is a row version. */
export class SqliteNudgeLedger implements NudgeLedger {
  constructor(private readonly database: SqliteDatabase) {
    database.migrate(
      'nudge_ledger.v1',
      `CREATE TABLE nudge_ledger (
        campaign_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        nudge TEXT NOT NULL,
        state TEXT NOT NULL,
        grp TEXT NOT NULL,
        detail TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        attempt_by TEXT,
        attempt_at TEXT,
        in_doubt INTEGER NOT NULL DEFAULT 0,
        enqueued INTEGER NOT NULL DEFAULT 0,
        snoozed_until TEXT,
        installed_at TEXT,
        chat_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (campaign_id, user_id, nudge)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX nudge_ledger_state ON nudge_ledger (campaign_id, state, updated_at);
      CREATE TABLE nudge_markers (
        campaign_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (campaign_id, name)
      ) STRICT;`,
    );
    database.migrate('nudge_ledger.v2', 'ALTER TABLE nudge_ledger ADD COLUMN on_wire_at TEXT');
    database.migrate(
      'nudge_ledger.v3',
      'ALTER TABLE nudge_ledger ADD COLUMN failures INTEGER NOT NULL DEFAULT 0',
    );
    database.migrate(
      'nudge_ledger.v4',
      `ALTER TABLE nudge_ledger ADD COLUMN activity_id TEXT;
      ALTER TABLE nudge_ledger ADD COLUMN done_card TEXT;
      ALTER TABLE nudge_ledger ADD COLUMN done_card_at TEXT;`,
    );
  }

  private get db() {
    return this.database.db;
  }

  claim(claims: LedgerClaim[]): Promise<boolean[]> {
    const insert = this.db.prepare(`INSERT INTO nudge_ledger
        (campaign_id, user_id, nudge, state, grp, created_at, updated_at)
      VALUES (?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT DO NOTHING`);
    const run = this.db.transaction((all: LedgerClaim[]) =>
      all.map((c) => insert.run(c.campaignId, c.userId, c.nudge, c.group, c.at, c.at).changes === 1),
    );
    return Promise.resolve(run.immediate(claims));
  }

  get(key: LedgerKey): Promise<LedgerEntry | undefined> {
    const row = this.db
      .prepare<[string, string, string], Row>(
        'SELECT * FROM nudge_ledger WHERE campaign_id = ? AND user_id = ? AND nudge = ?',
      )
      .get(key.campaignId, key.userId, key.nudge);
    return Promise.resolve(row && toEntry(row));
  }

  history(campaignId: string, userId: string): Promise<LedgerEntry[]> {
    const rows = this.db
      .prepare<[string, string], Row>('SELECT * FROM nudge_ledger WHERE campaign_id = ? AND user_id = ?')
      .all(campaignId, userId);
    return Promise.resolve(rows.map(toEntry));
  }

  histories(campaignId: string, userIds: string[]): Promise<Map<string, LedgerEntry[]>> {
    const found = new Map<string, LedgerEntry[]>();
    for (let i = 0; i < userIds.length; i += PAGE) {
      const ids = userIds.slice(i, i + PAGE);
      const rows = this.db
        .prepare<string[], Row>(
          `SELECT * FROM nudge_ledger WHERE campaign_id = ? AND user_id IN (${ids.map(() => '?').join(',')})`,
        )
        .all(campaignId, ...ids);
      for (const row of rows) found.set(row.user_id, [...(found.get(row.user_id) ?? []), toEntry(row)]);
    }
    return Promise.resolve(found);
  }

  update(key: LedgerKey, etag: string, patch: LedgerPatch): Promise<LedgerEntry> {
    const sets: string[] = ['updated_at = @updatedAt', 'version = version + 1'];
    const values: Record<string, unknown> = { updatedAt: patch.updatedAt };
    for (const [field, column] of Object.entries(COLUMNS)) {
      if (!(field in patch)) continue;
      const value = patch[field as keyof typeof COLUMNS];
      sets.push(`${column} = @${field}`);
      // Flags and the failure count are NOT NULL: absent means false, or none.
      values[field] =
        field === 'inDoubt' || field === 'enqueued'
          ? value
            ? 1
            : 0
          : field === 'failures'
            ? (value ?? 0)
            : (value ?? null);
    }
    const result = this.db
      .prepare(
        `UPDATE nudge_ledger SET ${sets.join(', ')}
         WHERE campaign_id = @campaignId AND user_id = @userId AND nudge = @nudge AND version = @version`,
      )
      .run({
        ...values,
        campaignId: key.campaignId,
        userId: key.userId,
        nudge: key.nudge,
        version: Number(etag),
      });
    if (result.changes === 0) return Promise.reject(new ConcurrencyError('ledger entry'));
    return this.get({ campaignId: key.campaignId, userId: key.userId, nudge: key.nudge }).then((e) => e!);
  }

  noteOnWire(take: LedgerEntry, at: string): Promise<LedgerEntry | undefined> {
    if (!take.attemptBy || !take.attemptAt) return Promise.resolve(undefined);
    // On the take, not on the version: a version conflict (the planner's mark) must not lose the note.
    const row = this.db
      .prepare<[string, string, string, string, string, string, string], Row>(
        `UPDATE nudge_ledger SET on_wire_at = ?, updated_at = ?, version = version + 1
         WHERE campaign_id = ? AND user_id = ? AND nudge = ? AND attempt_by = ? AND attempt_at = ?
         RETURNING *`,
      )
      .get(at, at, take.campaignId, take.userId, take.nudge, take.attemptBy, take.attemptAt);
    return Promise.resolve(row && toEntry(row));
  }

  markEnqueued(keys: LedgerKey[], at: string): Promise<void> {
    const mark = this.db.prepare(`UPDATE nudge_ledger SET enqueued = 1, updated_at = ?, version = version + 1
      WHERE campaign_id = ? AND user_id = ? AND nudge = ? AND enqueued = 0`);
    this.db
      .transaction(() => {
        for (const k of keys) mark.run(at, k.campaignId, k.userId, k.nudge);
      })
      .immediate();
    return Promise.resolve();
  }

  async *scan(
    campaignId: string,
    filter: { states?: NudgeState[]; notEnqueuedBefore?: string },
  ): AsyncIterable<LedgerEntry[]> {
    const where = ['campaign_id = ?'];
    const args: string[] = [campaignId];
    if (filter.states) {
      where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
      args.push(...filter.states);
    }
    if (filter.notEnqueuedBefore) {
      where.push('enqueued = 0 AND updated_at < ?');
      args.push(filter.notEnqueuedBefore);
    }
    // Keyset paging: a page is read, handed out, and the next starts after its last key.
    let after = ['', '', ''];
    for (;;) {
      const rows = this.db
        .prepare<string[], Row>(
          `SELECT * FROM nudge_ledger WHERE ${where.join(' AND ')} AND (user_id, nudge) > (?, ?)
           ORDER BY user_id, nudge LIMIT ${PAGE}`,
        )
        .all(...args, after[1]!, after[2]!);
      if (rows.length === 0) return;
      yield await Promise.resolve(rows.map(toEntry));
      const last = rows[rows.length - 1]!;
      after = [last.campaign_id, last.user_id, last.nudge];
    }
  }

  counts(campaignId: string): Promise<LedgerCounts> {
    const rows = this.db
      .prepare<[string], { state: string; detail: string | null; grp: string; nudge: string; n: number }>(
        `SELECT state, detail, grp, nudge, COUNT(*) AS n FROM nudge_ledger WHERE campaign_id = ?
          GROUP BY state, detail, grp, nudge`,
      )
      .all(campaignId);
    const counts = emptyLedgerCounts();
    for (const r of rows) countLedgerRow(counts, r, r.n);
    return Promise.resolve(counts);
  }

  getMarker(campaignId: string, name: string): Promise<string | undefined> {
    const row = this.db
      .prepare<[string, string], { value: string }>(
        'SELECT value FROM nudge_markers WHERE campaign_id = ? AND name = ?',
      )
      .get(campaignId, name);
    return Promise.resolve(row?.value);
  }

  markersStartingWith(campaignId: string, prefix: string): Promise<Map<string, string>> {
    const rows = this.db
      .prepare<[string, string, string], { name: string; value: string }>(
        'SELECT name, value FROM nudge_markers WHERE campaign_id = ? AND name >= ? AND name < ?',
      )
      .all(campaignId, prefix, afterPrefix(prefix));
    return Promise.resolve(new Map(rows.map((r) => [r.name, r.value])));
  }

  setMarker(campaignId: string, name: string, value: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO nudge_markers (campaign_id, name, value) VALUES (?, ?, ?)
         ON CONFLICT (campaign_id, name) DO UPDATE SET value = excluded.value`,
      )
      .run(campaignId, name, value);
    return Promise.resolve();
  }

  campaigns(): Promise<string[]> {
    const rows = this.db
      .prepare<[], { id: string }>(
        'SELECT campaign_id AS id FROM nudge_ledger UNION SELECT campaign_id FROM nudge_markers ORDER BY 1',
      )
      .all();
    return Promise.resolve(rows.map((r) => r.id));
  }

  deleteCampaign(campaignId: string): Promise<number> {
    const remove = this.db.transaction(() => {
      this.db.prepare('DELETE FROM nudge_markers WHERE campaign_id = ?').run(campaignId);
      return this.db.prepare('DELETE FROM nudge_ledger WHERE campaign_id = ?').run(campaignId).changes;
    });
    return Promise.resolve(remove.immediate());
  }

  heldUserIds(): Promise<Set<string>> {
    const held = new Set(
      this.db
        .prepare<[], { id: string }>('SELECT DISTINCT user_id AS id FROM nudge_ledger')
        .all()
        .map((r) => r.id),
    );
    for (const { name } of this.db
      .prepare<[], { name: string }>('SELECT DISTINCT name FROM nudge_markers')
      .iterate()) {
      const userId = userOfMarker(name);
      if (userId) held.add(userId);
    }
    return Promise.resolve(held);
  }

  exportUser(userId: string): Promise<(LedgerEntry | ExportedMarker)[]> {
    const rows = this.db
      .prepare<[string], Row>('SELECT * FROM nudge_ledger WHERE user_id = ? ORDER BY campaign_id, created_at')
      .all(userId);
    const names = userMarkerNames(userId);
    const markers = this.db
      .prepare<string[], { campaign_id: string; name: string; value: string }>(
        `SELECT * FROM nudge_markers WHERE name IN (${names.map(() => '?').join(', ')}) ORDER BY campaign_id, name`,
      )
      .all(...names);
    return Promise.resolve([
      ...rows.map(toEntry),
      ...markers.map((m): ExportedMarker => ({
        kind: 'campaignMarker',
        campaignId: m.campaign_id,
        name: m.name,
        value: m.value,
      })),
    ]);
  }

  eraseUser(userId: string): Promise<number> {
    const erase = this.db.transaction(
      () =>
        this.db.prepare('DELETE FROM nudge_ledger WHERE user_id = ?').run(userId).changes +
        userMarkerNames(userId).reduce(
          (n, name) => n + this.db.prepare('DELETE FROM nudge_markers WHERE name = ?').run(name).changes,
          0,
        ),
    );
    return Promise.resolve(erase.immediate());
  }
}
