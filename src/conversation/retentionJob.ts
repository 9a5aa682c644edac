/**
 * Deletes what the bot no longer needs, once a day: each kind of record after its own retention period (the
 * purges, see privacy/retentionPurges.ts), then the data of people who have left the tenant.
 */
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';

const DAY_MS = 86_400_000;

/** One kind of record: deletes what is older than its period at `now`, and says how many went. */
export interface Purge {
  name: string;
  purge: (now: Date) => Promise<number>;
}

export interface RetentionJobDeps {
  purges: Purge[];
  /** Erases the data of people the directory no longer has (after the purges; absent: not checked). */
  leavers?: () => Promise<unknown>;
  /** After every pass: makes the deletions final on disk. */
  afterPass?: () => void;
  clock: Clock;
  log: Logger;
}

export class RetentionJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<Record<string, number>>;

  constructor(private readonly deps: RetentionJobDeps) {}

  /** Purges once now and then daily; the timer never keeps the process alive. */
  start(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), DAY_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass under way (so the stores are not closed under it). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * One pass: every purge, then the leavers. Returns how many records each purge deleted; a purge that fails
   * is logged and the others still run. Never throws.
   */
  runOnce(): Promise<Record<string, number>> {
    // A pass still running (a slow storage account) is not doubled up.
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<Record<string, number>> {
    const { purges, leavers, afterPass, clock, log } = this.deps;
    const deleted: Record<string, number> = {};
    for (const { name, purge } of purges) {
      try {
        deleted[name] = await purge(clock.now());
        if (deleted[name] > 0) log.info({ deleted: deleted[name], what: name }, 'retention purge');
      } catch (error) {
        log.error({ err: { message: (error as Error).message }, what: name }, 'retention purge failed');
      }
    }
    try {
      await leavers?.();
    } catch (error) {
      log.error({ err: { message: (error as Error).message } }, 'leavers check failed');
    }
    try {
      afterPass?.();
    } catch (error) {
      log.error({ err: { message: (error as Error).message } }, 'could not flush deletions to disk');
    }
    return deleted;
  }
}
