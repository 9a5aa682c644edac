/**
 * Readiness (`GET /readyz`): can this instance do its work right now? Liveness (`/healthz`) only says the
 * process serves. Each check is bounded in time and they run together, so an answer takes at most one
 * timeout; the answer is kept for a moment, so a burst of probes costs one round of checks.
 */
import type { PlanningState } from '../nudges/nudgeScheduler';

/** One thing the instance needs: resolves (with a short note) when it is there, rejects when it is not. */
export interface ReadinessCheck {
  name: string;
  run(): Promise<string | void>;
}

export interface ReadinessAnswer {
  ready: boolean;
  /** Each check: `ok` with a note, or what failed (for the operator on this machine only). */
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface ReadinessOptions {
  /** Longest one check may take before it counts as failed. */
  timeoutMs?: number;
  /** How long an answer is reused. */
  cacheMs?: number;
  now?: () => number;
}

class CheckTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** An error's message, short and on one line: it is shown to the operator, never to the public. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line || 'failed';
}

export class Readiness {
  private cached?: { at: number; answer: Promise<ReadinessAnswer> };
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly checks: ReadinessCheck[],
    options: ReadinessOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.cacheMs = options.cacheMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** The current answer: a fresh round of checks, or the one in flight or taken within `cacheMs`. */
  answer(): Promise<ReadinessAnswer> {
    const now = this.now();
    // A round still running is shared whatever its age: it ends within the timeout.
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.answer;
    const answer = this.runChecks();
    this.cached = { at: now, answer };
    // The cache counts from the answer, not the question: a slow round is not followed at once by another.
    void answer.then(() => {
      if (this.cached?.answer === answer) this.cached.at = this.now();
    });
    return answer;
  }

  private async runChecks(): Promise<ReadinessAnswer> {
    const results = await Promise.all(
      this.checks.map(async (check): Promise<[string, { ok: boolean; detail?: string }]> => {
        try {
          const note = await withTimeout(check.run(), this.timeoutMs);
          return [check.name, { ok: true, detail: note || undefined }];
        } catch (error) {
          return [check.name, { ok: false, detail: describe(error) }];
        }
      }),
    );
    const checks: ReadinessAnswer['checks'] = Object.fromEntries(results);
    return { ready: results.every(([, result]) => result.ok), checks };
  }
}

/** A planning pass older than this many planning intervals means the in-process campaign has stopped. */
export const STALE_PLANNING_INTERVALS = 3;
/** A pass still running counts as alive for this long (a trust's audience takes minutes to walk). */
export const LONGEST_PASS_MS = 30 * 60_000;

/**
 * The planning loop's check: a pass (an attempt that ended without an error) within the last few intervals,
 * or a pass running now that has not run for too long.
 */
export function planningCheck(state: () => PlanningState, now: () => number = Date.now): ReadinessCheck {
  return {
    name: 'planning',
    run: () => {
      const s = state();
      const at = now();
      if (s.runningSince !== undefined && at - s.runningSince < LONGEST_PASS_MS) {
        return Promise.resolve(`a pass is running (${Math.round((at - s.runningSince) / 1000)} s)`);
      }
      const since = s.lastPassAt ?? s.startedAt;
      const ageSeconds = Math.round((at - since) / 1000);
      if (at - since > STALE_PLANNING_INTERVALS * s.everyMs) {
        const why = s.lastError ? `; the last attempt failed (${s.lastError})` : '';
        return Promise.reject(
          new Error(`no planning pass for ${ageSeconds} s (every ${s.everyMs / 1000} s expected)${why}`),
        );
      }
      return Promise.resolve(
        s.lastPassAt === undefined ? 'first pass pending' : `last pass ${ageSeconds} s ago`,
      );
    },
  };
}
