/**
 * Posts a card as a new thread in a Teams channel, through the Bot Connector: a proactive turn on the
 * channel's conversation id (the bot must be installed in the team). Errors are classified like the
 * Messenger's and never thrown; the post has a timeout, as nothing in botbuilder does.
 */
import type { ConversationReference } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { Logger } from '../logging/logger';
import type { ChannelPoster, ChannelTarget } from '../ports/channelPoster';
import type { SendOutcome } from '../ports/messenger';
import type { BotAdapter } from './botAdapter';
import { classifySendError } from './botMessenger';
import { cardActivity } from './cardActivity';

export interface BotChannelPosterDeps {
  adapter: BotAdapter;
  botAppId: string;
  tenantId: string;
  log: Logger;
  timeoutMs?: number;
}

type PostOutcome = Exclude<SendOutcome, { kind: 'noConversation' }>;

export class BotChannelPoster implements ChannelPoster {
  constructor(private readonly deps: BotChannelPosterDeps) {}

  async post(target: ChannelTarget, card: AdaptiveCardJson): Promise<PostOutcome> {
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: target.serviceUrl,
      conversation: {
        id: target.channelId,
        isGroup: true,
        conversationType: 'channel',
        tenantId: this.deps.tenantId,
        name: '',
      },
    };
    let outcome: PostOutcome | undefined;
    // A copy for IT waits behind pupils in the app's send budget, like a follow-up.
    const { done: turn } = this.deps.adapter.handOff.run({ kind: 'followUp' }, () =>
      this.deps.adapter.continueConversationAsync(this.deps.botAppId, reference, async (context) => {
        try {
          const response = await context.sendActivity(cardActivity(card));
          outcome = { kind: 'sent', activityIds: response?.id ? [response.id] : [] };
        } catch (error) {
          const classified = classifySendError(error);
          outcome =
            classified.kind === 'noConversation' ? { kind: 'failed', error: 'no conversation' } : classified;
        }
      }),
    );
    const ms = this.deps.timeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    });
    try {
      const result = await Promise.race([turn.then(() => 'done' as const), timeout]);
      if (result === 'timeout' && !outcome) outcome = { kind: 'failed', error: `no answer within ${ms} ms` };
    } catch (error) {
      const classified = classifySendError(error);
      outcome ??=
        classified.kind === 'noConversation' ? { kind: 'failed', error: 'no conversation' } : classified;
    } finally {
      clearTimeout(timer);
    }
    outcome ??= { kind: 'failed', error: 'the proactive turn did not run' };
    this.deps.log[outcome.kind === 'sent' ? 'info' : 'warn'](
      { teamId: target.teamId, outcome: outcome.kind },
      'escalation copy posted to the IT channel',
    );
    return outcome;
  }
}
