/**
 * The campaign inside the bot process (NUDGE_SCHEDULER=on): a planning attempt every minute (it plans only
 * when the window is open and today's pass for the current stage has not run, under the planner lease; while
 * the window is shut, it takes the day's live looks at email addresses ahead of the next pass), and a worker
 * that keeps the queue moving. `npm run nudge` does the same once, from the command line. What the
 * planning did last is kept for the readiness check.
 */
import type { Logger } from '../logging/logger';
import type { CampaignPlanner } from './campaignPlanner';
import type { NudgeWorker } from './nudgeWorker';

/** The planning loop as the readiness check sees it (real time, in ms since the epoch). */
export interface PlanningState {
  /** How often an attempt starts. */
  everyMs: number;
  /** When the scheduler started. */
  startedAt: number;
  /** When the last attempt ended without an error (planned, or skipped: nothing due, another instance plans). */
  lastPassAt?: number;
  /** When the attempt still running started. */
  runningSince?: number;
  /** The last attempt's error, if it failed (its name only). */
  lastError?: string;
}

export class NudgeScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private planning?: Promise<unknown>;
  private readonly state: PlanningState;

  constructor(
    private readonly deps: {
      planner: CampaignPlanner;
      worker: NudgeWorker;
      log: Logger;
      everyMs?: number;
      /** Real time (the campaign's clock may be moved in tests; the loop's timer is not). */
      now?: () => number;
    },
  ) {
    this.state = { everyMs: deps.everyMs ?? 60_000, startedAt: this.now() };
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  start(): void {
    this.state.startedAt = this.now();
    const plan = () => {
      if (this.planning) return;
      this.state.runningSince = this.now();
      this.planning = this.deps.planner
        .planIfDue()
        .then(async (attempt) => {
          this.state.lastPassAt = this.now();
          this.state.lastError = undefined;
          if (attempt.kind === 'skipped')
            this.deps.log.debug({ reason: attempt.reason }, 'campaign planning skipped');
          // Outside the window, the looks the next pass would wait for (once a day). A failure here is not the
          // planning's: the pass takes whatever looks are still missing.
          if (attempt.kind === 'skipped' && attempt.reason === 'windowShut')
            await this.deps.planner.checkAhead().catch((error: unknown) => {
              this.deps.log.warn(
                { err: { name: (error as Error).name } },
                'campaign: email checks ahead of the pass failed',
              );
            });
        })
        .catch((error: unknown) => {
          this.state.lastError = (error as Error).name;
          this.deps.log.error({ err: { message: (error as Error).message } }, 'campaign planning failed');
        })
        .finally(() => {
          this.planning = undefined;
          this.state.runningSince = undefined;
        });
    };
    plan();
    this.timer = setInterval(plan, this.state.everyMs);
    this.timer.unref();
    this.running = this.deps.worker.run();
    this.deps.log.info('nudge scheduler started');
  }

  /** What the planning loop did last (a copy). */
  planningState(): PlanningState {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.deps.worker.stop();
    await Promise.allSettled([this.running, this.planning]);
  }
}
