/**
 * The app's Teams send budget in SQLite, shared by every process on the machine that sends for the app (the
 * bot and `npm run nudge`). It lives in a file of its own in DATA_DIR (`send-budget.sqlite`), so that a reply's
 * ticket never waits behind a campaign's ledger and queue writes in the main file. Each take is one immediate
 * transaction (the rule read and the ticket written together); a ticket held by a process that has ended is
 * free at once, so a restarted campaign does not wait for the dead one's unanswered requests.
 *
 * SQLite's own wait for a lock would stop the whole process (the driver is synchronous): a bot whose take meets
 * the campaign's transaction would freeze every pupil's turn until the campaign process is scheduled again
 * (it runs at a lower priority). So this connection never waits: a take that finds the table locked is asked
 * again a moment later, and an answer is written again until it goes in.
 */
import {
  decideSend,
  type SendKind,
  type SendRule,
  type SendWindowState,
  type Ticket,
} from '../../domain/sending/sendTickets';
import { holderIsGone } from '../../nudges/workerProcess';
import type { SendWindow, TakeResult, TakenTicket } from '../../ports/sendWindow';
import { SqliteDatabase } from './sqliteDatabase';

interface TicketRow {
  idx: number;
  granted_at: number | null;
  answered_at: number | null;
  kind: SendKind | null;
  holder: string | null;
}

interface BudgetRow {
  pressure: number;
  pressure_at: number;
  paused_until: number;
}

/** How long a "that process has ended" answer is kept (it reads /proc). */
const GONE_CHECK_MS = 1000;
/** After the table was found locked: when to ask again. */
const LOCKED_RETRY_MS = 2;
/** An answer or a pause that keeps finding the table locked is given up after this many tries (~1 s). */
const LOCKED_TRIES = 400;

const isLocked = (error: unknown) =>
  (error as { code?: unknown }).code === 'SQLITE_BUSY' ||
  (error as { code?: unknown }).code === 'SQLITE_LOCKED';

/** Runs `write` until it finds the table unlocked (a few milliseconds apart, never blocking the process). */
async function whenUnlocked(write: () => void): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      write();
      return;
    } catch (error) {
      if (!isLocked(error) || tries >= LOCKED_TRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCKED_RETRY_MS));
    }
  }
}

export class SqliteSendWindow implements SendWindow {
  private readonly goneChecks = new Map<string, { gone: boolean; at: number }>();
  /** Prepared once: every request to Teams takes and answers a ticket here. */
  private readonly sql: ReturnType<typeof prepare>;

  constructor(
    private readonly database: SqliteDatabase,
    readonly limit: number,
  ) {
    database.migrate(
      'send_budget.v1',
      `CREATE TABLE send_tickets (
        idx INTEGER PRIMARY KEY,
        granted_at INTEGER,
        answered_at INTEGER,
        kind TEXT,
        holder TEXT
      ) STRICT;
      CREATE TABLE send_budget (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pressure REAL NOT NULL,
        pressure_at INTEGER NOT NULL,
        paused_until INTEGER NOT NULL
      ) STRICT;
      INSERT INTO send_budget (id, pressure, pressure_at, paused_until) VALUES (1, 0, 0, 0);`,
    );
    // A process configured for more tickets than the table has adds them; one configured for fewer uses the first.
    const add = database.db.prepare('INSERT OR IGNORE INTO send_tickets (idx) VALUES (?)');
    database.db
      .transaction(() => {
        for (let i = 0; i < limit; i++) add.run(i);
      })
      .immediate();
    // From here on a lock is never waited for inside SQLite (see above).
    database.db.pragma('busy_timeout = 0');
    this.sql = prepare(database);
  }

  /** Opens the budget's own file in `dataDir`. */
  static open(dataDir: string, limit: number): SqliteSendWindow {
    return new SqliteSendWindow(SqliteDatabase.open(dataDir, 'send-budget.sqlite'), limit);
  }

  take(kind: SendKind, holder: string, now: number, rule: SendRule): Promise<TakeResult> {
    const { sql } = this;
    const decide = (): TakeResult => {
      const rows = sql.tickets.all(this.limit) as TicketRow[];
      const budget = sql.budget.get() as BudgetRow;
      const state: SendWindowState = {
        tickets: rows.map(toTicket),
        pressure: { value: budget.pressure, at: budget.pressure_at },
        pausedUntil: budget.paused_until,
      };
      const decision = decideSend(state, kind, now, rule, (h) => h !== holder && this.gone(h, now));
      if (!('take' in decision)) return decision;
      sql.claim.run(now, kind, holder, decision.take);
      if (decision.pressure !== state.pressure) {
        sql.pressure.run(decision.pressure.value, decision.pressure.at);
      }
      return { ticket: { index: decision.take, grantedAt: now } };
    };
    try {
      return Promise.resolve(this.database.db.transaction(decide).immediate());
    } catch (error) {
      // Another process is writing this very moment: ask again shortly (the loop's poll covers it).
      if (isLocked(error)) return Promise.resolve({ waitMs: LOCKED_RETRY_MS, inFlight: true });
      throw error;
    }
  }

  answer(ticket: TakenTicket, now: number): Promise<void> {
    return whenUnlocked(() => this.sql.answer.run(now, ticket.index, ticket.grantedAt));
  }

  pauseUntil(until: number): Promise<void> {
    return whenUnlocked(() => this.sql.pause.run(until));
  }

  close(): void {
    this.database.close();
  }

  private gone(holder: string, now: number): boolean {
    const known = this.goneChecks.get(holder);
    if (known && now - known.at < GONE_CHECK_MS) return known.gone;
    const gone = holderIsGone(holder);
    this.goneChecks.set(holder, { gone, at: now });
    if (this.goneChecks.size > 1000) this.goneChecks.clear();
    return gone;
  }
}

function prepare(database: SqliteDatabase) {
  const db = database.db;
  return {
    tickets: db.prepare('SELECT * FROM send_tickets WHERE idx < ? ORDER BY idx'),
    budget: db.prepare('SELECT * FROM send_budget WHERE id = 1'),
    claim: db.prepare(
      'UPDATE send_tickets SET granted_at = ?, answered_at = NULL, kind = ?, holder = ? WHERE idx = ?',
    ),
    pressure: db.prepare('UPDATE send_budget SET pressure = ?, pressure_at = ? WHERE id = 1'),
    answer: db.prepare(
      'UPDATE send_tickets SET answered_at = ? WHERE idx = ? AND granted_at = ? AND answered_at IS NULL',
    ),
    pause: db.prepare('UPDATE send_budget SET paused_until = MAX(paused_until, ?) WHERE id = 1'),
  };
}

function toTicket(row: TicketRow): Ticket {
  return {
    grantedAt: row.granted_at ?? undefined,
    answeredAt: row.answered_at ?? undefined,
    kind: row.kind ?? undefined,
    holder: row.holder ?? undefined,
  };
}
