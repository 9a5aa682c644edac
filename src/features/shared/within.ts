/** What `within` gives when the time ran out first (the work itself goes on). */
export const TIMED_OUT = Symbol('timed out');

/** `promise`, or TIMED_OUT after `ms`: a turn answers in time and the work it started carries on. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
