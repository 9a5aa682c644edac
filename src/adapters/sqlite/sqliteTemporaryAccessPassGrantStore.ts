import type {
  ExportedGrant,
  GrantOutcome,
  TemporaryAccessPassGrant,
  TemporaryAccessPassGrantStore,
} from '../../ports/temporaryAccessPassGrants';
import { grantAsSeenBy } from '../../ports/temporaryAccessPassGrants';
import type { SqliteDatabase } from './sqliteDatabase';

interface GrantRow {
  id: string;
  desk_member_id: string;
  user_id: string;
  created_at: string;
  via: TemporaryAccessPassGrant['via'];
  confirmed_in_person_at: string | null;
  claimed_at: string | null;
  outcome: GrantOutcome | null;
  settled_at: string | null;
}

function toGrant(r: GrantRow): TemporaryAccessPassGrant {
  const grant: TemporaryAccessPassGrant = {
    id: r.id,
    deskMemberId: r.desk_member_id,
    userId: r.user_id,
    createdAt: r.created_at,
    via: r.via,
  };
  if (r.confirmed_in_person_at) grant.confirmedInPersonAt = r.confirmed_in_person_at;
  if (r.claimed_at) grant.claimedAt = r.claimed_at;
  if (r.outcome) grant.outcome = r.outcome;
  if (r.settled_at) grant.settledAt = r.settled_at;
  return grant;
}

/** The desk's Temporary Access Pass grants in SQLite; claims are a conditional UPDATE (compare-and-set). */
export class SqliteTemporaryAccessPassGrantStore implements TemporaryAccessPassGrantStore {
  private readonly db;

  constructor(database: SqliteDatabase) {
    database.migrate(
      'temporary_access_pass_grants.v1',
      `CREATE TABLE temporary_access_pass_grants (
        id TEXT PRIMARY KEY,
        desk_member_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('supportCode', 'inPerson')),
        confirmed_in_person_at TEXT,
        claimed_at TEXT,
        outcome TEXT,
        settled_at TEXT
      ) STRICT;
      CREATE INDEX temporary_access_pass_grants_desk ON temporary_access_pass_grants (desk_member_id);
      CREATE INDEX temporary_access_pass_grants_user ON temporary_access_pass_grants (user_id);
      CREATE INDEX temporary_access_pass_grants_created ON temporary_access_pass_grants (created_at);`,
    );
    this.db = database.db;
  }

  create(grant: TemporaryAccessPassGrant): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO temporary_access_pass_grants
          (id, desk_member_id, user_id, created_at, via, confirmed_in_person_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        grant.id,
        grant.deskMemberId,
        grant.userId,
        grant.createdAt,
        grant.via,
        grant.confirmedInPersonAt ?? null,
      );
    return Promise.resolve();
  }

  get(id: string): Promise<TemporaryAccessPassGrant | undefined> {
    const row = this.db
      .prepare<[string], GrantRow>('SELECT * FROM temporary_access_pass_grants WHERE id = ?')
      .get(id);
    return Promise.resolve(row && toGrant(row));
  }

  confirmInPerson(id: string, at: string): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE temporary_access_pass_grants SET confirmed_in_person_at = ?
          WHERE id = ? AND via = 'inPerson' AND confirmed_in_person_at IS NULL`,
      )
      .run(at, id);
    return Promise.resolve(result.changes === 1);
  }

  claim(id: string, at: string): Promise<boolean> {
    const result = this.db
      .prepare('UPDATE temporary_access_pass_grants SET claimed_at = ? WHERE id = ? AND claimed_at IS NULL')
      .run(at, id);
    return Promise.resolve(result.changes === 1);
  }

  settle(id: string, outcome: GrantOutcome, at: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE temporary_access_pass_grants SET outcome = ?, settled_at = ?
          WHERE id = ? AND claimed_at IS NOT NULL AND outcome IS NULL`,
      )
      .run(outcome, at, id);
    return Promise.resolve();
  }

  release(id: string): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE temporary_access_pass_grants SET claimed_at = NULL
          WHERE id = ? AND claimed_at IS NOT NULL AND outcome IS NULL`,
      )
      .run(id);
    return Promise.resolve(result.changes === 1);
  }

  purgeCreatedBefore(cutoff: Date): Promise<number> {
    return Promise.resolve(
      this.db
        .prepare('DELETE FROM temporary_access_pass_grants WHERE created_at < ?')
        .run(cutoff.toISOString()).changes,
    );
  }

  heldUserIds(): Promise<Set<string>> {
    const rows = this.db
      .prepare<[], { id: string }>(
        `SELECT desk_member_id AS id FROM temporary_access_pass_grants
          UNION SELECT user_id FROM temporary_access_pass_grants`,
      )
      .all();
    return Promise.resolve(new Set(rows.map((r) => r.id)));
  }

  exportUser(userId: string): Promise<ExportedGrant[]> {
    const rows = this.db
      .prepare<[string, string], GrantRow>(
        `SELECT * FROM temporary_access_pass_grants WHERE desk_member_id = ? OR user_id = ?
          ORDER BY created_at, id`,
      )
      .all(userId, userId);
    return Promise.resolve(rows.map((r) => grantAsSeenBy(userId, toGrant(r))));
  }

  eraseUser(userId: string): Promise<number> {
    return Promise.resolve(
      this.db
        .prepare('DELETE FROM temporary_access_pass_grants WHERE desk_member_id = ? OR user_id = ?')
        .run(userId, userId).changes,
    );
  }
}
