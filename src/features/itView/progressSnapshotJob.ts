/**
 * Keeps the trend: counts the school's progress a few minutes after the bot starts (not in the rush of the
 * start, when the report is being read) and then every hour, and records the day's figures (the day's last count
 * replaces its earlier ones, so each day ends on its evening figures). A school whose policy lists no groups has
 * nothing to count; one with no IT staff group has nobody to show the trend to, so it counts nothing either (no
 * Graph calls for a chart no one opens).
 */
import type { Logger } from '../../logging/logger';
import type { SchoolProgressService } from './schoolProgressService';

const HOUR_MS = 60 * 60_000;
const FIRST_AFTER_MS = 5 * 60_000;

export class ProgressSnapshotJob {
  private first?: NodeJS.Timeout;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly deps: {
      progress: SchoolProgressService;
      log: Logger;
      everyMs?: number;
      firstAfterMs?: number;
    },
  ) {}

  /** Counts after `firstAfterMs` (default 5 minutes), then every `everyMs` (default an hour); no timer holds the process. */
  start(): void {
    this.first = setTimeout(() => void this.runOnce(), this.deps.firstAfterMs ?? FIRST_AFTER_MS);
    this.first.unref();
    this.timer = setInterval(() => void this.runOnce(), this.deps.everyMs ?? HOUR_MS);
    this.timer.unref();
  }

  /** Stops the timer and gives a count under way up to `graceMs` to finish (it may be waiting on Graph). */
  async stop(graceMs = 5000): Promise<void> {
    clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    if (!this.running) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => (timeout = setTimeout(resolve, graceMs)))]);
    clearTimeout(timeout);
  }

  /** One count and record; a failure is logged and the next hour tries again. Never throws. */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const { progress, log } = this.deps;
    if (progress.groups().length === 0 || !progress.hasViewers()) return;
    try {
      const day = await progress.recordToday();
      log.info({ date: day.date, groups: day.groups.length }, 'it view: daily progress recorded');
    } catch (error) {
      log.warn({ err: { name: (error as Error).name } }, 'it view: daily progress not recorded');
    }
  }
}
