/**
 * Graph's identity and access reports throttle, as the stand-in enforces it: at most `limit` requests in
 * any `windowMs` per app per tenant. A request over it gets 429 with Retry-After and is counted as a
 * violation, so a test can assert that the bot caused none.
 */
export class ReportsBudgetEnforcer {
  /** Arrival times (ms) of the requests admitted in the current window. */
  private readonly arrivals: number[] = [];
  /** Requests refused with 429 because the bot went over the budget. */
  violations = 0;
  /** Requests admitted. */
  admitted = 0;

  constructor(
    readonly limit = 5,
    readonly windowMs = 10_000,
  ) {}

  /** Admits a request arriving at `now`, or says how many seconds to wait. */
  admit(now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    while (this.arrivals.length > 0 && this.arrivals[0]! <= now - this.windowMs) this.arrivals.shift();
    if (this.arrivals.length >= this.limit) {
      this.violations += 1;
      const wait = this.arrivals[0]! + this.windowMs - now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    this.arrivals.push(now);
    this.admitted += 1;
    return { ok: true };
  }
}
