/**
 * Where a campaign stands at a given instant: not started, sending (inside a sending window), paused (a night,
 * a weekend, a holiday) or over, with the stage that is current and when the window next opens. Each target
 * group may have its own windows (pupils after school, staff in the day): everything here takes the group.
 * The clock is passed in; nothing here reads the time.
 */
import type { CampaignPolicy, TargetGroup } from '../policy/campaignPolicy';
import { daysBetween, type LocalDate } from '../policy/localDate';
import { isTermDay } from './schoolCalendar';
import { activeStages, planStages, type ActiveStage, type PlannedStage } from './stagePlan';
import { addDays, instantAt, wallClockAt, weekdayOf, type Weekday } from './zonedTime';

/** A campaign as the planner and the workers use it. */
export interface Campaign {
  /** Stable id, one campaign per enforcement date: `enforcement-2027-01-11`. */
  id: string;
  enforcementDate: LocalDate;
  timeZone: string;
  policy: CampaignPolicy;
  plan: PlannedStage[];
  stages: ActiveStage[];
}

export function campaignIdFor(enforcementDate: LocalDate): string {
  return `enforcement-${enforcementDate}`;
}

/** The enforcement date a campaign id was made from; undefined for an id not made by `campaignIdFor`. */
export function enforcementDateOf(campaignId: string): LocalDate | undefined {
  const m = /^enforcement-(\d{4}-\d{2}-\d{2})$/.exec(campaignId);
  return m && !Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`)) ? m[1] : undefined;
}

/**
 * Whether a campaign's records are past keeping on `today`: more than `daysAfter` days after its enforcement
 * date. A campaign whose id names no date is never past keeping by this rule.
 */
export function isCampaignPastRetention(campaignId: string, today: LocalDate, daysAfter: number): boolean {
  const enforcement = enforcementDateOf(campaignId);
  return enforcement !== undefined && daysBetween(enforcement, today) > daysAfter;
}

/** The campaign of a policy's campaign section. */
export function buildCampaign(
  policy: CampaignPolicy,
  enforcementDate: LocalDate,
  timeZone: string,
): Campaign {
  const plan = planStages(policy, enforcementDate);
  return {
    id: campaignIdFor(enforcementDate),
    enforcementDate,
    timeZone,
    policy,
    plan,
    stages: activeStages(plan),
  };
}

/**
 * A window nudges may arrive in: the campaign's `window` (on school days), or one of a target group's own.
 * `schoolDaysOnly`: only on days inside a term and outside every holiday (the weekday is `days`' business).
 */
export interface SendingWindow {
  days: readonly Weekday[];
  from: string;
  to: string;
  schoolDaysOnly: boolean;
}

export type CampaignMoment =
  /** Before the first stage's day: nothing to send yet. */
  | { kind: 'notStarted'; opensAt: Date; first: ActiveStage }
  /** A stage is current but the window is shut (night, weekend, holiday); `opensAt` is its next opening. */
  | { kind: 'paused'; stage: ActiveStage; opensAt?: Date }
  /** Inside a sending window (`window`, the one open now). */
  | { kind: 'open'; stage: ActiveStage; closesAt: Date; window: SendingWindow }
  /** After the enforcement date (or no stage goes out at all). */
  | { kind: 'over' };

/**
 * The windows a target group's nudges arrive in: its own, or the campaign's `window` for a group without any
 * (and for `group` undefined, or a group the policy no longer names).
 */
export function windowsOf(campaign: Campaign, group?: string): readonly SendingWindow[] {
  const own = group ? campaign.policy.targets.groups.find((g) => g.id === group)?.windows : undefined;
  return own ?? [{ ...campaign.policy.window, schoolDaysOnly: true }];
}

/** Whether `window` opens at all on `date` (the campaign's window: exactly on school days). */
function opensOn(window: SendingWindow, date: LocalDate, campaign: Campaign): boolean {
  return (
    window.days.includes(weekdayOf(date)) && (!window.schoolDaysOnly || isTermDay(date, campaign.policy))
  );
}

/** The window of `group` that is open at `now`, if any. */
export function openWindowAt(campaign: Campaign, now: Date, group?: string): SendingWindow | undefined {
  const { date, time } = wallClockAt(now, campaign.timeZone);
  return windowsOf(campaign, group).find((w) => w.from <= time && time < w.to && opensOn(w, date, campaign));
}

/** Whether a sending window of `group` (the campaign's, if undefined) is open at `now`. */
export function isWindowOpen(campaign: Campaign, now: Date, group?: string): boolean {
  return openWindowAt(campaign, now, group) !== undefined;
}

/**
 * The first instant at or after `after` when a window of `group` (the campaign's, if undefined) is open;
 * undefined if none within `maxDays`.
 */
export function nextOpening(
  campaign: Campaign,
  after: Date,
  group?: string,
  maxDays = 400,
): Date | undefined {
  if (isWindowOpen(campaign, after, group)) return after;
  const windows = [...windowsOf(campaign, group)].sort((a, b) => (a.from < b.from ? -1 : 1));
  let day = wallClockAt(after, campaign.timeZone).date;
  for (let i = 0; i <= maxDays; i++, day = addDays(day, 1)) {
    for (const window of windows) {
      if (!opensOn(window, day, campaign)) continue;
      const opens = instantAt(day, window.from, campaign.timeZone);
      if (opens.getTime() >= after.getTime()) return opens;
    }
  }
  return undefined;
}

/**
 * The campaign at `now` for the members of target group `group` (the campaign's window, if undefined). The
 * stage is the same for every group (its days are school days); only when it may arrive differs.
 */
export function campaignMoment(campaign: Campaign, now: Date, group?: string): CampaignMoment {
  const today = wallClockAt(now, campaign.timeZone).date;
  const first = campaign.stages[0];
  if (!first || today > campaign.enforcementDate) return { kind: 'over' };
  if (today < first.sendOn) {
    const dayStarts = instantAt(first.sendOn, '00:00', campaign.timeZone);
    return {
      kind: 'notStarted',
      first,
      opensAt:
        nextOpening(campaign, dayStarts, group) ??
        instantAt(first.sendOn, campaign.policy.window.from, campaign.timeZone),
    };
  }
  const stage = [...campaign.stages].reverse().find((s) => s.sendOn <= today)!;
  const window = openWindowAt(campaign, now, group);
  if (window) {
    return { kind: 'open', stage, window, closesAt: instantAt(today, window.to, campaign.timeZone) };
  }
  const opensAt = nextOpening(campaign, now, group);
  // A window that opens after the deadline day belongs to no stage.
  const usable = opensAt && wallClockAt(opensAt, campaign.timeZone).date <= campaign.enforcementDate;
  return { kind: 'paused', stage, opensAt: usable ? opensAt : undefined };
}

/** The campaign at `now` for each target group, in the policy's order (the planner's daily pass). */
export function momentsByGroup(
  campaign: Campaign,
  now: Date,
): { group: TargetGroup; moment: CampaignMoment }[] {
  return campaign.policy.targets.groups.map((group) => ({
    group,
    moment: campaignMoment(campaign, now, group.id),
  }));
}

/** The stage that is current on `date` (for cards: which stage a late reply belongs to). */
export function stageOn(campaign: Campaign, date: LocalDate): ActiveStage | undefined {
  return [...campaign.stages].reverse().find((s) => s.sendOn <= date);
}
