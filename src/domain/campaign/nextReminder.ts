/**
 * The next reminder a campaign sends: the first stage with a sending window still to open (or open now) for
 * some target group before the stage after it takes over, and when each group's first window for it opens
 * (pupils after school, staff in the day). A stage stays current until the next one's day, as the planner
 * sends it: a Friday stage whose pupils' windows have shut is still next on Saturday morning if the pupils
 * have a Saturday catch-up window. Pure: the clock is passed in.
 */
import type { TargetGroup } from '../policy/campaignPolicy';
import { campaignMoment, nextOpening, type Campaign } from './campaignTime';
import type { ActiveStage } from './stagePlan';
import { instantAt, wallClockAt } from './zonedTime';

export interface NextReminder {
  stage: ActiveStage;
  /** Each target group, in the policy's order, with its first opening for the stage (none: it gets none of it). */
  openings: { group: TargetGroup; opensAt?: Date }[];
}

/** The next reminder at `now`; undefined when the campaign sends none any more (or has no stage at all). */
export function nextReminder(campaign: Campaign, now: Date): NextReminder | undefined {
  const today = wallClockAt(now, campaign.timeZone).date;
  for (const stage of campaign.stages) {
    // From now for a stage whose day has come (its openings left, if any, are catch-ups before the next stage).
    const from = stage.sendOn <= today ? now : instantAt(stage.sendOn, '00:00', campaign.timeZone);
    const openings = campaign.policy.targets.groups.map((group) => {
      const at = nextOpening(campaign, from, group.id);
      // An opening after the next stage's day (or after the deadline) belongs to another stage, or to none.
      const moment = at && campaignMoment(campaign, at, group.id);
      return { group, opensAt: moment?.kind === 'open' && moment.stage.key === stage.key ? at : undefined };
    });
    if (openings.some((o) => o.opensAt)) return { stage, openings };
  }
  return undefined;
}
