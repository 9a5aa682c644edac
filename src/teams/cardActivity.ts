/** A message activity carrying one Adaptive Card: how every card the bot sends goes out. */
import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/cardTemplates';

export function cardActivity(card: AdaptiveCardJson): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}
