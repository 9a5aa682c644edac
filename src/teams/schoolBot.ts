/**
 * The Teams activity handler: thin. It turns activities into commands for the conversation service,
 * keeps conversation references for proactive messages, and sends back what the service answers.
 */
import { LRUCache } from 'lru-cache';
import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type InvokeResponse,
} from 'botbuilder';
import type { Command, ConversationService, Reply } from '../conversation/conversationService';
import { languageTagOf } from '../i18n/localeFor';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type {
  ConversationReferenceStore,
  StoredConversationReference,
} from '../ports/conversationReferenceStore';
import { forAudience, REFRESH_VERB, type CardAudience } from '../cards/cardRefresh';
import { firstNameOf, tenantOf, userIdOf } from './activityIdentity';
import { cardActivity } from './cardActivity';

export interface SchoolBotDeps {
  conversation: ConversationService;
  references: ConversationReferenceStore;
  clock: Clock;
  log: Logger;
  /** Status and nudge cards refresh themselves when shown again (CARD_REFRESH). */
  cardRefresh?: boolean;
}

/**
 * How long this process trusts its own memory that a user's stored conversation is the one they write from:
 * within it, a turn from the same chat skips the store (a table read on Azure).
 */
const KNOWN_CHAT_MS = 15 * 60_000;
/**
 * A user's reference is saved again when they write and it is older than this, even for the same chat: its
 * `updatedAt` is how a campaign learns that someone who blocked the bot is talking to it again.
 */
const HEARD_FROM_MS = 60 * 60_000;

/** Longest typed message the bot reads; anything longer is cut before it is understood. */
const MAX_TEXT_LENGTH = 500;

/** Teams may send formatted text ("<p>help</p>", "&nbsp;"): keep the words only. */
function plainText(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"');
}

/** The message's text; anything but a string (a broken client's JSON) counts as nothing typed. */
function typedText(text: unknown): string {
  return typeof text === 'string' ? text : '';
}

/** The guide is one person's: it runs in a 1:1 chat only (a missing type is how some clients send 1:1). */
function isPersonalChat(context: TurnContext): boolean {
  const type = context.activity.conversation?.conversationType;
  return !type || type === 'personal';
}

const PRIVATE_CHAT_ONLY = 'I only work in a private chat. Open a chat with me to get started.';

/**
 * The answer to a card refresh with nothing new to show: an error (one of the codes Teams documents for
 * Universal Actions), so the client keeps showing the card it has.
 */
const KEEP_THE_CARD: InvokeResponse = {
  status: 200,
  body: {
    statusCode: 500,
    type: 'application/vnd.microsoft.error',
    value: { code: 'NothingNew', message: 'Nothing new to show; the card stays as it is.' },
  } satisfies AdaptiveCardInvokeResponse,
};

export class SchoolBot extends TeamsActivityHandler {
  /**
   * userId → the chat last seen stored for them and its stored `updatedAt` (campaign clock), for the 10,000
   * most recent users, each for KNOWN_CHAT_MS.
   */
  private readonly knownChats = new LRUCache<string, { chat: string; savedAt: number }>({
    max: 10_000,
    ttl: KNOWN_CHAT_MS,
  });

  constructor(private readonly deps: SchoolBotDeps) {
    super();

    this.onMessage(async (context, next) => {
      await this.rememberConversation(context);
      const { activity } = context;
      if (!isPersonalChat(context)) {
        await context.sendActivity(PRIVATE_CHAT_ONLY);
        return next();
      }
      const command: Command =
        activity.value !== undefined && activity.value !== null
          ? { kind: 'action', data: activity.value }
          : { kind: 'text', text: plainText(typedText(activity.text)).slice(0, MAX_TEXT_LENGTH) };
      await this.answer(context, command);
      await next();
    });

    this.onInstallationUpdateAdd(async (context, next) => {
      await this.onInstalled(context);
      await next();
    });

    this.onInstallationUpdateRemove(async (context, next) => {
      await this.forgetConversation(context);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const botAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient?.id);
      if (botAdded) await this.onInstalled(context);
      await next();
    });

    this.onMembersRemoved(async (context, next) => {
      const botRemoved = context.activity.membersRemoved?.some(
        (m) => m.id === context.activity.recipient?.id,
      );
      if (botRemoved) await this.forgetConversation(context);
      await next();
    });
  }

  /**
   * Action.Execute arrives as an `adaptiveCard/action` invoke. Handled here rather than through
   * onAdaptiveCardInvoke so that a malformed invoke gets a polite card, not an exception. The first card of
   * the answer replaces the card that was pressed; any others follow as messages.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(context);
    if (!isPersonalChat(context)) {
      const body: AdaptiveCardInvokeResponse = {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: { text: PRIVATE_CHAT_ONLY },
      };
      return { status: 200, body };
    }
    await this.rememberConversation(context);
    const value = context.activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined;
    const data = value?.action?.data;
    const verb = value?.action?.verb;
    // The verb lives on the action for Action.Execute; our cards also put it in data, which wins if both exist.
    const payload = typeof data === 'object' && data !== null ? { verb, ...data } : { verb };
    const replies = await this.repliesFor(context, { kind: 'action', data: payload, invoked: true });
    const [first, ...rest] = replies;
    const audience = this.audienceOf(context);
    if (rest.length > 0) await context.sendActivities(rest.map((r) => cardActivity(r.card, audience)));
    // A refresh with nothing to show (or that the bot cannot read): the pupil's card stays as it is.
    if (!first && payload.verb === REFRESH_VERB) return KEEP_THE_CARD;
    const body: AdaptiveCardInvokeResponse = first
      ? {
          statusCode: 200,
          type: 'application/vnd.microsoft.card.adaptive',
          value: forAudience(first.card, audience),
        }
      : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: { text: 'OK' } };
    return { status: 200, body };
  }

  /** Who this turn's cards go to: the sender's Teams id, for the cards that refresh themselves. */
  private audienceOf(context: TurnContext): CardAudience {
    return { teamsUserId: context.activity.from?.id, refresh: this.deps.cardRefresh === true };
  }

  /**
   * Installed in a 1:1 chat: keep the way back and say hello. Installed in a team (for the IT channel copy,
   * docs/escalation.md) or a group chat: say nothing; the welcome is for one pupil, not a class.
   */
  private async onInstalled(context: TurnContext): Promise<void> {
    if (!isPersonalChat(context)) {
      this.deps.log.info(
        { conversationType: context.activity.conversation?.conversationType },
        'installed outside a 1:1 chat; no welcome',
      );
      return;
    }
    await this.rememberConversation(context, { always: true });
    await this.answer(context, { kind: 'installed' });
  }

  private async repliesFor(context: TurnContext, command: Command): Promise<Reply[]> {
    const userId = userIdOf(context.activity);
    if (!userId) {
      this.deps.log.warn(
        { activityType: context.activity.type },
        'activity without an Entra user id ignored',
      );
      return [];
    }
    return this.deps.conversation.handle(
      { userId, firstName: firstNameOf(context.activity), locale: context.activity.locale },
      command,
    );
  }

  private async answer(context: TurnContext, command: Command): Promise<void> {
    const replies = await this.repliesFor(context, command);
    const audience = this.audienceOf(context);
    if (replies.length > 0) await context.sendActivities(replies.map((r) => cardActivity(r.card, audience)));
  }

  /**
   * Keeps the latest way to reach this user, keyed by their Entra object id. Installs always write (another
   * instance may have forgotten the chat at an uninstall); other turns write when the chat changed, or when
   * the stored one is over an hour old (so that a user who blocked the bot and writes again is nudged again).
   */
  private async rememberConversation(
    context: TurnContext,
    options: { always?: boolean } = {},
  ): Promise<void> {
    const { activity } = context;
    const userId = userIdOf(activity);
    const tenantId = tenantOf(activity);
    if (!userId || !tenantId || !activity.conversation?.id || !activity.serviceUrl) return;
    if (!isPersonalChat(context)) return;
    const locale = languageTagOf(activity.locale);
    // The language is part of what is remembered: a user who switches Teams to Polish gets Polish nudges.
    const chat = `${activity.conversation.id}\u0000${activity.serviceUrl}\u0000${locale ?? ''}`;
    const clockNow = this.deps.clock.now().getTime();
    let known: StoredConversationReference | undefined;
    if (!options.always) {
      const seen = this.knownChats.get(userId);
      if (seen?.chat === chat && clockNow - seen.savedAt < HEARD_FROM_MS) return;
      known = await this.deps.references.get(userId);
      const savedAt = known ? Date.parse(known.updatedAt) : NaN;
      if (
        known &&
        known.conversationId === activity.conversation.id &&
        known.serviceUrl === activity.serviceUrl &&
        // An activity without a language says nothing new about it.
        (!locale || known.locale === locale) &&
        clockNow - savedAt < HEARD_FROM_MS
      ) {
        this.knownChats.set(userId, { chat, savedAt });
        return;
      }
    } else if (!locale) {
      // Saved whatever: an activity without a language keeps the one stored.
      known = await this.deps.references.get(userId);
    }
    const reference = TurnContext.getConversationReference(activity);
    await this.deps.references.save({
      userId,
      tenantId,
      conversationId: activity.conversation.id,
      serviceUrl: activity.serviceUrl,
      reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
      updatedAt: new Date(clockNow).toISOString(),
      ...(locale || known?.locale ? { locale: locale ?? known?.locale } : {}),
    });
    this.knownChats.set(userId, { chat, savedAt: clockNow });
  }

  private async forgetConversation(context: TurnContext): Promise<void> {
    const userId = userIdOf(context.activity);
    // Removed from a team or group chat: the remover's own 1:1 chat with the bot is still there.
    if (!userId || !isPersonalChat(context)) return;
    this.knownChats.delete(userId);
    await this.deps.references.remove(userId);
    this.deps.log.info({ userId }, 'app removed; conversation reference forgotten');
  }
}
