/**
 * One line of the setup check (`npm run doctor`): what was checked, how it came out, and for a failure the
 * one thing an IT admin does about it. Pure: the CLI gathers answers, these modules decide.
 */

/** ✔ as needed; ⚠ works, but worth knowing (or cannot be seen from here); ✘ a configured feature will fail. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckLine {
  status: CheckStatus;
  /** What was checked and what was found, on one line. */
  text: string;
  /** For ✘ (and some ⚠): one sentence an IT admin can act on. */
  fix?: string;
}

export const CHECK_SYMBOLS: Record<CheckStatus, string> = { ok: '✔', warn: '⚠', fail: '✘' };

export const ok = (text: string): CheckLine => ({ status: 'ok', text });
export const warn = (text: string, fix?: string): CheckLine => ({ status: 'warn', text, fix });
export const fail = (text: string, fix: string): CheckLine => ({ status: 'fail', text, fix });

/** The line as printed: the symbol and the text, then the fix (a hint, for ⚠) indented below it. */
export function formatCheckLine(line: CheckLine): string {
  const head = `${CHECK_SYMBOLS[line.status]} ${line.text}`;
  if (!line.fix) return head;
  return `${head}\n    ${line.status === 'fail' ? 'fix' : 'hint'}: ${line.fix}`;
}

/** 0 when nothing failed; 1 when anything did (⚠ alone does not fail the check). */
export function doctorExitCode(lines: readonly CheckLine[]): 0 | 1 {
  return lines.some((l) => l.status === 'fail') ? 1 : 0;
}

/**
 * What a Graph call answered, without the adapter's types: the body, or the HTTP status and Graph's error
 * code (status 0: no answer at all, a timeout or a network error).
 */
export type GraphAnswer<T> =
  { kind: 'ok'; body: T } | { kind: 'error'; status: number; code?: string; message: string };
