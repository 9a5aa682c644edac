/**
 * The daily counts behind the IT view's trend: one row per school day with each group's figures, so IT sees
 * which reminder moved whom. Counts only: no user ids, no names.
 */
import type { LocalDate } from '../domain/policy/localDate';
import type { ProgressCounts, ProgressGroup } from '../domain/progress/schoolProgress';

/** One day's counts, per group (the whole school first). */
export interface DailyProgress {
  /** The school's local date the counts are for. */
  date: LocalDate;
  /** When they were counted (ISO). */
  takenAt: string;
  groups: (ProgressGroup & { counts: ProgressCounts })[];
}

export interface ProgressSnapshotStore {
  /** Keeps the day's counts; a later count of the same day replaces the earlier one (the day ends on its last). */
  record(day: DailyProgress): Promise<void>;
  /** Every day kept on or after `from` (all when absent), oldest first. */
  list(from?: LocalDate): Promise<DailyProgress[]>;
  /** Deletes the days before `cutoff`; returns how many went. */
  purgeBefore(cutoff: LocalDate): Promise<number>;
}
