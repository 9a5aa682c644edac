/** A school policy for campaign tests: the sample school, enforcement on Wednesday 28 October 2026. */
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { addDays, wallClockAt } from '../../src/domain/campaign/zonedTime';
import { campaignSchema, type CampaignPolicy } from '../../src/domain/policy/campaignPolicy';
import type { SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import { SAMPLE_POLICY_PATH } from '../support/conversationHarness';
import { EXCLUDED_GROUP, TARGET_GROUP } from '../support/campaignRig';

/** A second target group, for the policy whose groups have their own windows. */
export const STAFF_GROUP = '5a00000a-0000-4000-8000-0000000000a3';

/**
 * Reminders 3 and 1 days before and on the day, 09:00–15:00 local. The 3-day reminder falls on Sunday 25
 * October, the day the clocks go back, and moves to Friday 23 October (BST); the others are in GMT.
 */
/** The campaign section of that policy: pupils less leavers, the three stages, one autumn term, no half term. */
export function clockChangeCampaignPolicy(overrides: { snoozeMax?: number } = {}): CampaignPolicy {
  return campaignSchema.parse({
    targets: {
      groups: [{ id: TARGET_GROUP, name: 'Pupils' }],
      exclude: { groups: [{ id: EXCLUDED_GROUP, name: 'Left school' }] },
    },
    stages: [
      { daysBefore: 3, tone: 'reminder' },
      { daysBefore: 1, tone: 'urgent' },
      { daysBefore: 0, tone: 'final' },
    ],
    window: { from: '09:00', to: '15:00' },
    terms: [{ name: 'Autumn term', from: '2026-09-02', to: '2026-12-18' }],
    snooze: { hours: 24, max: overrides.snoozeMax ?? 2 },
  });
}

export function clockChangePolicy(overrides: { snoozeMax?: number } = {}): SchoolPolicy {
  const sample = loadSchoolPolicy(SAMPLE_POLICY_PATH);
  return {
    ...sample,
    registration: { ...sample.registration, enforcementDate: '2026-10-28' },
    campaign: clockChangeCampaignPolicy(overrides),
  };
}

/**
 * A campaign whose window is open now, for bot processes on the real clock: every day, all day, enforcement
 * tomorrow (the "last chance" stage is current), a term around today.
 */
export function openNowPolicy(): SchoolPolicy {
  const sample = loadSchoolPolicy(SAMPLE_POLICY_PATH);
  const today = wallClockAt(new Date(), sample.school.timeZone).date;
  return {
    ...sample,
    registration: { ...sample.registration, enforcementDate: addDays(today, 1) },
    campaign: campaignSchema.parse({
      targets: { groups: [{ id: TARGET_GROUP, name: 'Pupils' }] },
      stages: [
        { daysBefore: 1, tone: 'urgent' },
        { daysBefore: 0, tone: 'final' },
      ],
      window: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '23:59' },
      terms: [{ name: 'This term', from: addDays(today, -30), to: addDays(today, 30) }],
    }),
  };
}

/**
 * The clock-change campaign with each group on its own windows, as in a school that bans phones: pupils (the
 * rig's target group, first) after school and on Saturday mornings in term, staff in the school day.
 */
export function pupilsAndStaffPolicy(): SchoolPolicy {
  const base = clockChangePolicy();
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
  return {
    ...base,
    campaign: campaignSchema.parse({
      ...base.campaign,
      targets: {
        ...base.campaign!.targets,
        groups: [
          {
            id: TARGET_GROUP,
            name: 'Pupils',
            windows: [
              { days: weekdays, from: '15:45', to: '19:00' },
              { days: ['sat'], from: '09:30', to: '12:00' },
            ],
          },
          { id: STAFF_GROUP, name: 'Staff', windows: [{ days: weekdays, from: '08:30', to: '16:00' }] },
        ],
      },
    }),
  };
}
