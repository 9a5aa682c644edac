/**
 * Proactive messages to a user's personal chat with the bot (follow-ups, nudges). Every send returns an
 * outcome instead of throwing, so callers record what happened: a failure that looks like a success is
 * the one bug a campaign cannot afford.
 */
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { StoredConversationReference } from './conversationReferenceStore';

/** Why a user cannot be reached at all until something changes (do not retry). */
export type GoneReason =
  | 'ConversationBlockedByUser'
  | 'MessageWritesBlocked'
  | 'BotDisabledByAdmin'
  /** 403 with another code: the bot may not write there. */
  | 'Forbidden'
  /** 404: the conversation or the user no longer exists (or the app was removed). */
  | 'NotFound';

export type SendOutcome =
  | { kind: 'sent'; activityIds: string[] }
  /** The channel said slow down (429 or 412); retry after `retryAfterMs` when given. */
  | { kind: 'throttled'; retryAfterMs?: number }
  | { kind: 'gone'; reason: GoneReason; status: number }
  /** No stored conversation with this user (never installed, or uninstalled). */
  | { kind: 'noConversation' }
  /** Anything else: a 5xx, a timeout, a network error, an error inside the turn. May be retried. */
  | { kind: 'failed'; status?: number; error: string };

export interface SendOptions {
  /** The user's stored reference as the caller just read it (saves reading it again). */
  reference?: StoredConversationReference;
  /**
   * Called once, as the message is handed to the connector client (after any setup such as a token), so that
   * the caller can note that it is on its way. Not called when nothing is sent.
   */
  onSending?: () => void;
}

export interface Messenger {
  /** Sends the cards, in order, to the user's personal chat with the bot. Never throws. */
  sendToUser(userId: string, cards: AdaptiveCardJson[], options?: SendOptions): Promise<SendOutcome>;
  /**
   * Sends to a 1:1 chat known only by its id (the app was just installed for the user and the bot has not
   * heard from Teams yet). Never throws.
   */
  sendToChat(
    userId: string,
    chatId: string,
    cards: AdaptiveCardJson[],
    options?: Pick<SendOptions, 'onSending'>,
  ): Promise<SendOutcome>;
}
