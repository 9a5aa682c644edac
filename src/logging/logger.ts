/**
 * Structured logs (pino, JSON lines). Logs carry ids, verbs and outcomes, never names, typed text or
 * secrets; the redaction list is a second line of defence for fields that must never appear.
 */
import pino from 'pino';

export type Logger = pino.Logger;

/** Field paths that are always censored if they ever reach a log call. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'text',
  '*.text',
  // Names of people, where Bot Framework objects carry them; not `*.name`, which would hide every error's name.
  'name',
  'user.name',
  'from.name',
  'recipient.name',
  'member.name',
  'reference.user.name',
  'activity.from.name',
  'activity.recipient.name',
  'displayName',
  '*.displayName',
];

/** A logger writing JSON lines to stdout (or `destination`, for tests). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'mfa-buddy' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Asynchronous, buffered writes keep logging off the turn's critical path; pino flushes on exit.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
