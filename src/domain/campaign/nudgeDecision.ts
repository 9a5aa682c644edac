/**
 * Which nudge a user is owed right now, if any: the current stage's reminder, or the reminder after a snooze.
 * The planner asks it to decide what to queue; the worker asks it again just before sending, so a reminder
 * that has gone stale (a later stage is due, the user snoozed) is never sent. Pure.
 */
import type { ActiveStage } from './stagePlan';
import { campaignMoment, nextOpening, type Campaign, type SendingWindow } from './campaignTime';

/** Outcomes a nudge can have in the ledger. `queued` is the only one that is not final. */
export const NUDGE_STATES = [
  'queued',
  'sent',
  'failed',
  'blocked',
  'notInstallable',
  'skippedRegistered',
  'snoozed',
  'expired',
] as const;
export type NudgeState = (typeof NUDGE_STATES)[number];

/** What the decision needs to know about one earlier nudge of the user in this campaign. */
export interface NudgeHistoryItem {
  nudge: string;
  state: NudgeState;
  /** ISO; set when state is `snoozed`. */
  snoozedUntil?: string;
  /** ISO time of the last change. */
  updatedAt: string;
}

/** `d7` → the stage's own reminder; `d7+s1` → the reminder after the first snooze of stage d7. */
export function nudgeKey(stage: string, snooze = 0): string {
  return snooze > 0 ? `${stage}+s${snooze}` : stage;
}

export function parseNudgeKey(key: string): { stage: string; snooze: number } {
  const m = /^(d\d+)(?:\+s(\d+))?$/.exec(key);
  return m ? { stage: m[1]!, snooze: Number(m[2] ?? 0) } : { stage: key, snooze: 0 };
}

export type NudgeDue =
  /** Owed now, in `window` (the words of the nudge may follow it). */
  | { kind: 'send'; nudge: string; stage: ActiveStage; window: SendingWindow }
  /** Owed, but not now: outside the window, or snoozed. */
  | { kind: 'wait'; nudge: string; stage: ActiveStage; until: Date; reason: 'window' | 'snoozed' }
  | { kind: 'none'; reason: 'notStarted' | 'over' | 'alreadyNudged' | 'blocked' };

export interface NudgeDueInput {
  campaign: Campaign;
  now: Date;
  /** The user's nudges in this campaign; entries still `queued` are ignored (they are what is being decided). */
  history: readonly NudgeHistoryItem[];
  /** ISO time the user's conversation reference was last refreshed (a blocked user who spoke again is reachable). */
  reachableSince?: string;
  /** The target group whose windows the user's nudges arrive in (undefined: the campaign's window). */
  group?: string;
}

/** The nudge owed to a user at `now`. */
export function nudgeDue({ campaign, now, history, reachableSince, group }: NudgeDueInput): NudgeDue {
  const moment = campaignMoment(campaign, now, group);
  if (moment.kind === 'over') return { kind: 'none', reason: 'over' };
  if (moment.kind === 'notStarted') return { kind: 'none', reason: 'notStarted' };
  const done = history.filter((h) => h.state !== 'queued');
  // A user who blocked the bot stays unreached for the campaign, until they speak to it again.
  const blocked = done
    .filter((h) => h.state === 'blocked')
    .map((h) => h.updatedAt)
    .sort()
    .at(-1);
  if (blocked && !(reachableSince && reachableSince > blocked)) return { kind: 'none', reason: 'blocked' };

  const { stage } = moment;
  const chain = done
    .map((h) => ({ ...h, ...parseNudgeKey(h.nudge) }))
    .filter((h) => h.stage === stage.key)
    .sort((a, b) => a.snooze - b.snooze);
  const last = chain.at(-1);
  let nudge: string;
  if (!last) nudge = nudgeKey(stage.key);
  else if (last.state === 'snoozed') nudge = nudgeKey(stage.key, last.snooze + 1);
  else return { kind: 'none', reason: 'alreadyNudged' };

  const snoozedUntil = done
    .filter((h) => h.state === 'snoozed' && h.snoozedUntil)
    .map((h) => h.snoozedUntil!)
    .sort()
    .at(-1);
  if (snoozedUntil && Date.parse(snoozedUntil) > now.getTime()) {
    const until = nextOpening(campaign, new Date(snoozedUntil), group) ?? new Date(snoozedUntil);
    return { kind: 'wait', nudge, stage, until, reason: 'snoozed' };
  }
  if (moment.kind === 'paused') {
    if (!moment.opensAt) return { kind: 'none', reason: 'over' };
    return { kind: 'wait', nudge, stage, until: moment.opensAt, reason: 'window' };
  }
  return { kind: 'send', nudge, stage, window: moment.window };
}

/** How many snoozes the user has used in this campaign. */
export function snoozesUsed(history: readonly NudgeHistoryItem[]): number {
  return history.filter((h) => h.state === 'snoozed').length;
}
