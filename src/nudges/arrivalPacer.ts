/**
 * Paces requests by when they can have ARRIVED, not when they started: Teams counts arrivals (50 per app per
 * second), and a request arrives somewhere between its start and its answer. So a request may start only once
 * the request `limit` places before it has been answered and a window (plus a margin) has passed since: then no
 * `limit + 1` requests can arrive within one window, however the network bunches them, and the app never causes
 * a 429 itself. The cost is one round trip per window (a few milliseconds against the stand-in; tens against
 * Teams), against the start-counting budget's 429s.
 */

/** Marks the request answered (or failed, or given up): call once, when its response or error is back. */
export type Answered = () => void;

export interface ArrivalPacerOptions {
  /** Requests allowed to arrive in any window (Teams: 50 per second per app). */
  limit: number;
  windowMs: number;
  /** Added to the window: clocks and timers are not exact. */
  marginMs?: number;
  /**
   * A request with no answer after this long is taken as answered then (a hung request must not stop the pacer
   * for good; the connector client's own timeout is far shorter).
   */
  answerCapMs?: number;
  /** Monotonic milliseconds; tests pass a fake. */
  now?: () => number;
}

interface Slot {
  grantedAt: number;
  answeredAt?: number;
}

export class ArrivalPacer {
  /** The last `limit` requests granted, oldest first. */
  private readonly slots: Slot[] = [];
  private readonly waiting = new Set<() => void>();
  private pausedUntil = 0;
  private closed = false;
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly answerCapMs: number;

  constructor(private readonly options: ArrivalPacerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.windowMs = options.windowMs + (options.marginMs ?? 0);
    this.answerCapMs = options.answerCapMs ?? 30_000;
  }

  /** Waits until a request may start; returns what to call when it is answered. Rejects once closed. */
  async acquire(): Promise<Answered> {
    for (;;) {
      if (this.closed) throw new Error('the send pacer is closed (the worker is stopping)');
      const wait = this.waitMs();
      if (wait === 0) break;
      // Woken by the timer, by an answer (which can open the way sooner) or by close; the timer and the wake
      // are both dropped whichever comes first.
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, wait);
        this.waiting.add(wake);
      });
    }
    const slot: Slot = { grantedAt: this.now() };
    this.slots.push(slot);
    if (this.slots.length > this.options.limit) this.slots.shift();
    return () => {
      if (slot.answeredAt !== undefined) return;
      slot.answeredAt = this.now();
      this.wakeAll();
    };
  }

  /** Stops the pacer: every waiting start rejects, and no timer is left behind. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const wake of [...this.waiting]) wake();
  }

  /** Holds every start for `ms` (a 429 from Teams: its Retry-After applies to the whole app). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** 0: go now; otherwise how long to wait before looking again. */
  private waitMs(): number {
    const now = this.now();
    if (now < this.pausedUntil) return Math.ceil(this.pausedUntil - now);
    if (this.slots.length < this.options.limit) return 0;
    const oldest = this.slots[0]!;
    // Not answered yet: wait for its answer (which wakes the waiters), or for the cap.
    const answeredAt = oldest.answeredAt ?? oldest.grantedAt + this.answerCapMs;
    if (now < answeredAt) return Math.ceil(answeredAt - now);
    const free = answeredAt + this.windowMs - now;
    return free <= 0 ? 0 : Math.ceil(free);
  }
}
