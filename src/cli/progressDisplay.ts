/**
 * Shows the progress of a pass of `npm run nudge` while it plans and sends, from a look taken every so often
 * (the worker's counts and the queue's length): a bar that redraws itself in place on a terminal, or a plain
 * line now and then for a pipe, CI or a log file. Both write to stderr: stdout is the answer IT keeps
 * (`npm run nudge > pass.txt`) and must hold only that; stderr already carries the logs, and a terminal shows
 * both. The command picks one (see src/cli/nudge.ts).
 */
import { SingleBar } from 'cli-progress';
import {
  ProgressMeter,
  progressLine,
  type PassState,
  type ProgressFigures,
  type ProgressLook,
} from './nudgeProgress';

/** Where the figures come from: a look at the pass, and whether it is still planning. */
export interface ProgressSource {
  look(): Promise<ProgressLook>;
  state(): Extract<PassState, 'planning' | 'sending'>;
}

export interface ProgressDisplay {
  /** Starts looking at `source`: at once, then every `everyMs` (the display's own pace when absent). */
  start(source: ProgressSource, everyMs?: number): void;
  /**
   * Takes a last look, shows it as `state` and stops, leaving the cursor at the start of a fresh line. Safe to
   * call when never started, or twice.
   */
  stop(state: Extract<PassState, 'finished' | 'stopped'>): Promise<void>;
  /** Writes whole lines to `stream` (the command's answer, a log line) without tearing a bar being drawn. */
  write(stream: NodeJS.WritableStream, text: string): void;
}

/** Looks at the pass on a timer (never two looks at once) and hands on the figures. */
class Looker {
  private readonly meter = new ProgressMeter();
  private source?: ProgressSource;
  private timer?: NodeJS.Timeout;
  private looking?: Promise<void>;
  private last?: ProgressFigures;
  private stopped = false;

  constructor(
    private everyMs: number,
    private readonly show: (figures: ProgressFigures, first: boolean) => void,
  ) {}

  start(source: ProgressSource, everyMs = this.everyMs): void {
    this.source = source;
    this.everyMs = everyMs;
    this.looking = this.lookOnce(source.state(), true).finally(() => this.schedule());
  }

  async stop(state: Extract<PassState, 'finished' | 'stopped'>): Promise<ProgressFigures | undefined> {
    if (this.stopped || !this.source) return undefined;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.looking;
    await this.lookOnce(state, false, false);
    // After a storage fault on the last look: the last figures known.
    const final = this.last && { ...this.last, state };
    if (final) this.show(final, false);
    return final;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.looking = this.lookOnce(this.source!.state(), false).finally(() => this.schedule());
    }, this.everyMs);
  }

  private async lookOnce(state: PassState, first: boolean, show = true): Promise<void> {
    try {
      const look = await this.source!.look();
      this.last = this.meter.record(look, state);
      // A look that was under way when the pass stopped is not shown: the last one follows.
      if (show && !this.stopped) this.show(this.last, first);
    } catch {
      // The queue could not be counted this time (a storage fault): the next look tries again.
    }
  }
}

/** A plain line on `stream` every `everyMs`, and one at the end. */
export function plainProgress(stream: NodeJS.WritableStream, everyMs = 5000): ProgressDisplay {
  const looker = new Looker(everyMs, (figures, first) => {
    // The look at the start only starts the clock: a line of zeros says nothing.
    if (!first) stream.write(`${progressLine(figures)}\n`);
  });
  return {
    start: (source, everyMs) => looker.start(source, everyMs),
    stop: async (state) => {
      await looker.stop(state);
    },
    write: (target, text) => target.write(text),
  };
}

const BAR_WIDTH = 20;

/** `██████░░░░…` for `progress` (0 to 1). */
function barOf(progress: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, progress)) * BAR_WIDTH);
  return '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
}

/** A bar on the terminal `stream`, redrawn from a look every `everyMs`. */
export function terminalProgress(stream: NodeJS.WriteStream, everyMs = 1000): ProgressDisplay {
  let bar: SingleBar | undefined;
  const draw = (figures: ProgressFigures) => {
    const payload = { line: progressLine(figures) };
    const done = figures.planned - figures.left;
    if (!bar) {
      bar = new SingleBar({
        stream,
        // Cut to the terminal's width: a line that wrapped would be redrawn on its second row only.
        format: (_options, params, payload: { line: string }) =>
          `${barOf(params.progress)} ${payload.line}`.slice(0, Math.max(0, params.maxWidth - 1)),
        // Lines written above the bar (logs) still wrap.
        linewrap: true,
        // Redrawn after a line is written above it, not only when its figures change.
        forceRedraw: true,
        fps: 4,
        hideCursor: false,
      });
      bar.start(Math.max(1, figures.planned), done, payload);
    } else {
      bar.setTotal(Math.max(1, figures.planned));
      bar.update(done, payload);
    }
  };
  const looker = new Looker(everyMs, (figures) => draw(figures));
  return {
    start: (source, everyMs) => looker.start(source, everyMs),
    stop: async (state) => {
      await looker.stop(state);
      if (!bar) return;
      // The bar restores the cursor it saved at its start, which lines written since have moved on from:
      // saved again here, so it ends on its own line, whole, with the next output below it.
      stream.write('\x1B7');
      bar.stop();
      bar = undefined;
    },
    write: (target, text) => {
      if (!bar) {
        target.write(text);
        return;
      }
      // Clear the bar's line, write above where it was, and draw it again below.
      stream.cursorTo(0);
      stream.clearLine(0);
      target.write(text);
      bar.render();
    },
  };
}
