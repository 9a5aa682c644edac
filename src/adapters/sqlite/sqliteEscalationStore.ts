import type {
  CreateResult,
  DeliveryState,
  Escalation,
  EscalationStore,
  NewEscalation,
} from '../../ports/escalationStore';
import { URGENT_CATEGORIES } from '../../domain/escalation/categories';
import type { OutgoingMail } from '../../domain/escalation/escalationMail';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  id: string;
  reference: string;
  user_id: string;
  form_id: string;
  created_at: string;
  local_date: string;
  request: string;
  state: Escalation['state'];
  mail: string | null;
  attempts: number;
  next_attempt_at: string | null;
  in_flight_since: string | null;
  sent_at: string | null;
  last_error: string | null;
  user_owed_notice: number;
  channel_copy: Escalation['channelCopy'];
}

/** The part of the request kept as JSON (the words are removed from it once the mail is accepted). */
type StoredRequest = Pick<Escalation, 'category' | 'way' | 'booking' | 'words' | 'step' | 'language'>;

function toEscalation(row: Row): Escalation {
  const request = JSON.parse(row.request) as StoredRequest;
  return {
    ...request,
    id: row.id,
    reference: row.reference,
    userId: row.user_id,
    formId: row.form_id,
    createdAt: row.created_at,
    localDate: row.local_date,
    state: row.state,
    mail: row.mail ? (JSON.parse(row.mail) as OutgoingMail) : undefined,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at ?? undefined,
    inFlightSince: row.in_flight_since ?? undefined,
    sentAt: row.sent_at ?? undefined,
    lastError: row.last_error ?? undefined,
    userOwedNotice: row.user_owed_notice === 1,
    channelCopy: row.channel_copy,
  };
}

/** Escalations and their outbox in SQLite; every state change is one conditional UPDATE. */
export class SqliteEscalationStore implements EscalationStore {
  private readonly db;
  private readonly byForm;
  private readonly byId;
  private readonly byReference;
  private readonly todayFor;
  private readonly referenceTaken;
  private readonly insert;
  private readonly createTx;

  constructor(database: SqliteDatabase) {
    database.migrate(
      'escalations.v1',
      `CREATE TABLE escalations (
        id TEXT PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        form_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        local_date TEXT NOT NULL,
        request TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'composed', 'sent', 'failed')),
        mail TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        in_flight_since TEXT,
        sent_at TEXT,
        last_error TEXT,
        user_owed_notice INTEGER NOT NULL DEFAULT 0,
        channel_copy TEXT NOT NULL CHECK (channel_copy IN ('none', 'owed', 'posted', 'failed')),
        UNIQUE (user_id, form_id)
      ) STRICT;
      CREATE INDEX escalations_user_day ON escalations (user_id, local_date);
      CREATE INDEX escalations_due ON escalations (state, next_attempt_at);
      CREATE INDEX escalations_created ON escalations (created_at);`,
    );
    // Who is posting the IT channel copy right now (several instances may look for copies owed at once).
    database.migrate('escalations.v2', 'ALTER TABLE escalations ADD COLUMN channel_claimed_at TEXT;');
    const db = database.db;
    this.db = db;
    this.byForm = db.prepare<[string, string], Row>(
      'SELECT * FROM escalations WHERE user_id = ? AND form_id = ?',
    );
    this.byId = db.prepare<[string], Row>('SELECT * FROM escalations WHERE id = ?');
    this.byReference = db.prepare<[string], Row>('SELECT * FROM escalations WHERE reference = ?');
    this.todayFor = db.prepare<[string, string], Row>(
      'SELECT * FROM escalations WHERE user_id = ? AND local_date = ? ORDER BY created_at',
    );
    this.referenceTaken = db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM escalations WHERE reference = ?',
    );
    this.insert = db.prepare(`INSERT INTO escalations
        (id, reference, user_id, form_id, created_at, local_date, request, state, next_attempt_at, channel_copy)
      VALUES (@id, @reference, @userId, @formId, @createdAt, @localDate, @request, 'queued', @createdAt, @channelCopy)`);
    this.createTx = db.transaction(
      (input: NewEscalation, maxPerDay: number, newReference: () => string): CreateResult => {
        const existing = this.byForm.get(input.userId, input.formId);
        if (existing) return { kind: 'duplicate', escalation: toEscalation(existing) };
        const today = this.todayFor.all(input.userId, input.localDate);
        if (today.length >= maxPerDay) return { kind: 'limit', today: today.map(toEscalation) };
        let reference = newReference();
        for (let i = 0; this.referenceTaken.get(reference); i++) {
          if (i > 20) throw new Error('no free escalation reference');
          reference = newReference();
        }
        const request: StoredRequest = {
          category: input.category,
          way: input.way,
          booking: input.booking,
          words: input.words,
          step: input.step,
          language: input.language,
        };
        this.insert.run({ ...input, reference, request: JSON.stringify(request) });
        return { kind: 'created', escalation: toEscalation(this.byId.get(input.id)!) };
      },
    );
  }

  create(input: NewEscalation, maxPerDay: number, newReference: () => string): Promise<CreateResult> {
    // IMMEDIATE: the limit is read and the row written under one write lock.
    return Promise.resolve(this.createTx.immediate(input, maxPerDay, newReference));
  }

  get(id: string): Promise<Escalation | undefined> {
    const row = this.byId.get(id);
    return Promise.resolve(row && toEscalation(row));
  }

  findByReference(reference: string): Promise<Escalation | undefined> {
    const row = this.byReference.get(reference);
    return Promise.resolve(row && toEscalation(row));
  }

  due(now: Date, limit: number): Promise<Escalation[]> {
    const urgent = URGENT_CATEGORIES.map(() => '?').join(', ');
    const rows = this.db
      .prepare<unknown[], Row>(
        `SELECT * FROM escalations WHERE state IN ('queued', 'composed') AND in_flight_since IS NULL
          AND next_attempt_at <= ?
          ORDER BY json_extract(request, '$.category') IN (${urgent}) DESC, next_attempt_at LIMIT ?`,
      )
      .all(now.toISOString(), ...URGENT_CATEGORIES, limit);
    return Promise.resolve(rows.map(toEscalation));
  }

  unsettled(limit: number): Promise<Escalation[]> {
    const rows = this.db
      .prepare<[number], Row>(
        `SELECT * FROM escalations WHERE state IN ('queued', 'composed') ORDER BY created_at DESC, id LIMIT ?`,
      )
      .all(limit);
    return Promise.resolve(rows.map(toEscalation));
  }

  givenUp(limit: number): Promise<Escalation[]> {
    const rows = this.db
      .prepare<[number], Row>(
        `SELECT * FROM escalations WHERE state = 'failed' ORDER BY created_at DESC, id LIMIT ?`,
      )
      .all(limit);
    return Promise.resolve(rows.map(toEscalation));
  }

  nextDueAt(): Promise<string | undefined> {
    const row = this.db
      .prepare<[], { at: string | null }>(
        `SELECT MIN(next_attempt_at) AS at FROM escalations
          WHERE state IN ('queued', 'composed') AND in_flight_since IS NULL`,
      )
      .get();
    return Promise.resolve(row?.at ?? undefined);
  }

  interrupted(startedBy: Date): Promise<Escalation[]> {
    const rows = this.db
      .prepare<[string], Row>(
        `SELECT * FROM escalations WHERE state IN ('queued', 'composed') AND in_flight_since <= ?
          ORDER BY in_flight_since`,
      )
      .all(startedBy.toISOString());
    return Promise.resolve(rows.map(toEscalation));
  }

  saveComposed(id: string, mail: OutgoingMail): Promise<void> {
    this.db
      .prepare(`UPDATE escalations SET state = 'composed', mail = ? WHERE id = ? AND state = 'queued'`)
      .run(JSON.stringify(mail), id);
    return Promise.resolve();
  }

  claimAttempt(id: string, at: Date): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE escalations SET attempts = attempts + 1, in_flight_since = @at
          WHERE id = @id AND state = 'composed' AND in_flight_since IS NULL AND next_attempt_at <= @at`,
      )
      .run({ at: at.toISOString(), id });
    return Promise.resolve(result.changes === 1);
  }

  markSent(id: string, at: Date): Promise<void> {
    this.db
      .prepare(
        `UPDATE escalations SET state = 'sent', sent_at = ?, in_flight_since = NULL, next_attempt_at = NULL,
          mail = NULL, request = json_remove(request, '$.words') WHERE id = ?`,
      )
      .run(at.toISOString(), id);
    return Promise.resolve();
  }

  markRetry(id: string, nextAt: Date, error: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE escalations SET in_flight_since = NULL, next_attempt_at = ?, last_error = ?
          WHERE id = ? AND state IN ('queued', 'composed')`,
      )
      .run(nextAt.toISOString(), error, id);
    return Promise.resolve();
  }

  markFailed(id: string, error: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE escalations SET state = 'failed', in_flight_since = NULL, next_attempt_at = NULL, last_error = ?,
          mail = NULL, request = json_remove(request, '$.words') WHERE id = ? AND state IN ('queued', 'composed')`,
      )
      .run(error, id);
    return Promise.resolve();
  }

  releaseInterrupted(id: string, inFlightSince: string, at: Date): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE escalations SET in_flight_since = NULL, next_attempt_at = ?
          WHERE id = ? AND in_flight_since = ? AND state IN ('queued', 'composed')`,
      )
      .run(at.toISOString(), id, inFlightSince);
    return Promise.resolve(result.changes === 1);
  }

  setUserOwedNotice(id: string, owed: boolean): Promise<void> {
    this.db.prepare('UPDATE escalations SET user_owed_notice = ? WHERE id = ?').run(owed ? 1 : 0, id);
    return Promise.resolve();
  }

  takeUserNotice(id: string): Promise<boolean> {
    const result = this.db
      .prepare('UPDATE escalations SET user_owed_notice = 0 WHERE id = ? AND user_owed_notice = 1')
      .run(id);
    return Promise.resolve(result.changes === 1);
  }

  noticesOwed(): Promise<Escalation[]> {
    const rows = this.db
      .prepare<[], Row>(
        `SELECT * FROM escalations WHERE user_owed_notice = 1 AND state IN ('sent', 'failed') ORDER BY created_at`,
      )
      .all();
    return Promise.resolve(rows.map(toEscalation));
  }

  setChannelCopy(id: string, state: Escalation['channelCopy']): Promise<void> {
    this.db
      .prepare('UPDATE escalations SET channel_copy = ?, channel_claimed_at = NULL WHERE id = ?')
      .run(state, id);
    return Promise.resolve();
  }

  claimChannelCopy(id: string, at: Date, expiredBefore: Date): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE escalations SET channel_claimed_at = ? WHERE id = ? AND channel_copy = 'owed'
          AND (channel_claimed_at IS NULL OR channel_claimed_at <= ?)`,
      )
      .run(at.toISOString(), id, expiredBefore.toISOString());
    return Promise.resolve(result.changes === 1);
  }

  channelCopiesOwed(): Promise<Escalation[]> {
    const rows = this.db
      .prepare<[], Row>(
        `SELECT * FROM escalations WHERE channel_copy = 'owed' AND state IN ('sent', 'failed') ORDER BY created_at`,
      )
      .all();
    return Promise.resolve(rows.map(toEscalation));
  }

  countByState(): Promise<Record<DeliveryState, number>> {
    const counts: Record<DeliveryState, number> = { queued: 0, composed: 0, sent: 0, failed: 0 };
    // Read from the (state, next_attempt_at) index, not the rows.
    const rows = this.db
      .prepare<[], { state: DeliveryState; n: number }>(
        'SELECT state, COUNT(*) AS n FROM escalations GROUP BY state',
      )
      .all();
    for (const row of rows) counts[row.state] = row.n;
    return Promise.resolve(counts);
  }

  purgeCreatedBefore(cutoff: Date): Promise<number> {
    const result = this.db.prepare('DELETE FROM escalations WHERE created_at < ?').run(cutoff.toISOString());
    return Promise.resolve(result.changes);
  }

  heldUserIds(): Promise<Set<string>> {
    const rows = this.db.prepare<[], { user_id: string }>('SELECT DISTINCT user_id FROM escalations').all();
    return Promise.resolve(new Set(rows.map((r) => r.user_id)));
  }

  exportUser(userId: string): Promise<Escalation[]> {
    const rows = this.db
      .prepare<[string], Row>('SELECT * FROM escalations WHERE user_id = ? ORDER BY created_at')
      .all(userId);
    return Promise.resolve(rows.map(toEscalation));
  }

  eraseUser(userId: string): Promise<number> {
    return Promise.resolve(this.db.prepare('DELETE FROM escalations WHERE user_id = ?').run(userId).changes);
  }
}
