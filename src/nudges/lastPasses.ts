/**
 * The last planning pass of each set of target groups planned together, for the delivery report. Groups with
 * sending windows of their own are planned apart (staff in the morning, pupils after school), so the report
 * keeps one pass per set rather than only whichever ran last. All of them live in one campaign marker, a small
 * JSON object keyed by the set's sorted group ids: one read for the report, and one read-modify-write per
 * pass under the planner lease, which already keeps two passes from running at once. A pass drops the entries
 * whose groups it planned again, so each set shown is one no later pass has covered whole.
 */
import type { PassSummary } from './campaignPlanner';

/** The marker holding every set's last pass. */
export const LAST_PASSES = 'lastPasses';
/** The marker older versions wrote (the latest pass only); still written, and read when a pass is not in the other. */
export const LAST_PASS = 'lastPass';

/** A marker's JSON object, or nothing when it is missing or unreadable (the report must still show the rest). */
function parsed<T>(value: string | undefined): T | undefined {
  if (!value) return undefined;
  try {
    const found: unknown = JSON.parse(value);
    return found && typeof found === 'object' ? (found as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The value of the `lastPasses` marker once `summary`'s pass is recorded in `stored` (its current value). */
export function withLastPass(stored: string | undefined, summary: PassSummary): string {
  const planned = new Set(summary.groups);
  const kept = Object.entries(parsed<Record<string, PassSummary>>(stored) ?? {}).filter(
    ([, pass]) => !(pass.groups ?? []).every((id) => planned.has(id)),
  );
  return JSON.stringify(Object.fromEntries([...kept, [[...planned].sort().join(','), summary]]));
}

/**
 * Every set's last pass, newest first, from both markers' values. A ledger from before this marker holds only
 * `lastPass` (a summary that may not name its groups: `groups` is then empty); it counts as one more entry
 * unless it is the same pass as one of the others.
 */
export function lastPassesOf(lastPasses: string | undefined, lastPass: string | undefined): PassSummary[] {
  const passes = Object.values(parsed<Record<string, PassSummary>>(lastPasses) ?? {});
  const legacy = parsed<PassSummary>(lastPass);
  if (legacy && !passes.some((p) => p.at === legacy.at)) passes.push(legacy);
  return passes
    .map((p) => ({ ...p, groups: p.groups ?? [] }))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}
