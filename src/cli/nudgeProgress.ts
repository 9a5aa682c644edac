/**
 * What `npm run nudge` shows of a pass while it plans and sends: figures worked out from repeated looks at the
 * worker's counts and the queue's length, and the line that says them
 * (`planned 1200 · sent 800 · left 400 · 41.8/s · about 10 s left`). Pure: the times are passed in, and the
 * command decides where the line goes (a bar on a terminal, a plain line otherwise).
 */
import type { JobResult, WorkerStats } from '../nudges/nudgeWorker';

/** One look at the pass. */
export interface ProgressLook {
  atMs: number;
  /** Nudges the worker has finished with, whatever the outcome (sent, blocked, skipped, failed…). */
  done: number;
  sent: number;
  /** Messages on the queue, visible or not: to send, waiting for a retry or an install, or snoozed. */
  queued: number;
}

export type PassState = 'planning' | 'sending' | 'finished' | 'stopped';

export interface ProgressFigures {
  state: PassState;
  /** Everything this pass has had to deal with: finished plus still on the queue. */
  planned: number;
  sent: number;
  left: number;
  /** Sends per second (lately while running, on average once over); undefined before the first send. */
  rate?: number;
  /** Seconds until the queue is empty at the pace it has lately emptied; undefined when that is not known. */
  etaSeconds?: number;
  elapsedSeconds: number;
}

/** Outcomes that put a message back on the queue: it is not finished with. */
const COMES_BACK: ReadonlySet<JobResult> = new Set<JobResult>(['deferred', 'installing']);

/** The worker's counts as a look needs them. */
export function finishedOf(stats: WorkerStats): { done: number; sent: number } {
  let done = 0;
  for (const [result, n] of Object.entries(stats.results) as [JobResult, number][])
    if (!COMES_BACK.has(result)) done += n;
  return { done, sent: stats.results.sent };
}

/** How far back the pace is measured: long enough to smooth the rate's steps, short enough to see a pause. */
const PACE_WINDOW_MS = 10_000;

/** Keeps the recent looks at a pass and works out its figures. */
export class ProgressMeter {
  private first?: ProgressLook;
  private recent: ProgressLook[] = [];

  constructor(private readonly paceWindowMs = PACE_WINDOW_MS) {}

  /** Records `look` and returns the figures as of it. */
  record(look: ProgressLook, state: PassState): ProgressFigures {
    this.first ??= look;
    this.recent.push(look);
    // Keep the newest look older than the window, so the pace always spans the whole window.
    while (this.recent.length > 2 && look.atMs - this.recent[1]!.atMs >= this.paceWindowMs)
      this.recent.shift();
    const over = state === 'finished' || state === 'stopped';
    const from = over ? this.first : this.recent[0]!;
    const seconds = (look.atMs - from.atMs) / 1000;
    const figures: ProgressFigures = {
      state,
      planned: look.done + look.queued,
      sent: look.sent,
      left: look.queued,
      elapsedSeconds: (look.atMs - this.first.atMs) / 1000,
    };
    if (look.sent > 0 && seconds > 0) figures.rate = (look.sent - from.sent) / seconds;
    const emptying = seconds > 0 ? (look.done - from.done) / seconds : 0;
    if (!over && look.queued > 0 && emptying > 0) figures.etaSeconds = look.queued / emptying;
    return figures;
  }
}

/** `4 s`, `3 min 20 s`, `1 h 5 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const minutes = Math.round(s / 60);
  return minutes % 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes / 60} h`;
}

/** An estimate, rounded as a person would say it: `about 10 s`, `about 4 min`, `about 1 h 5 min`. */
export function formatEstimate(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `about ${s} s`;
  if (s < 3600) return `about ${Math.round(s / 60)} min`;
  return `about ${formatDuration(Math.round(s / 60) * 60)}`;
}

/** The progress line: `planned 1200 · sent 800 · left 400 · 41.8/s · about 10 s left`. */
export function progressLine(f: ProgressFigures): string {
  const planning = f.state === 'planning';
  const parts = [`planned ${f.planned}${planning ? ' so far' : ''}`, `sent ${f.sent}`, `left ${f.left}`];
  if (f.rate !== undefined) parts.push(`${f.rate.toFixed(1)}/s`);
  if (f.state === 'finished') {
    const waiting = f.left > 0 ? `; ${f.left} wait on the queue for later` : '';
    parts.push(
      `${f.planned === 0 ? 'nothing to send, ' : ''}finished in ${formatDuration(f.elapsedSeconds)}${waiting}`,
    );
  } else if (f.state === 'stopped') parts.push(`stopped after ${formatDuration(f.elapsedSeconds)}`);
  else if (f.left === 0) parts.push(planning ? 'still planning' : 'queue empty');
  else if (f.etaSeconds === undefined) parts.push('time left not known yet');
  else parts.push(`${formatEstimate(f.etaSeconds)} left${planning ? ' (still planning)' : ''}`);
  return parts.join(' · ');
}
