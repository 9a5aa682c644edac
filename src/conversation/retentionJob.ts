/**
 * Deletes guide progress of users inactive for longer than the policy's retention period, once a day, and
 * runs the other features' purges (escalations, support-code checks) on the same schedule.
 */
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { UserProgressStore } from '../ports/userProgressStore';

const DAY_MS = 86_400_000;

export interface RetentionJobDeps {
  progress: UserProgressStore;
  clock: Clock;
  log: Logger;
  retentionDays: number;
  /** More purges: each deletes what is older than its own period and returns how many it deleted. */
  others?: { name: string; purge: (now: Date) => Promise<number> }[];
}

export class RetentionJob {
  private timer?: NodeJS.Timeout;

  constructor(private readonly deps: RetentionJobDeps) {}

  /** Purges once now and then daily; the timer never keeps the process alive. */
  start(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), DAY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One purge of everything; returns how many guide records were deleted. Errors are logged, never thrown. */
  async runOnce(): Promise<number> {
    for (const other of this.deps.others ?? []) {
      try {
        const deleted = await other.purge(this.deps.clock.now());
        if (deleted > 0) this.deps.log.info({ deleted, what: other.name }, 'retention purge');
      } catch (error) {
        this.deps.log.error(
          { err: { message: (error as Error).message }, what: other.name },
          'retention purge failed',
        );
      }
    }
    const cutoff = new Date(this.deps.clock.now().getTime() - this.deps.retentionDays * DAY_MS);
    try {
      const deleted = await this.deps.progress.purgeInactiveSince(cutoff);
      if (deleted > 0) this.deps.log.info({ deleted, cutoff: cutoff.toISOString() }, 'retention purge');
      return deleted;
    } catch (error) {
      this.deps.log.error({ err: { message: (error as Error).message } }, 'retention purge failed');
      return 0;
    }
  }
}
