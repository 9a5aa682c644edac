import type {
  CheckOutcome,
  ExportedCheck,
  StoredSupportSecret,
  SupportCodeCheck,
  SupportCodeStore,
  SupportSecretPresence,
} from '../../ports/supportCodeStore';
import { checkAsSeenBy, secretPresence } from '../../ports/supportCodeStore';
import type { SqliteDatabase } from './sqliteDatabase';

interface SecretRow {
  user_id: string;
  sealed: string;
  created_at: string;
  last_accepted_step: number | null;
}

interface CheckRow {
  at: string;
  checker_id: string;
  target_user_id: string | null;
  target_kind: 'upn' | 'reference' | null;
  outcome: CheckOutcome;
}

function toSecret(row: SecretRow): StoredSupportSecret {
  return {
    userId: row.user_id,
    sealed: row.sealed,
    createdAt: row.created_at,
    lastAcceptedStep: row.last_accepted_step ?? undefined,
  };
}

function toCheck(r: CheckRow): SupportCodeCheck {
  return {
    at: r.at,
    checkerId: r.checker_id,
    targetUserId: r.target_user_id ?? undefined,
    targetKind: r.target_kind ?? undefined,
    outcome: r.outcome,
  };
}

/** Support-code secrets (sealed) and the desk's checks, in SQLite. */
export class SqliteSupportCodeStore implements SupportCodeStore {
  private readonly db;

  constructor(database: SqliteDatabase) {
    database.migrate(
      'support_codes.v1',
      `CREATE TABLE support_code_secrets (
        user_id TEXT PRIMARY KEY,
        sealed TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_accepted_step INTEGER
      ) STRICT;
      CREATE TABLE support_code_checks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        checker_id TEXT NOT NULL,
        target_user_id TEXT,
        target_kind TEXT CHECK (target_kind IN ('upn', 'reference')),
        outcome TEXT NOT NULL
      ) STRICT;
      CREATE INDEX support_code_checks_checker ON support_code_checks (checker_id, at);
      CREATE INDEX support_code_checks_target ON support_code_checks (target_user_id, at);`,
    );
    this.db = database.db;
  }

  getSecret(userId: string): Promise<StoredSupportSecret | undefined> {
    const row = this.db
      .prepare<[string], SecretRow>('SELECT * FROM support_code_secrets WHERE user_id = ?')
      .get(userId);
    return Promise.resolve(row && toSecret(row));
  }

  createSecretIfAbsent(secret: StoredSupportSecret): Promise<StoredSupportSecret> {
    this.db
      .prepare(
        'INSERT INTO support_code_secrets (user_id, sealed, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(secret.userId, secret.sealed, secret.createdAt);
    return this.getSecret(secret.userId).then((s) => s!);
  }

  replaceSecret(userId: string, sealed: string, createdAt: string): Promise<void> {
    this.db
      .prepare('UPDATE support_code_secrets SET sealed = ?, created_at = ? WHERE user_id = ?')
      .run(sealed, createdAt, userId);
    return Promise.resolve();
  }

  acceptStep(userId: string, step: number): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE support_code_secrets SET last_accepted_step = ?
          WHERE user_id = ? AND (last_accepted_step IS NULL OR last_accepted_step < ?)`,
      )
      .run(step, userId, step);
    return Promise.resolve(result.changes === 1);
  }

  recordCheck(check: SupportCodeCheck): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO support_code_checks (at, checker_id, target_user_id, target_kind, outcome) VALUES (?, ?, ?, ?, ?)',
      )
      .run(check.at, check.checkerId, check.targetUserId ?? null, check.targetKind ?? null, check.outcome);
    return Promise.resolve();
  }

  countByChecker(checkerId: string, since: Date): Promise<number> {
    const row = this.db
      .prepare<[string, string], { n: number }>(
        'SELECT COUNT(*) AS n FROM support_code_checks WHERE checker_id = ? AND at >= ?',
      )
      .get(checkerId, since.toISOString());
    return Promise.resolve(row?.n ?? 0);
  }

  countByTarget(targetUserId: string, since: Date): Promise<number> {
    const row = this.db
      .prepare<[string, string], { n: number }>(
        'SELECT COUNT(*) AS n FROM support_code_checks WHERE target_user_id = ? AND at >= ?',
      )
      .get(targetUserId, since.toISOString());
    return Promise.resolve(row?.n ?? 0);
  }

  recentChecks(limit: number): Promise<SupportCodeCheck[]> {
    const rows = this.db
      .prepare<[number], CheckRow>('SELECT * FROM support_code_checks ORDER BY id DESC LIMIT ?')
      .all(limit);
    return Promise.resolve(rows.map(toCheck));
  }

  purgeChecksBefore(cutoff: Date): Promise<number> {
    return Promise.resolve(
      this.db.prepare('DELETE FROM support_code_checks WHERE at < ?').run(cutoff.toISOString()).changes,
    );
  }

  purgeSecretsUnusedSince(cutoff: Date, cutoffStep: number): Promise<number> {
    const result = this.db
      .prepare(
        `DELETE FROM support_code_secrets WHERE created_at < ?
          AND (last_accepted_step IS NULL OR last_accepted_step < ?)`,
      )
      .run(cutoff.toISOString(), cutoffStep);
    return Promise.resolve(result.changes);
  }

  heldUserIds(): Promise<Set<string>> {
    const rows = this.db
      .prepare<[], { id: string }>(
        `SELECT user_id AS id FROM support_code_secrets
          UNION SELECT checker_id FROM support_code_checks
          UNION SELECT target_user_id FROM support_code_checks WHERE target_user_id IS NOT NULL`,
      )
      .all();
    return Promise.resolve(new Set(rows.map((r) => r.id)));
  }

  async exportUser(userId: string): Promise<(SupportSecretPresence | ExportedCheck)[]> {
    const secret = await this.getSecret(userId);
    const checks = this.db
      .prepare<[string, string], CheckRow>(
        'SELECT * FROM support_code_checks WHERE checker_id = ? OR target_user_id = ? ORDER BY id',
      )
      .all(userId, userId);
    return [
      ...(secret ? [secretPresence(secret)] : []),
      ...checks.map((r) => checkAsSeenBy(userId, toCheck(r))),
    ];
  }

  eraseUser(userId: string): Promise<number> {
    const erase = this.db.transaction(
      () =>
        this.db.prepare('DELETE FROM support_code_secrets WHERE user_id = ?').run(userId).changes +
        this.db
          .prepare('DELETE FROM support_code_checks WHERE checker_id = ? OR target_user_id = ?')
          .run(userId, userId).changes,
    );
    return Promise.resolve(erase.immediate());
  }
}
