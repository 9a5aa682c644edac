/** Posts a card into a Teams channel (the IT desk's copy of an escalation). Never throws. */
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { SendOutcome } from './messenger';

export interface ChannelTarget {
  teamId: string;
  channelId: string;
  /** The connector endpoint to post through. */
  serviceUrl: string;
}

export interface ChannelPoster {
  post(
    target: ChannelTarget,
    card: AdaptiveCardJson,
  ): Promise<Exclude<SendOutcome, { kind: 'noConversation' }>>;
}
