/**
 * The reminder days of a campaign, worked out from the policy: each stage's nominal day (so many days before
 * the enforcement date), the school day it actually goes out on, and why it moved, merged or was dropped.
 * Pure: the same policy always gives the same plan, which is what the dry run shows.
 */
import type { CampaignPolicy, Tone } from '../policy/campaignPolicy';
import type { LocalDate } from '../policy/localDate';
import { dayKind, nearestSchoolDay } from './schoolCalendar';
import { addDays } from './zonedTime';

export interface PlannedStage {
  /** Stable id, stored in the ledger: `d21` for 21 days before. */
  key: string;
  daysBefore: number;
  tone: Tone;
  /** The day the policy asks for. */
  nominal: LocalDate;
  /** The school day it goes out on; absent when dropped. */
  sendOn?: LocalDate;
  /** Why it does not go out on its nominal day. */
  moved?: { why: 'weekend' | 'holiday' | 'outOfTerm'; name?: string };
  /** The stage it was merged into, when both fell on the same school day. */
  mergedInto?: string;
}

/** A stage that goes out (not dropped, not merged into another). */
export type ActiveStage = PlannedStage & { sendOn: LocalDate };

/** Every stage of the campaign, earliest first, with where it lands. */
export function planStages(campaign: CampaignPolicy, enforcementDate: LocalDate): PlannedStage[] {
  const stages: PlannedStage[] = [...campaign.stages]
    .sort((a, b) => b.daysBefore - a.daysBefore)
    .map((s) => {
      const nominal = addDays(enforcementDate, -s.daysBefore);
      const base = { key: `d${s.daysBefore}`, daysBefore: s.daysBefore, tone: s.tone, nominal };
      const kind = dayKind(nominal, campaign);
      if (kind.school) return { ...base, sendOn: nominal };
      const moved = { why: kind.why, name: kind.name };
      const earlier = () => nearestSchoolDay(nominal, -1, campaign);
      let sendOn: LocalDate | undefined;
      if (campaign.offDays === 'earlier') sendOn = earlier();
      else if (campaign.offDays === 'later') {
        const later = nearestSchoolDay(nominal, 1, campaign);
        // Never after the deadline: a reminder the day after enforcement helps nobody.
        sendOn = later && later <= enforcementDate ? later : earlier();
      }
      return { ...base, sendOn, moved };
    });
  // Two reminders on one day would be one too many: the one nearer the deadline (more urgent) stays.
  const byDay = new Map<LocalDate, PlannedStage>();
  for (const stage of stages) {
    if (!stage.sendOn) continue;
    const kept = byDay.get(stage.sendOn);
    if (kept) kept.mergedInto = stage.key;
    byDay.set(stage.sendOn, stage);
  }
  return stages;
}

/** The stages that go out, in sending order. */
export function activeStages(plan: PlannedStage[]): ActiveStage[] {
  return plan
    .filter((s): s is ActiveStage => !!s.sendOn && !s.mergedInto)
    .sort((a, b) => (a.sendOn < b.sendOn ? -1 : 1));
}
