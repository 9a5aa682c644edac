/** "Remind me later" on a campaign nudge: the snooze changes the campaign's ledger, not the guide. */
import type { Router } from '../router';
import { campaignVerbs, CampaignVerb } from './campaignVerbs';
import { cannotSnoozeCard } from './nudgeCards';
import type { NudgeReplies } from './nudgeReplies';

export function registerCampaign(router: Router, deps: { nudges?: NudgeReplies }): void {
  router.verb(campaignVerbs, CampaignVerb.NudgeSnooze, async ({ campaign, nudge }, turn) => {
    const progress = await turn.progress();
    if (!deps.nudges) return [cannotSnoozeCard('over', progress, turn.ctx)];
    return deps.nudges.snooze(turn.userId, { campaign, nudge }, turn.ctx, progress);
  });
}
