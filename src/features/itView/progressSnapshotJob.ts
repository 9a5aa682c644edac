/**
 * Keeps the trend: counts the school's progress when the bot starts and then every hour, and records the day's
 * figures (the day's last count replaces its earlier ones, so each day ends on its evening figures). A school
 * whose policy lists no groups has nothing to count.
 */
import type { Logger } from '../../logging/logger';
import type { SchoolProgressService } from './schoolProgressService';

const HOUR_MS = 60 * 60_000;

export class ProgressSnapshotJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly deps: { progress: SchoolProgressService; log: Logger; everyMs?: number }) {}

  /** Counts once now and then every `everyMs` (default an hour); the timer never keeps the process alive. */
  start(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.deps.everyMs ?? HOUR_MS);
    this.timer.unref();
  }

  /** Stops the timer and gives a count under way up to `graceMs` to finish (it may be waiting on Graph). */
  async stop(graceMs = 5000): Promise<void> {
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
    if (progress.groups().length === 0) return;
    try {
      const day = await progress.recordToday();
      log.info({ date: day.date, groups: day.groups.length }, 'it view: daily progress recorded');
    } catch (error) {
      log.warn(
        { err: { name: (error as Error).name, message: (error as Error).message } },
        'it view: daily progress not recorded',
      );
    }
  }
}
