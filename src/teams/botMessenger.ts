/**
 * The Messenger on botbuilder: proactive messages through `continueConversationAsync` with the
 * conversation reference stored at install. Two botbuilder habits are handled here: an error inside the
 * proactive turn goes to onTurnError and the call still resolves (so the outcome is recorded inside the
 * turn, and a turn that never ran counts as failed), and nothing has a timeout (so the send gets one).
 */
import type { ConversationReference, TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { AppConfig } from '../config/env';
import type { Logger } from '../logging/logger';
import type {
  ConversationReferenceStore,
  StoredConversationReference,
} from '../ports/conversationReferenceStore';
import type { GoneReason, Messenger, SendOptions, SendOutcome } from '../ports/messenger';
import type { SendMetrics } from '../telemetry/botMetrics';
import type { BotAdapter } from './botAdapter';
import type { CardAudience } from '../cards/cardRefresh';
import { cardActivity } from './cardActivity';

export interface BotMessengerDeps {
  /** Its connector clients take the caller's on-the-wire note (SendOptions.noteOnWire). */
  adapter: BotAdapter;
  references: ConversationReferenceStore;
  /** BOT_ID ('' when the bot runs without inbound auth on loopback). */
  botAppId: string;
  log: Logger;
  /** Longest a send may take, token and connector included (default 15 s). */
  timeoutMs?: number;
  /** For chats known only by id: the connector to use and the school's tenant. */
  chats?: { serviceUrl: string; tenantId: string };
  /** Counts each send by outcome. */
  metrics?: SendMetrics;
  /** Status and nudge cards refresh themselves when shown again (CARD_REFRESH). */
  cardRefresh?: boolean;
}

const GONE_CODES: ReadonlySet<string> = new Set([
  'ConversationBlockedByUser',
  'MessageWritesBlocked',
  'BotDisabledByAdmin',
]);

class SendTimeout extends Error {}

/** Reads status, error code and Retry-After from whatever the connector client threw. */
export function classifySendError(error: unknown): SendOutcome {
  const e = error as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    response?: {
      headers?: { get?: (name: string) => string | undefined };
      parsedBody?: unknown;
      bodyAsText?: unknown;
    };
  } | null;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  let code = typeof e?.code === 'string' ? e.code : undefined;
  const parsed = e?.response?.parsedBody as { error?: { code?: unknown } } | undefined;
  if (typeof parsed?.error?.code === 'string') code = parsed.error.code;
  else if (typeof e?.response?.bodyAsText === 'string') {
    try {
      const body = JSON.parse(e.response.bodyAsText) as { error?: { code?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
    } catch {
      // Not JSON: the status decides.
    }
  }
  if (status === 429 || status === 412) {
    const header = e?.response?.headers?.get?.('retry-after');
    const seconds = header !== undefined ? Number(header) : NaN;
    return { kind: 'throttled', retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : undefined };
  }
  if (status === 403) {
    const reason: GoneReason = code && GONE_CODES.has(code) ? (code as GoneReason) : 'Forbidden';
    return { kind: 'gone', reason, status };
  }
  if (status === 404) return { kind: 'gone', reason: 'NotFound', status };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const failed = { kind: 'failed', status, error: code ? `${code}: ${message}` : message } as const;
  // Refused or unreachable (no connection) means nothing arrived; a connection dropped mid-request may have.
  const dropped = status === undefined && (DROPPED_CODES.has(code ?? '') || /socket hang up/i.test(message));
  return dropped ? { ...failed, unanswered: true } : failed;
}

/** Errors of a connection that was open when it failed: the request may have reached Teams. */
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);

/** The Messenger as the bot and the command line build it from the configuration. */
export function botMessengerFor(
  config: Pick<AppConfig, 'bot' | 'nudges' | 'tenantId' | 'cardRefresh'>,
  adapter: BotAdapter,
  references: ConversationReferenceStore,
  log: Logger,
  metrics?: SendMetrics,
): BotMessenger {
  return new BotMessenger({
    adapter,
    references,
    botAppId: config.bot.id ?? '',
    log,
    metrics,
    timeoutMs: config.nudges.sendTimeoutMs,
    cardRefresh: config.cardRefresh,
    chats: { serviceUrl: config.nudges.serviceUrl, tenantId: config.tenantId },
  });
}

export class BotMessenger implements Messenger {
  constructor(private readonly deps: BotMessengerDeps) {}

  async sendToUser(
    userId: string,
    cards: AdaptiveCardJson[],
    options: SendOptions = {},
  ): Promise<SendOutcome> {
    const reference = await this.chatOf(userId, options.reference);
    const outcome: SendOutcome = reference
      ? await this.send(reference, cards, options)
      : { kind: 'noConversation' };
    this.logOutcome(userId, outcome);
    return outcome;
  }

  async sendToChat(
    userId: string,
    chatId: string,
    cards: AdaptiveCardJson[],
    options: Pick<SendOptions, 'noteOnWire' | 'pace' | 'kind'> = {},
  ): Promise<SendOutcome> {
    const chats = this.deps.chats;
    if (!chats) return { kind: 'noConversation' };
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: chats.serviceUrl,
      conversation: {
        id: chatId,
        conversationType: 'personal',
        tenantId: chats.tenantId,
        isGroup: false,
        name: '',
      },
      bot: { id: `28:${this.deps.botAppId}`, name: '' },
      user: { id: '', name: '', aadObjectId: userId },
    };
    const outcome = await this.send(reference, cards, options);
    this.logOutcome(userId, outcome);
    return outcome;
  }

  /**
   * The user's personal chat as last stored (the caller's copy when it just read it). Without the id of the
   * message it was stored from, what is sent there is a new message, not a reply to that one.
   */
  private async chatOf(
    userId: string,
    given: StoredConversationReference | undefined,
  ): Promise<Partial<ConversationReference> | undefined> {
    const stored = given ?? (await this.deps.references.get(userId));
    return stored && { ...(stored.reference as Partial<ConversationReference>), activityId: undefined };
  }

  private logOutcome(userId: string, outcome: SendOutcome, message: 'new' | 'update' = 'new'): void {
    this.deps.metrics?.send(outcome, message);
    const detail =
      outcome.kind === 'gone'
        ? { reason: outcome.reason, status: outcome.status }
        : outcome.kind === 'failed'
          ? { status: outcome.status }
          : outcome.kind === 'throttled'
            ? { retryAfterMs: outcome.retryAfterMs }
            : {};
    const level = outcome.kind === 'sent' ? 'info' : 'warn';
    this.deps.log[level](
      { userId, outcome: outcome.kind, ...detail },
      message === 'update' ? 'card update' : 'proactive send',
    );
  }

  async updateCard(
    userId: string,
    activityId: string,
    card: AdaptiveCardJson,
    options: Pick<SendOptions, 'reference' | 'pace' | 'kind'> = {},
  ): Promise<SendOutcome> {
    const reference = await this.chatOf(userId, options.reference);
    const outcome: SendOutcome = reference
      ? await this.inTurn(
          reference,
          async (context) => {
            await context.updateActivity({
              ...cardActivity(card, this.audienceOf(reference)),
              id: activityId,
            });
            return [activityId];
          },
          { pace: options.pace, kind: options.kind },
        )
      : { kind: 'noConversation' };
    this.logOutcome(userId, outcome, 'update');
    return outcome;
  }

  /** The chat's user, for the cards that refresh themselves. */
  private audienceOf(reference: Partial<ConversationReference>): CardAudience {
    return { teamsUserId: reference.user?.id, refresh: this.deps.cardRefresh === true };
  }

  private send(
    reference: Partial<ConversationReference>,
    cards: AdaptiveCardJson[],
    options: Pick<SendOptions, 'noteOnWire' | 'pace' | 'kind'> = {},
  ): Promise<SendOutcome> {
    return this.inTurn(
      reference,
      async (context) => {
        const audience = this.audienceOf(reference);
        const responses = await context.sendActivities(cards.map((card) => cardActivity(card, audience)));
        return responses.map((r) => r?.id).filter((id): id is string => !!id);
      },
      options,
    );
  }

  /** Runs `request` in a proactive turn, handed off with the send's note, pace and kind, within the timeout. */
  private async inTurn(
    reference: Partial<ConversationReference>,
    request: (context: TurnContext) => Promise<string[]>,
    { noteOnWire, pace, kind }: Pick<SendOptions, 'noteOnWire' | 'pace' | 'kind'> = {},
  ): Promise<SendOutcome> {
    let outcome: SendOutcome | undefined;
    let ran = false;
    const proactiveTurn = () =>
      this.deps.adapter.continueConversationAsync(this.deps.botAppId, reference, async (context) => {
        ran = true;
        try {
          outcome = { kind: 'sent', activityIds: await request(context) };
        } catch (error) {
          outcome = classifySendError(error);
        }
      });
    // The note is written by the connector client itself, just before the request that carries the cards; the
    // kind decides the send's place in the app's send budget.
    const handedOff = this.deps.adapter.handOff.run(
      { note: noteOnWire, pace, kind: kind ?? 'followUp' },
      proactiveTurn,
    );
    const turn = handedOff.done;
    const ms = this.deps.timeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendTimeout()), ms);
    });
    try {
      await Promise.race([turn, timeout]);
    } catch (error) {
      // A late answer is not waited for: the send may still land, so this is "failed", not "gone". A handed-off
      // send that has not left by now never will (nor will its retries): the caller may try it again.
      if (error instanceof SendTimeout) {
        handedOff.abandon();
        return outcome ?? { kind: 'failed', error: `no answer within ${ms} ms`, unanswered: true };
      }
      return outcome ?? classifySendError(error);
    } finally {
      clearTimeout(timer);
    }
    return (
      outcome ?? {
        kind: 'failed',
        error: ran
          ? 'the proactive turn ended without sending'
          : 'the proactive turn did not run (refused by middleware, or an error before it)',
      }
    );
  }
}
