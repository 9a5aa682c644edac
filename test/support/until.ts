/**
 * Waiting on something a test can observe (a request that arrived, a log line, a count), instead of sleeping
 * and hoping: `check` is asked again and again until it gives a truthy value, which is returned.
 */
import { inspect } from 'node:util';

export interface UntilOptions {
  /** What is awaited, in words: the failure names it. */
  what: string;
  timeoutMs?: number;
  /** Between two looks: short, since each look is cheap and every extra millisecond is test time. */
  intervalMs?: number;
}

/**
 * The first truthy value of `check`. A `check` that throws (an unmet `expect`, say) counts as "not yet". On
 * timeout this fails naming `what` and the last value or error seen, so the report says how far it got.
 */
export async function until<T>(
  check: () => T | Promise<T>,
  { what, timeoutMs = 15_000, intervalMs = 20 }: UntilOptions,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown;
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : inspect(last, { depth: 4, breakLength: Infinity });
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
