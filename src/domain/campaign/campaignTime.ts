/**
 * Where a campaign stands at a given instant: not started, sending (inside the window of a school day), paused
 * (a night, a weekend, a holiday) or over, with the stage that is current and when the window next opens.
 * The clock is passed in; nothing here reads the time.
 */
import type { CampaignPolicy } from '../policy/campaignPolicy';
import { daysBetween, type LocalDate } from '../policy/localDate';
import { dayKind } from './schoolCalendar';
import { activeStages, planStages, type ActiveStage, type PlannedStage } from './stagePlan';
import { addDays, instantAt, wallClockAt } from './zonedTime';

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

export type CampaignMoment =
  /** Before the first stage's day: nothing to send yet. */
  | { kind: 'notStarted'; opensAt: Date; first: ActiveStage }
  /** A stage is current but the window is shut (night, weekend, holiday); `opensAt` is its next opening. */
  | { kind: 'paused'; stage: ActiveStage; opensAt?: Date }
  /** Inside the sending window of a school day. */
  | { kind: 'open'; stage: ActiveStage; closesAt: Date }
  /** After the enforcement date (or no stage goes out at all). */
  | { kind: 'over' };

/** Whether the sending window is open at `now`. */
export function isWindowOpen(campaign: Campaign, now: Date): boolean {
  const { date, time } = wallClockAt(now, campaign.timeZone);
  const { from, to } = campaign.policy.window;
  return dayKind(date, campaign.policy).school && from <= time && time < to;
}

/** The first instant at or after `after` when the window is open; undefined if none within `maxDays`. */
export function nextOpening(campaign: Campaign, after: Date, maxDays = 400): Date | undefined {
  if (isWindowOpen(campaign, after)) return after;
  const { from } = campaign.policy.window;
  let day = wallClockAt(after, campaign.timeZone).date;
  for (let i = 0; i <= maxDays; i++, day = addDays(day, 1)) {
    if (!dayKind(day, campaign.policy).school) continue;
    const opens = instantAt(day, from, campaign.timeZone);
    if (opens.getTime() >= after.getTime()) return opens;
  }
  return undefined;
}

/** The campaign at `now`. */
export function campaignMoment(campaign: Campaign, now: Date): CampaignMoment {
  const today = wallClockAt(now, campaign.timeZone).date;
  const first = campaign.stages[0];
  if (!first || today > campaign.enforcementDate) return { kind: 'over' };
  if (today < first.sendOn) {
    return {
      kind: 'notStarted',
      first,
      opensAt: instantAt(first.sendOn, campaign.policy.window.from, campaign.timeZone),
    };
  }
  const stage = [...campaign.stages].reverse().find((s) => s.sendOn <= today)!;
  if (isWindowOpen(campaign, now)) {
    return { kind: 'open', stage, closesAt: instantAt(today, campaign.policy.window.to, campaign.timeZone) };
  }
  const opensAt = nextOpening(campaign, now);
  // A window that opens after the deadline day belongs to no stage.
  const usable = opensAt && wallClockAt(opensAt, campaign.timeZone).date <= campaign.enforcementDate;
  return { kind: 'paused', stage, opensAt: usable ? opensAt : undefined };
}

/** The stage that is current on `date` (for cards: which stage a late reply belongs to). */
export function stageOn(campaign: Campaign, date: LocalDate): ActiveStage | undefined {
  return [...campaign.stages].reverse().find((s) => s.sendOn <= date);
}
