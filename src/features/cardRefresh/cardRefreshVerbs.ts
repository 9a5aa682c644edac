/** Teams asking for a card again as it is shown (its refresh action): what the card was. */
import { z } from 'zod';
import type { VerbSchemas } from '../router';
import { campaignVerbs, CampaignVerb } from '../campaign/campaignVerbs';

export const CardRefreshVerb = { CardRefresh: 'card.refresh' } as const;

const nudgeTarget = campaignVerbs[CampaignVerb.NudgeSnooze].shape;

export const cardRefreshVerbs = {
  [CardRefreshVerb.CardRefresh]: z.object({
    of: z.enum(['status', 'nudge']),
    campaign: nudgeTarget.campaign.optional(),
    nudge: nudgeTarget.nudge.optional(),
    hint: z.enum(['morning', 'evening', 'today']).optional(),
  }),
} satisfies VerbSchemas;
