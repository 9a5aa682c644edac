/**
 * Proactive messages to a user's personal chat with the bot (follow-ups, nudges). Every send returns an
 * outcome instead of throwing, so callers record what happened: a failure that looks like a success is
 * the one bug a campaign cannot afford.
 */
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { SendKind } from '../domain/sending/sendTickets';
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
  /**
   * Anything else: a 5xx, a timeout, a network error, an error inside the turn. `unanswered`: the request may have
   * reached Teams but no answer came back (the send timed out, or the connection dropped once it was sent).
   */
  | { kind: 'failed'; status?: number; error: string; unanswered?: true };

export interface SendOptions {
  /** The user's stored reference as the caller just read it (saves reading it again). */
  reference?: StoredConversationReference;
  /**
   * Stores the caller's note that the message is on the wire. Awaited once, as the last step before the first
   * HTTP request that carries the message (after the token, the middleware and the client's own policies;
   * its retries do not call it again), and that request waits for it. Resolving false withdraws the send:
   * nothing leaves and the outcome is `failed`. If it throws, the request goes anyway. Not called when the
   * send ends before its request.
   */
  noteOnWire?: () => Promise<boolean>;
  /**
   * With `noteOnWire`: waited for by each request that carries the message (retries too), before the note, and
   * told when that request is answered (the campaign paces arrivals at Teams this way).
   */
  pace?: () => Promise<() => void>;
  /** Whose send this is, for the app's send budget (default: a follow-up a pupil is waiting for). */
  kind?: SendKind;
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
    options?: Pick<SendOptions, 'noteOnWire' | 'pace' | 'kind'>,
  ): Promise<SendOutcome>;
  /**
   * Replaces the card of a message the bot sent earlier in the user's personal chat (`activityId`, as the send
   * returned it) with `card`: the message stays where it is in the chat and shows the new card. `sent` carries
   * the same id; `gone` with `NotFound` when the chat or the message is no longer there. Never throws.
   */
  updateCard(
    userId: string,
    activityId: string,
    card: AdaptiveCardJson,
    options?: Pick<SendOptions, 'reference' | 'pace' | 'kind'>,
  ): Promise<SendOutcome>;
}
