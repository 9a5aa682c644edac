/**
 * The app's Teams send budget in Azure Tables, shared by every instance and by `npm run nudge` on the same
 * storage account: one partition of table `<prefix>sendbudget`, a row per ticket and one for the budget
 * (the pupils' pressure and a 429's pause). A take decides from the partition as read (one query, shared by
 * the process's takes for a moment) with the rule in `domain/sending/sendTickets.ts`, and claims the chosen
 * ticket with a replace under that row's etag: a ticket is held by one request at a time, so the limit holds
 * whatever else changed meanwhile. A 412 (another process claimed it first) reads and decides again.
 *
 * Two things differ from the SQLite table. The instances' clocks differ, and a ticket answered by one is freed
 * by another's clock: the window every take applies is widened by `clockMarginMs`. And no instance can tell
 * that another machine's process has ended, so a dead instance's unanswered tickets free only at the rule's cap.
 */
import type { TableClient } from '@azure/data-tables';
import {
  decideSend,
  type SendKind,
  type SendRule,
  type SendWindowState,
  type Ticket,
} from '../../domain/sending/sendTickets';
import type { SendWindow, TakeResult, TakenTicket } from '../../ports/sendWindow';
import { hasStatus, storageDeadline, type AzureStorageAccount } from './azureStorageAccount';
import { insertIfAbsent, replaceIfUnchanged, scan, type Read } from './tableOps';

const PARTITION = 'budget';
const BUDGET_ROW = 'state';
/** Ticket rows sort in index order (the limit is at most 1000). */
const ticketRow = (index: number) => `ticket-${String(index).padStart(4, '0')}`;

/** Claims lost to another process in one take before it steps back for a moment. */
const CLAIM_TRIES = 4;
/** How long a take that kept losing waits before it reads again (a moment: the tickets are being used). */
const CONTENDED_WAIT_MS = 5;
/**
 * How long a read of the partition serves this process's takes. Its own claims and answers are applied to it;
 * what other processes did shows at the latest this much later (a claim of a ticket they took fails at once and
 * reads again). On a busy Azurite one process took and answered 31 tickets a second with a read per take, 168
 * with the read shared.
 */
const SNAPSHOT_MS = 50;
/**
 * A snapshot up to this old still serves a take, while a read beside it brings it up to date: a process that
 * sends now and then (an instance answering a few pupils) claims in one round trip, not two.
 */
const STALE_MS = 500;

interface TicketEntity {
  grantedAt?: number;
  answeredAt?: number;
  kind?: SendKind;
  holder?: string;
}

interface BudgetEntity {
  pressure: number;
  pressureAt: number;
  pausedUntil: number;
}

/** The partition as this process last saw it (its own claims and answers applied), and when it was read. */
interface Snapshot {
  tickets: Map<number, Read<TicketEntity>>;
  budget?: Read<BudgetEntity>;
  readAt: number;
}

export interface AzureSendWindowOptions {
  /**
   * Added to the rule's window: how far two instances' clocks may differ (TEAMS_SEND_CLOCK_MARGIN_MS). A ticket
   * answered at 10:00:00.000 by one instance's clock must not be taken at 10:00:01.005 by another's that runs
   * ahead, or two requests could arrive within less than Teams' second.
   */
  clockMarginMs: number;
  /** How long one read of the partition serves this process's takes (default `SNAPSHOT_MS`; 0: a read a take). */
  snapshotMs?: number;
}

export class AzureSendWindow implements SendWindow {
  /** The etag each ticket this process holds was claimed with, so that its answer only marks that request. */
  private readonly claims = new Map<string, string>();
  private prepared?: Promise<void>;
  private snapshot?: Snapshot;
  /** When this process last wrote each ticket (its own claims and answers), against reads that overlapped. */
  private readonly writtenAt = new Map<number, number>();
  private refreshing?: Promise<unknown>;
  private readonly staleMs: number;
  private readonly snapshotMs: number;

  constructor(
    private readonly table: TableClient,
    readonly limit: number,
    private readonly options: AzureSendWindowOptions,
  ) {
    this.snapshotMs = options.snapshotMs ?? SNAPSHOT_MS;
    this.staleMs = this.snapshotMs > 0 ? STALE_MS : 0;
  }

  /** The budget of the account's tables; the table and its rows are created on first use. */
  static open(account: AzureStorageAccount, limit: number, options: AzureSendWindowOptions): AzureSendWindow {
    return new AzureSendWindow(account.table('sendbudget'), limit, options);
  }

  async take(kind: SendKind, holder: string, now: number, rule: SendRule): Promise<TakeResult> {
    await this.ready();
    const widened = { ...rule, windowMs: rule.windowMs + this.options.clockMarginMs };
    const started = performance.now();
    let fresh = false;
    for (let lost = 0; lost < CLAIM_TRIES;) {
      const snapshot = await this.current(fresh);
      const { state, order } = view(snapshot);
      const decision = decideSend(state, kind, now, widened);
      if (!('take' in decision)) {
        // A wait for an answer is worth a read: another process may have given it since the snapshot.
        if (decision.inFlight && snapshot.readAt < started) {
          fresh = true;
          continue;
        }
        return decision;
      }
      const index = order[decision.take]!;
      const row = snapshot.tickets.get(index)!;
      const held = { grantedAt: now, kind, holder };
      // The pressure is a soft signal (last writer wins), written alongside the claim rather than after it.
      const [etag] = await Promise.all([
        this.claim(row, held),
        decision.pressure !== state.pressure ? this.writePressure(decision.pressure, snapshot) : undefined,
      ]);
      if (etag === undefined) {
        // Another process has been using the tickets: read them again.
        lost++;
        fresh = true;
        continue;
      }
      this.wrote(index, { ...row, ...held, answeredAt: undefined, etag });
      const ticket = { index, grantedAt: now };
      this.claims.set(claimKey(ticket), etag);
      return { ticket };
    }
    return { waitMs: CONTENDED_WAIT_MS, inFlight: false };
  }

  async answer(ticket: TakenTicket, now: number): Promise<void> {
    const key = claimKey(ticket);
    const etag = this.claims.get(key);
    if (etag === undefined) return;
    this.claims.delete(key);
    // This process's own answer is in its snapshot at once: the ticket's free time is known without a read.
    const cached = this.snapshot?.tickets.get(ticket.index);
    if (cached?.etag === etag) this.wrote(ticket.index, { ...cached, answeredAt: now });
    try {
      const written = await this.table.updateEntity<TicketEntity>(
        { partitionKey: PARTITION, rowKey: ticketRow(ticket.index), answeredAt: now },
        'Merge',
        { etag, abortSignal: storageDeadline() },
      );
      const mine = this.snapshot?.tickets.get(ticket.index);
      if (mine?.etag === etag && written.etag) this.wrote(ticket.index, { ...mine, etag: written.etag });
    } catch (error) {
      // Taken over since (its request outlived the cap): the ticket is someone else's now.
      if (!hasStatus(error, 412) && !hasStatus(error, 404)) throw error;
    }
  }

  async pauseUntil(until: number): Promise<void> {
    await this.ready();
    await replaceIfUnchanged<BudgetEntity>(this.table, PARTITION, BUDGET_ROW, (current) =>
      current.pausedUntil >= until ? undefined : { ...current, pausedUntil: until },
    );
    // This process's next take sees the pause.
    this.snapshot = undefined;
  }

  close(): void {}

  /** Creates the table, the budget row and any ticket row missing (idempotent, safe from every instance). */
  private ready(): Promise<void> {
    this.prepared ??= this.prepare().catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }

  private async prepare(): Promise<void> {
    await this.table.createTable({ abortSignal: storageDeadline() });
    const present = new Set(
      (await scan<object>(this.table, `PartitionKey eq '${PARTITION}'`, { select: ['RowKey'] })).map(
        (r) => r.rowKey,
      ),
    );
    const missing: Promise<unknown>[] = [];
    if (!present.has(BUDGET_ROW)) {
      missing.push(
        insertIfAbsent<BudgetEntity>(this.table, {
          partitionKey: PARTITION,
          rowKey: BUDGET_ROW,
          pressure: 0,
          pressureAt: 0,
          pausedUntil: 0,
        }),
      );
    }
    for (let i = 0; i < this.limit; i++) {
      const rowKey = ticketRow(i);
      if (!present.has(rowKey))
        missing.push(insertIfAbsent<TicketEntity>(this.table, { partitionKey: PARTITION, rowKey }));
    }
    await Promise.all(missing);
  }

  /**
   * The partition as last read, or read now when that is older than `SNAPSHOT_MS` (or `fresh`). A stale snapshot
   * cannot break the limit: a claim is made under the ticket's etag as read, and fails if the ticket changed.
   */
  private async current(fresh: boolean): Promise<Snapshot> {
    const cached = this.snapshot;
    const age = cached ? performance.now() - cached.readAt : Infinity;
    if (!fresh && age < this.snapshotMs) return cached!;
    // Older, but not much: it serves this take while a read beside it brings it up to date for the next.
    if (!fresh && age < this.staleMs) {
      this.refreshing ??= this.read()
        .catch(() => undefined)
        .finally(() => (this.refreshing = undefined));
      return cached!;
    }
    return this.read();
  }

  private async read(): Promise<Snapshot> {
    const readAt = performance.now();
    const all = await scan<TicketEntity & Partial<BudgetEntity>>(
      this.table,
      `PartitionKey eq '${PARTITION}'`,
    );
    const tickets = new Map<number, Read<TicketEntity>>();
    for (const row of all) {
      const index = ticketIndex(row.rowKey);
      // A process configured for fewer tickets than the table has uses the first.
      if (index !== undefined && index < this.limit) tickets.set(index, row);
    }
    // This process's own claims and answers that landed after the read began may be missing from it: they stay.
    for (const [index, at] of this.writtenAt) {
      const mine = this.snapshot?.tickets.get(index);
      if (at >= readAt && mine) tickets.set(index, mine);
    }
    const budget = all.find((r) => r.rowKey === BUDGET_ROW) as Read<BudgetEntity> | undefined;
    const snapshot = { tickets, budget, readAt };
    // A read that began before the one in use and ended after it does not replace it.
    if (!this.snapshot || this.snapshot.readAt <= readAt) this.snapshot = snapshot;
    return snapshot;
  }

  /** Puts this process's own write of ticket `index` in the snapshot, and notes when. */
  private wrote(index: number, row: Read<TicketEntity>): void {
    this.snapshot?.tickets.set(index, row);
    this.writtenAt.set(index, performance.now());
  }

  /** Replaces the ticket under the etag it was read with: its new etag, or undefined if another claimed it. */
  private async claim(row: Read<TicketEntity>, held: Required<Omit<TicketEntity, 'answeredAt'>>) {
    try {
      const written = await this.table.updateEntity<TicketEntity>(
        { partitionKey: PARTITION, rowKey: row.rowKey, ...held },
        'Replace',
        { etag: row.etag, abortSignal: storageDeadline() },
      );
      return written.etag;
    } catch (error) {
      if (hasStatus(error, 412) || hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Last writer wins: a pause written meanwhile is kept (a merge of the pressure's two properties only). */
  private async writePressure(pressure: { value: number; at: number }, snapshot: Snapshot): Promise<void> {
    const budget = snapshot.budget;
    if (!budget) return;
    budget.pressure = pressure.value;
    budget.pressureAt = pressure.at;
    await this.table.updateEntity<Partial<BudgetEntity>>(
      { partitionKey: PARTITION, rowKey: BUDGET_ROW, pressure: pressure.value, pressureAt: pressure.at },
      'Merge',
      { abortSignal: storageDeadline() },
    );
  }
}

/**
 * The snapshot as the rule sees it. The tickets are listed from a random one onwards: the rule takes the first
 * free ticket, and processes that all began at the first would all try to claim the same one.
 */
function view(snapshot: Snapshot): { state: SendWindowState; order: number[] } {
  const indices = [...snapshot.tickets.keys()].sort((a, b) => a - b);
  const start = Math.floor(Math.random() * indices.length);
  const order = [...indices.slice(start), ...indices.slice(0, start)];
  const budget = snapshot.budget;
  return {
    state: {
      tickets: order.map((i) => toTicket(snapshot.tickets.get(i)!)),
      pressure: { value: budget?.pressure ?? 0, at: budget?.pressureAt ?? 0 },
      pausedUntil: budget?.pausedUntil ?? 0,
    },
    order,
  };
}

function claimKey(ticket: TakenTicket): string {
  return `${ticket.index}:${ticket.grantedAt}`;
}

function ticketIndex(rowKey: string): number | undefined {
  const m = /^ticket-(\d{4})$/.exec(rowKey);
  return m ? Number(m[1]) : undefined;
}

function toTicket(row: TicketEntity): Ticket {
  return { grantedAt: row.grantedAt, answeredAt: row.answeredAt, kind: row.kind, holder: row.holder };
}
