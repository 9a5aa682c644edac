/** A pino logger whose JSON lines are kept in memory, for assertions about what was (not) logged. */
import { createLogger, type Logger } from '../../src/logging/logger';

export interface CapturedLog {
  log: Logger;
  lines: string[];
  /** Parsed lines whose `msg` matches. */
  find(msg: RegExp): Record<string, unknown>[];
}

export function captureLog(level = 'debug'): CapturedLog {
  const lines: string[] = [];
  const log = createLogger(level, { write: (line: string) => void lines.push(line) });
  return {
    log,
    lines,
    find: (msg) =>
      lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => typeof l.msg === 'string' && msg.test(l.msg)),
  };
}
