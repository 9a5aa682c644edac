/** Teams asking for a card again as it is shown (its refresh action): what the card was. */
import { z } from 'zod';
import { REFRESH_VERB } from '../../cards/cardRefresh';
import { HOME_HINTS } from '../../domain/campaign/windowHint';
import type { VerbSchemas } from '../router';
import { campaignVerbs, CampaignVerb } from '../campaign/campaignVerbs';

export const CardRefreshVerb = { CardRefresh: REFRESH_VERB } as const;

const nudgeTarget = campaignVerbs[CampaignVerb.NudgeSnooze].shape;

export const cardRefreshVerbs = {
  [CardRefreshVerb.CardRefresh]: z.object({
    of: z.enum(['status', 'nudge']),
    campaign: nudgeTarget.campaign.optional(),
    nudge: nudgeTarget.nudge.optional(),
    hint: z.enum(HOME_HINTS).optional(),
    done: z.literal(true).optional(),
  }),
} satisfies VerbSchemas;

/** A refresh as the bot reads it. */
export type RefreshRequest = z.output<(typeof cardRefreshVerbs)[typeof REFRESH_VERB]>;
