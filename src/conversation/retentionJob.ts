/** Deletes guide progress of users inactive for longer than the policy's retention period, once a day. */
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { UserProgressStore } from '../ports/userProgressStore';

const DAY_MS = 86_400_000;

export interface RetentionJobDeps {
  progress: UserProgressStore;
  clock: Clock;
  log: Logger;
  retentionDays: number;
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

  /** One purge; returns how many records were deleted. Errors are logged, never thrown. */
  async runOnce(): Promise<number> {
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
