/**
 * How long sends waited, in fixed buckets: a process that runs for weeks answers many thousands of pupils, so it
 * keeps counts, not samples. A quantile is read as the upper bound of the bucket it falls in, or the longest wait
 * if that is less: never less than the true value, exact for waits of 0 ms, within a factor of two above 5 ms.
 */

/** Upper bounds in milliseconds; a wait above the last lands in the overflow bucket. */
export const WAIT_BUCKETS_MS = [0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const;

export class WaitHistogram {
  /** One count per bucket, then the overflow. */
  private readonly counts = new Array<number>(WAIT_BUCKETS_MS.length + 1).fill(0);
  private total = 0;
  private most = 0;

  record(ms: number): void {
    const at = WAIT_BUCKETS_MS.findIndex((bound) => ms <= bound);
    this.counts[at < 0 ? WAIT_BUCKETS_MS.length : at]! += 1;
    this.total += 1;
    this.most = Math.max(this.most, ms);
  }

  get count(): number {
    return this.total;
  }

  /** The longest wait recorded (0 when none). */
  get max(): number {
    return this.most;
  }

  /**
   * The bucket bound at or under which `q` of the waits fell (0 when none); past the last bound, the longest
   * wait recorded.
   */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < WAIT_BUCKETS_MS.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(WAIT_BUCKETS_MS[i]!, this.most);
    }
    return this.most;
  }
}
