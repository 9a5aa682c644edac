/**
 * What the bot believes about one user's registration, and which of two sources to believe: the
 * registration report (bulk, lags up to a few hours) or a live look at the user's methods (exact, but
 * blind to security questions).
 */
import type { RegisteredMethod } from './methods';

export interface RegistrationSnapshot {
  userId: string;
  methods: RegisteredMethod[];
  source: 'report' | 'live';
  /** When Microsoft's data was current: the report row's lastUpdatedDateTime, or the time of the live look. */
  asOf: string;
}

/**
 * The snapshot to trust. A live look newer than the report row wins (the report lags); an older one
 * loses (the report has caught up since). Security questions never appear in a live look, so when the
 * live look wins they are carried over from the report.
 */
export function combineSnapshots(
  report: RegistrationSnapshot | undefined,
  live: RegistrationSnapshot | undefined,
): RegistrationSnapshot | undefined {
  if (!live) return report;
  if (!report) return live;
  if (Date.parse(report.asOf) > Date.parse(live.asOf)) return report;
  const questions = report.methods.filter((m) => m.kind === 'securityQuestions');
  const liveHasQuestions = live.methods.some((m) => m.kind === 'securityQuestions');
  return liveHasQuestions || questions.length === 0
    ? live
    : { ...live, methods: [...live.methods, ...questions] };
}
