/** A campaign with a sending window per target group, across half term and the October clock change. */
import { buildCampaign, type Campaign } from '../../../src/domain/campaign/campaignTime';
import { campaignSchema } from '../../../src/domain/policy/campaignPolicy';

export const PUPILS = '5a00000a-0000-4000-8000-0000000000b1';
export const STAFF = '5a00000a-0000-4000-8000-0000000000b2';
export const GOVERNORS = '5a00000a-0000-4000-8000-0000000000b3';

/**
 * Enforcement on Wednesday 4 November 2026. The 11-day reminder falls on Saturday 24 October and goes out on
 * Friday 23 October (BST, the last school day before half term); half term runs Monday 26 October to Sunday 1 November (the clocks go back on Sunday 25);
 * the 2-day reminder is Monday 2 November (GMT). Pupils after school and on Saturday mornings, staff in the
 * day, governors on the campaign's window (08:30–15:30).
 */
export function windowsCampaign(): Campaign {
  const policy = campaignSchema.parse({
    targets: {
      groups: [
        {
          id: PUPILS,
          name: 'All pupils',
          windows: [
            { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '15:45', to: '19:00' },
            { days: ['sat'], from: '09:30', to: '12:00' },
          ],
        },
        {
          id: STAFF,
          name: 'All staff',
          windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:30', to: '16:00' }],
        },
        { id: GOVERNORS, name: 'Governors' },
      ],
    },
    stages: [
      { daysBefore: 11, tone: 'reminder' },
      { daysBefore: 2, tone: 'urgent' },
      { daysBefore: 0, tone: 'final' },
    ],
    window: { from: '08:30', to: '15:30' },
    terms: [{ name: 'Autumn term', from: '2026-09-02', to: '2026-12-18' }],
    holidays: [{ name: 'Autumn half term', from: '2026-10-26', to: '2026-11-01' }],
  });
  return buildCampaign(policy, '2026-11-04', 'Europe/London');
}
