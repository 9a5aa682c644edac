/**
 * The campaign inside the bot process (NUDGE_SCHEDULER=on): a planning attempt every minute (it plans only
 * when the window is open and today's pass for the current stage has not run, under the planner lease), and
 * a worker that keeps the queue moving. `npm run nudge` does the same once, from the command line.
 */
import type { Logger } from '../logging/logger';
import type { CampaignPlanner } from './campaignPlanner';
import type { NudgeWorker } from './nudgeWorker';

export class NudgeScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private planning?: Promise<unknown>;

  constructor(
    private readonly deps: { planner: CampaignPlanner; worker: NudgeWorker; log: Logger; everyMs?: number },
  ) {}

  start(): void {
    const plan = () => {
      if (this.planning) return;
      this.planning = this.deps.planner
        .planIfDue()
        .then((attempt) => {
          if (attempt.kind === 'skipped')
            this.deps.log.debug({ reason: attempt.reason }, 'campaign planning skipped');
        })
        .catch((error: unknown) => {
          this.deps.log.error({ err: { message: (error as Error).message } }, 'campaign planning failed');
        })
        .finally(() => (this.planning = undefined));
    };
    plan();
    this.timer = setInterval(plan, this.deps.everyMs ?? 60_000);
    this.timer.unref();
    this.running = this.deps.worker.run();
    this.deps.log.info('nudge scheduler started');
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.deps.worker.stop();
    await Promise.allSettled([this.running, this.planning]);
  }
}
