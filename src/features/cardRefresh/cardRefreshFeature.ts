/** A status card or a nudge, opened again: built again from what is true now (cards/cardRefresh.ts). */
import type { Router } from '../router';
import type { CardRefreshReplies } from './cardRefreshReplies';
import { cardRefreshVerbs, CardRefreshVerb } from './cardRefreshVerbs';

export function registerCardRefresh(router: Router, deps: { cardRefresh?: CardRefreshReplies }): void {
  router.verb(
    cardRefreshVerbs,
    CardRefreshVerb.CardRefresh,
    async (action, turn) => {
      // A conversation built without it (tests, tools) leaves the card as it is.
      if (!deps.cardRefresh) return [];
      return deps.cardRefresh.refresh(turn.userId, action, turn.ctx, await turn.progress());
    },
    // Teams sends a refresh as an invoke when the card is shown; as a message it is no button of ours.
    { invokeOnly: true },
  );
}
