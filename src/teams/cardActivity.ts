/** A message activity carrying one Adaptive Card: how every card the bot sends goes out. */
import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { forAudience, type CardAudience } from '../cards/cardRefresh';
import type { AdaptiveCardJson } from '../cards/cardTemplates';

/** `audience`: who receives it, for a card that refreshes itself (cardRefresh.ts). */
export function cardActivity(card: AdaptiveCardJson, audience?: CardAudience): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(forAudience(card, audience)));
}
