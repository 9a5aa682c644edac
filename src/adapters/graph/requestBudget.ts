/**
 * A request budget: at most `limit` request starts in any `windowMs`, shared by everything in the
 * process that calls one throttled API (Graph's identity and access reports: 5 per 10 s per app per
 * tenant). Waiting people go first; background work may not use the slots reserved for them; a 429's
 * Retry-After pauses every start until it has passed.
 */

export type BudgetPriority = 'interactive' | 'background';

export interface RequestBudgetOptions {
  /** Starts allowed per window (Graph reports: 5). */
  limit: number;
  /** The window (Graph reports: 10,000 ms). */
  windowMs: number;
  /**
   * Added to the window: the service counts arrivals, we count starts, and a request can arrive later than
   * it started (a token refresh, a slow connection). Without a margin those drifts become 429s.
   */
  marginMs?: number;
  /** Slots per window that background work leaves free for people. */
  reservedForInteractive?: number;
  /** Monotonic milliseconds; tests pass a fake. */
  now?: () => number;
}

/** Raised to a waiter whose signal aborted, or when the budget is closed. */
export class BudgetWaitAborted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BudgetWaitAborted';
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  cleanup: () => void;
}

export class RequestBudget {
  private readonly starts: number[] = [];
  private readonly queues: Record<BudgetPriority, Waiter[]> = { interactive: [], background: [] };
  private pausedUntil = 0;
  private timer?: NodeJS.Timeout;
  private timerAt = 0;
  private closed = false;
  private readonly window: number;
  private readonly reserved: number;
  private readonly now: () => number;
  /** Starts granted so far, by priority (for logs, tests and the benchmark). */
  readonly granted: Record<BudgetPriority, number> = { interactive: 0, background: 0 };

  constructor(private readonly options: RequestBudgetOptions) {
    this.window = options.windowMs + (options.marginMs ?? 0);
    this.reserved = Math.min(options.reservedForInteractive ?? 0, options.limit - 1);
    this.now = options.now ?? (() => performance.now());
  }

  /** How many are waiting, by priority. */
  get waiting(): Record<BudgetPriority, number> {
    return { interactive: this.queues.interactive.length, background: this.queues.background.length };
  }

  /** Resolves when the caller may start one request. Rejects when `signal` aborts first. */
  acquire(priority: BudgetPriority, signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new BudgetWaitAborted('the request budget is closed'));
    if (signal?.aborted) return Promise.reject(new BudgetWaitAborted('aborted before the budget allowed it'));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const queue = this.queues[priority];
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(new BudgetWaitAborted('aborted while waiting for the request budget'));
      };
      const waiter: Waiter = {
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queues[priority].push(waiter);
      this.pump();
    });
  }

  /** Honours a Retry-After: no request starts until `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.pump();
  }

  /** Rejects every waiter and stops the timer (process shutdown, end of a test). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const queue of Object.values(this.queues)) {
      for (const waiter of queue.splice(0)) {
        waiter.cleanup();
        waiter.reject(new BudgetWaitAborted('the request budget is closed'));
      }
    }
  }

  private pump(): void {
    if (this.closed) return;
    for (;;) {
      const now = this.now();
      while (this.starts.length > 0 && this.starts[0]! <= now - this.window) this.starts.shift();
      const priority: BudgetPriority | undefined =
        this.queues.interactive.length > 0
          ? 'interactive'
          : this.queues.background.length > 0
            ? 'background'
            : undefined;
      if (!priority) return;
      const cap = priority === 'interactive' ? this.options.limit : this.options.limit - this.reserved;
      let readyAt = now;
      if (this.pausedUntil > now) readyAt = this.pausedUntil;
      if (this.starts.length >= cap) {
        // The oldest start that must leave the window before one more fits under `cap`.
        const blocking = this.starts[this.starts.length - cap]!;
        readyAt = Math.max(readyAt, blocking + this.window);
      }
      if (readyAt > now) {
        this.wakeAt(readyAt);
        return;
      }
      const waiter = this.queues[priority].shift()!;
      this.starts.push(now);
      this.granted[priority] += 1;
      waiter.cleanup();
      waiter.resolve();
    }
  }

  private wakeAt(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(0, Math.ceil(at - this.now())),
    );
  }
}
