/**
 * A process's way into the app's Teams send budget (the tickets of `ports/sendWindow.ts`, shared by every
 * process that sends for the app). Every request to the Teams connector waits here for a ticket: a pupil's
 * reply first, then follow-ups, then the campaign, in the order they asked. One loop per process asks the table,
 * so a waiting reply is never behind a campaign's queue; it sleeps until the next ticket frees, and looks again
 * every few milliseconds while that depends on another process's answer.
 */
import {
  DEFAULT_SEND_RULE,
  SEND_PRIORITY,
  type SendKind,
  type SendRule,
} from '../domain/sending/sendTickets';
import { WaitHistogram } from '../domain/sending/waitHistogram';
import type { Logger } from '../logging/logger';
import type { SendWindow, TakeResult, TakenTicket } from '../ports/sendWindow';
import { MemorySendWindow } from './memorySendWindow';

/** Marks the request answered (or failed, or never sent): call once, when its response or error is back. */
export type Answered = () => void;

/** A wait or a table answer this long is logged. */
const SLOW_MS = 250;
/** While the shared table cannot be read, how long this process uses its own tickets before trying it again. */
const TABLE_RETRY_MS = 5000;

export class SendBudgetClosed extends Error {
  override readonly name = 'SendBudgetClosed';
}

export interface SendBudgetOptions {
  log: Logger;
  /** This process's worker id (src/nudges/workerProcess.ts): a restarted process frees a dead one's tickets. */
  holder: string;
  rule?: Partial<SendRule>;
  /** How often to look again while the next ticket waits for another process's answer (default 5 ms). */
  pollMs?: number;
  /** Wall-clock milliseconds (the table is shared across processes); tests pass a fake. */
  now?: () => number;
  /** Told each request's wait when it gets its ticket (the bot's metrics). */
  metrics?: SendWaitMetrics;
}

/** What is recorded of each request's wait for its ticket. */
export interface SendWaitMetrics {
  /** `waitedMs` from asking to its ticket; `heldMs` of that while the rule kept it waiting (the rest: the table). */
  sendWait(kind: SendKind, waitedMs: number, heldMs: number): void;
}

interface Waiter {
  kind: SendKind;
  seq: number;
  /** When it asked (this process's clock). */
  askedAt: number;
  /** The process's held time when it asked (`SendBudget.heldMs`). */
  heldAtAsk: number;
  lane?: SendLane;
  resolve: (answered: Answered) => void;
  reject: (error: Error) => void;
}

/** What one sender (a campaign worker) holds: its waits, which it can withdraw all at once when it stops. */
export interface SendLane {
  acquire(): Promise<Answered>;
  /** Teams answered 429: every process holds its starts for `ms`. */
  pause(ms: number): void;
  /** Rejects this lane's waiting requests; the budget itself goes on. */
  close(): void;
}

export interface SendBudgetStats {
  /** Tickets given, by kind. */
  granted: Record<SendKind, number>;
  /** 429s Teams answered, by the kind of request that met them. */
  throttled: Record<SendKind, number>;
  /**
   * How long requests waited for their ticket, by kind: `waited` from asking to the ticket, `held` the part of
   * it the rule made them wait (no ticket free for them, or a 429's pause); the rest is the table's answers.
   */
  waits: Record<SendKind, { waited: WaitHistogram; held: WaitHistogram }>;
}

const waitsOf = () => ({ waited: new WaitHistogram(), held: new WaitHistogram() });

export class SendBudget {
  readonly stats: SendBudgetStats = {
    granted: { reply: 0, followUp: 0, campaign: 0 },
    throttled: { reply: 0, followUp: 0, campaign: 0 },
    waits: { reply: waitsOf(), followUp: waitsOf(), campaign: waitsOf() },
  };
  private readonly rule: SendRule;
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly waiting: Waiter[] = [];
  private seq = 0;
  private pumping = false;
  private closed = false;
  /** This process's own tickets, for while the shared table cannot be read. */
  private readonly own: SendWindow;
  /** While the table is failing: when to try it again (0: it works). */
  private tableRetryAt = 0;
  private wake?: () => void;
  /** How long the pump has slept on the rule's word, in all (ms): a waiter's hold is what this grew meanwhile. */
  private heldMs = 0;
  /** When the pump's current sleep began (performance.now), if it is asleep. */
  private sleepingSince?: number;

  constructor(
    private readonly window: SendWindow,
    private readonly options: SendBudgetOptions,
  ) {
    this.rule = { ...DEFAULT_SEND_RULE, ...options.rule };
    this.now = options.now ?? Date.now;
    this.pollMs = options.pollMs ?? 5;
    this.own = new MemorySendWindow(window.limit);
  }

  /** Waits for a ticket for a request of `kind`; returns what to call when it is answered. */
  acquire(kind: SendKind, lane?: SendLane): Promise<Answered> {
    if (this.closed) return Promise.reject(new SendBudgetClosed('the send budget is closed'));
    return new Promise<Answered>((resolve, reject) => {
      // Woken first, so the pump's sleep ends (and is counted) before this request's hold begins.
      this.kick();
      this.waiting.push({
        kind,
        seq: this.seq++,
        askedAt: performance.now(),
        heldAtAsk: this.heldNow(),
        lane,
        resolve,
        reject,
      });
      void this.pump();
    });
  }

  /** A sender's own lane of `kind`: closing it withdraws only its waits. */
  lane(kind: SendKind): SendLane {
    let closed = false;
    const lane: SendLane = {
      acquire: () =>
        closed ? Promise.reject(new SendBudgetClosed('the sender is stopping')) : this.acquire(kind, lane),
      pause: (ms) => this.pause(ms),
      close: () => {
        closed = true;
        this.withdraw((w) => w.lane === lane, 'the sender is stopping');
      },
    };
    return lane;
  }

  /** Every process holds its starts for `ms` (Teams' Retry-After applies to the whole app). */
  pause(ms: number): void {
    this.window.pauseUntil(this.now() + ms).catch((error: unknown) => {
      this.options.log.warn(
        { err: { message: (error as Error).message } },
        'send budget: could not store a pause',
      );
    });
    this.kick();
  }

  /**
   * Teams refused a request with 429: within the budget that is a bug (another sender outside it, a limit set
   * too high), so it is an error in the log naming who met it, and every process pauses for the Retry-After.
   */
  throttled(kind: SendKind, retryAfterMs: number | undefined): void {
    this.stats.throttled[kind] += 1;
    this.options.log.error(
      { sendKind: kind, retryAfterMs, holder: this.options.holder },
      'Teams refused a send (429): the app went over its send budget',
    );
    this.pause(retryAfterMs ?? 1000);
  }

  /** Rejects every waiting request; nothing is left behind (no timer). Logs what this process's sends waited. */
  close(): void {
    if (!this.closed) this.logWaits();
    this.closed = true;
    this.withdraw(() => true, 'the send budget is closed');
  }

  /** The pump's held time so far, the sleep under way included. */
  private heldNow(): number {
    return this.heldMs + (this.sleepingSince === undefined ? 0 : performance.now() - this.sleepingSince);
  }

  /**
   * One line for the process's life: how many sends of each kind, how long they waited and were held (p50/p99 as
   * bucket bounds, and the longest), 429s. Whether pupils ever waited behind the campaign shows here and in
   * the metrics.
   */
  private logWaits(): void {
    const kinds = (Object.keys(this.stats.granted) as SendKind[]).filter((k) => this.stats.granted[k] > 0);
    if (kinds.length === 0) return;
    const round = (ms: number) => Math.round(ms);
    const sends = Object.fromEntries(
      kinds.map((kind) => {
        const { waited, held } = this.stats.waits[kind];
        return [
          kind,
          {
            sent: this.stats.granted[kind],
            waitedP50Ms: round(waited.quantile(0.5)),
            waitedP99Ms: round(waited.quantile(0.99)),
            waitedMaxMs: round(waited.max),
            heldP99Ms: round(held.quantile(0.99)),
            heldMaxMs: round(held.max),
            throttled: this.stats.throttled[kind],
          },
        ];
      }),
    );
    this.options.log.info(
      { holder: this.options.holder, sends },
      'send budget: what this process sent and waited',
    );
  }

  private withdraw(which: (w: Waiter) => boolean, reason: string): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const waiter = this.waiting[i]!;
      if (!which(waiter)) continue;
      this.waiting.splice(i, 1);
      waiter.reject(new SendBudgetClosed(reason));
    }
    this.kick();
  }

  /** The waiter to serve next: the highest priority, then the one that asked first. */
  private first(): Waiter | undefined {
    let best: Waiter | undefined;
    for (const w of this.waiting) {
      if (
        !best ||
        SEND_PRIORITY[w.kind] < SEND_PRIORITY[best.kind] ||
        (SEND_PRIORITY[w.kind] === SEND_PRIORITY[best.kind] && w.seq < best.seq)
      ) {
        best = w;
      }
    }
    return best;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let head = this.first(); head && !this.closed; head = this.first()) {
        const { result, from } = await this.take(head.kind);
        if ('ticket' in result) {
          const at = this.waiting.indexOf(head);
          // Withdrawn while the table answered: the ticket goes back unused.
          if (at < 0) {
            this.answer(result.ticket, from);
            continue;
          }
          this.waiting.splice(at, 1);
          head.resolve(this.answeredFor(result.ticket, from));
          this.stats.granted[head.kind] += 1;
          const waitedMs = performance.now() - head.askedAt;
          const heldMs = this.heldNow() - head.heldAtAsk;
          this.stats.waits[head.kind].waited.record(waitedMs);
          this.stats.waits[head.kind].held.record(heldMs);
          this.options.metrics?.sendWait(head.kind, waitedMs, heldMs);
          // A pupil kept waiting is what the budget exists to prevent: worth a line when it happens.
          if (head.kind !== 'campaign' && waitedMs >= SLOW_MS) {
            this.options.log.warn(
              { sendKind: head.kind, waitedMs: Math.round(waitedMs) },
              "send budget: a pupil's send waited for its ticket",
            );
          }
          continue;
        }
        // A reply that arrived while the table answered goes first: it is not put to sleep on a decision made
        // for the campaign. (Answers and waiters of the same kind do not count: they change no decision now.)
        if (this.first() !== head) continue;
        await this.sleep(result.inFlight ? Math.min(result.waitMs, this.pollMs) : result.waitMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * A ticket from the shared table, or, while the table cannot be read (a storage outage), from this process's
   * own tickets: a pupil must still get an answer ("sorry, something went wrong" included) when storage is down,
   * at the cost of not counting other processes' sends meanwhile. The table is tried again every few seconds.
   */
  private async take(kind: SendKind): Promise<{ result: TakeResult; from: SendWindow }> {
    const { holder, log } = this.options;
    if (this.now() < this.tableRetryAt) {
      return { result: await this.own.take(kind, holder, this.now(), this.rule), from: this.own };
    }
    const asked = performance.now();
    try {
      const result = await this.window.take(kind, holder, this.now(), this.rule);
      const tookMs = performance.now() - asked;
      if (tookMs >= SLOW_MS)
        log.warn({ tookMs: Math.round(tookMs) }, 'send budget: the table answered slowly');
      if (this.tableRetryAt > 0) {
        this.tableRetryAt = 0;
        log.info('send budget: the shared table answers again; its tickets are used again');
      }
      return { result, from: this.window };
    } catch (error) {
      if (this.tableRetryAt === 0) {
        log.error(
          { err: { message: (error as Error).message } },
          "send budget: the shared table cannot be read; this process paces its sends on its own meanwhile (other processes' sends are not counted)",
        );
      }
      this.tableRetryAt = this.now() + TABLE_RETRY_MS;
      return { result: await this.own.take(kind, holder, this.now(), this.rule), from: this.own };
    }
  }

  private answeredFor(ticket: TakenTicket, from: SendWindow): Answered {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.answer(ticket, from);
    };
  }

  private answer(ticket: TakenTicket, from: SendWindow): void {
    from
      .answer(ticket, this.now())
      .catch((error: unknown) => {
        this.options.log.warn(
          { err: { message: (error as Error).message } },
          'send budget: could not mark a request answered (its ticket frees at the cap)',
        );
      })
      .finally(() => this.kick());
  }

  /** Sleeps up to `ms`; a new waiter, an answer or close wakes it sooner. */
  private sleep(ms: number): Promise<void> {
    this.sleepingSince = performance.now();
    return new Promise<void>((resolve) => {
      // The sleep is counted the moment it ends (a wake is synchronous with its cause), not when the pump resumes.
      const done = () => {
        clearTimeout(timer);
        if (this.sleepingSince !== undefined) this.heldMs += performance.now() - this.sleepingSince;
        this.sleepingSince = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    }).finally(() => {
      this.wake = undefined;
    });
  }

  private kick(): void {
    this.wake?.();
  }
}
