/**
 * Registration progress as IT sees it: each person put in one category by the school's own rules
 * (evaluateRegistration), and the counts of each category per group. Pure: the registration snapshots and the
 * group memberships arrive from the caller (the report the status service already holds, never one Graph call
 * per user), and the date arrives inside `MethodAvailability`.
 */
import type { MethodAvailability } from '../policy/availability';
import { evaluateRegistration, type ReasonCode } from '../registration/evaluateRegistration';
import type { RegisteredMethod } from '../registration/methods';

/**
 * Where one person stands, in the order IT reads them: done; registered but relying on texts or calls that stop
 * at the cut-off; started but something is missing; nothing registered; not in the registration data yet.
 */
export const PROGRESS_CATEGORIES = ['complete', 'phoneOnly', 'partly', 'notStarted', 'unknown'] as const;
export type ProgressCategory = (typeof PROGRESS_CATEGORIES)[number];

/** One person's category and what still stops them being complete (blocking reasons, in fixing order). */
export interface PersonProgress {
  category: ProgressCategory;
  missing: ReasonCode[];
}

/** Counts per category, and everyone counted. */
export type ProgressCounts = Record<ProgressCategory, number> & { total: number };

/** A group as the overview shows it: the school as a whole, a report group (a year) or a campaign target. */
export interface ProgressGroup {
  id: string;
  name: string;
  kind: 'school' | 'report' | 'target';
}

export interface GroupProgress extends ProgressGroup {
  counts: ProgressCounts;
  /** Of the people not complete, how many each blocking reason holds back (one person may count under several). */
  missing: Partial<Record<ReasonCode, number>>;
}

/** A group and the object ids of its members (nested groups already flattened). */
export interface GroupMembers extends ProgressGroup {
  memberIds: readonly string[];
}

/** The id of the whole-school row: everyone in the groups `wholeSchoolGroups` picks, once. */
export const WHOLE_SCHOOL_ID = 'school';

/**
 * The groups whose members are the whole school: the campaign's target groups when there are any (the people
 * the campaign is for; a year group may hold others), else every listed group. The one definition behind the
 * whole-school number and the list and export behind it, so that they always agree.
 */
export function wholeSchoolGroups<G extends ProgressGroup>(groups: readonly G[]): G[] {
  const listed = groups.filter((g) => g.kind !== 'school');
  const targets = listed.filter((g) => g.kind === 'target');
  return targets.length > 0 ? targets : listed;
}

/** Where a person stands, from their registered methods (undefined: the registration data has no row for them). */
export function classifyRegistration(
  methods: readonly RegisteredMethod[] | undefined,
  availability: MethodAvailability,
): PersonProgress {
  if (!methods) return { category: 'unknown', missing: [] };
  const evaluation = evaluateRegistration(methods, availability);
  const missing = evaluation.reasons.filter((r) => r.blocking).map((r) => r.code);
  if (evaluation.complete) return { category: 'complete', missing };
  if (missing.includes('nothingRegistered')) return { category: 'notStarted', missing };
  // Singled out even when something else is missing too: these are the people locked out at the cut-off.
  if (missing.includes('phoneOnly')) return { category: 'phoneOnly', missing };
  return { category: 'partly', missing };
}

export function emptyCounts(): ProgressCounts {
  return { complete: 0, phoneOnly: 0, partly: 0, notStarted: 0, unknown: 0, total: 0 };
}

function tally(group: ProgressGroup, memberIds: Iterable<string>, stateOf: (id: string) => PersonProgress) {
  const counts = emptyCounts();
  const missing: Partial<Record<ReasonCode, number>> = {};
  for (const id of memberIds) {
    const state = stateOf(id);
    counts[state.category] += 1;
    counts.total += 1;
    if (state.category === 'complete') continue;
    for (const code of state.missing) missing[code] = (missing[code] ?? 0) + 1;
  }
  return { ...group, counts, missing };
}

/**
 * The counts for the whole school (everyone in `wholeSchoolGroups` once) and for each group in the order
 * given. `stateOf` is asked once per person per group it is in.
 */
export function summariseProgress(
  groups: readonly GroupMembers[],
  stateOf: (userId: string) => PersonProgress,
): GroupProgress[] {
  const everyone = new Set(wholeSchoolGroups(groups).flatMap((g) => g.memberIds));
  const school: ProgressGroup = { id: WHOLE_SCHOOL_ID, name: 'Whole school', kind: 'school' };
  return [
    tally(school, everyone, stateOf),
    ...groups.map(({ memberIds, ...group }) => tally(group, new Set(memberIds), stateOf)),
  ];
}

/** Complete as a whole percentage of everyone counted (0 for an empty group), rounded down so 99.6 % is not "100 %". */
export function percentComplete(counts: ProgressCounts): number {
  return counts.total === 0 ? 0 : Math.floor((counts.complete * 100) / counts.total);
}
