/**
 * Cards that show the current state when they are opened again (Universal Actions `refresh`): Teams sends the
 * card's refresh action to the bot as an `adaptiveCard/action` invoke when a user views it, and shows the card
 * the bot answers instead. Two halves, both pure:
 * - what a card is (the features say it: a status card, or a campaign's nudge and what it was sent as),
 * - and how it goes to one person's client (the transport says it: the refresh clause addressed to that user's
 *   Teams id and the card declared 1.5, the version Teams needs for a refresh; or, where the school has not
 *   turned refresh on, the card as it was, 1.2 with no refresh, which every phone renders).
 */
import type { HomeHint } from '../domain/campaign/windowHint';
import type { AdaptiveCardJson } from './cardTemplates';

/** The verb of every refresh action. */
export const REFRESH_VERB = 'card.refresh';

/** What a refreshable card was, so that the bot can build it again from what is true now. */
export type RefreshOf =
  /** `done`: the card said "You're all set"; it is never built again as anything less (cardRefreshReplies.ts). */
  { of: 'status'; done?: true } | { of: 'nudge'; campaign: string; nudge: string; hint?: HomeHint };

/** What a status card is: `done` once it says "You're all set". */
export function statusRefresh(complete: boolean): RefreshOf {
  return complete ? { of: 'status', done: true } : { of: 'status' };
}

/** What a campaign's nudge is: its campaign, its ledger key, and the part of the day at home it speaks of. */
export function nudgeRefresh(campaign: string, nudge: string, hint: HomeHint | undefined): RefreshOf {
  return hint ? { of: 'nudge', campaign, nudge, hint } : { of: 'nudge', campaign, nudge };
}

/** The card version Teams needs to refresh a card (and to send its refresh action). */
export const REFRESH_CARD_VERSION = '1.5';

interface RefreshClause {
  action: { type: 'Action.Execute'; verb: string; data: { verb: string } & RefreshOf };
  userIds?: string[];
}

/** `card` marked as refreshable, with what it is (a copy: rendered cards are shared and frozen). */
export function refreshable(card: AdaptiveCardJson, what: RefreshOf): AdaptiveCardJson {
  const refresh: RefreshClause = {
    action: { type: 'Action.Execute', verb: REFRESH_VERB, data: { verb: REFRESH_VERB, ...what } },
  };
  return { ...card, refresh };
}

/** How cards go to one person: their Teams user id (`29:…`), and whether the school has refresh on. */
export interface CardAudience {
  teamsUserId?: string;
  refresh: boolean;
}

/**
 * The card as it goes to one person. A refreshable card, with refresh on and the person's Teams id known, is
 * declared 1.5 and refreshed for that person only (Teams refreshes automatically for the ids listed); any other
 * card, or with refresh off, goes without the clause, at the version it was built for.
 */
export function forAudience(card: AdaptiveCardJson, audience: CardAudience | undefined): AdaptiveCardJson {
  const clause = card.refresh as RefreshClause | undefined;
  if (!clause) return card;
  if (audience?.refresh && audience.teamsUserId) {
    return {
      ...card,
      version: REFRESH_CARD_VERSION,
      refresh: { ...clause, userIds: [audience.teamsUserId] },
    };
  }
  const without = { ...card };
  delete without.refresh;
  return without;
}
