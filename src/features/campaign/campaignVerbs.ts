/** "Remind me later" on a campaign nudge: which campaign, and which nudge was snoozed. */
import { z } from 'zod';
import type { VerbSchemas } from '../router';

export const CampaignVerb = { NudgeSnooze: 'nudge.snooze' } as const;

export const campaignVerbs = {
  [CampaignVerb.NudgeSnooze]: z.object({
    campaign: z.string().regex(/^enforcement-\d{4}-\d{2}-\d{2}$/),
    nudge: z.string().regex(/^d\d{1,3}(\+s\d{1,2})?$/),
  }),
} satisfies VerbSchemas;
