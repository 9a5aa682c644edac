/**
 * The asynchronous parts of "I need help" and of support codes, for the conversation: sending a help
 * request (stored, then mailed by the outbox); showing a user their support code and the desk's `verify`
 * are the support-code feature's (SupportCodeReplies), reached through this one dependency.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { GuideProgress } from '../../domain/guide/progress';
import type { Translator } from '../../i18n/translator';
import type { EscalationService } from '../../escalation/escalationService';
import type { Logger } from '../../logging/logger';
import type { SupportCodeService } from '../../supportCodes/supportCodeService';
import type { TemporaryAccessPassService } from '../../supportCodes/temporaryAccessPassService';
import { bookingDays } from '../../domain/escalation/bookingDays';
import { helpDayCard, helpFailedCard, helpLimitCard, helpSentCard, helpViewCard } from './helpCards';
import { SupportCodeReplies, type VerifyCommand } from '../supportCodes/supportCodeReplies';
import type { CardAction, Verb } from '../verbs';
import type { ViewContext } from '../shared/wording';

export interface HelpRepliesDeps {
  escalations: EscalationService;
  supportCodes: SupportCodeService;
  /** The desk's Temporary Access Pass: a valid `verify` makes a grant for the answer's button. */
  passes?: TemporaryAccessPassService;
  log: Logger;
}

type HelpSend = Extract<CardAction, { verb: typeof Verb.HelpSend }>;

export class HelpReplies {
  private readonly codes: SupportCodeReplies;

  constructor(private readonly deps: HelpRepliesDeps) {
    this.codes = new SupportCodeReplies({
      supportCodes: deps.supportCodes,
      passes: deps.passes,
      log: deps.log,
    });
  }

  /** Sends a finished help draft; an unfinished one gets the card of its first missing choice. */
  async send(
    userId: string,
    action: HelpSend,
    progress: GuideProgress | undefined,
    ctx: ViewContext,
  ): Promise<AdaptiveCardJson[]> {
    const { formId, from, category, way, day, part, words } = action;
    const booked = way === 'book' ? day && part && { day, part } : undefined;
    if (!category || !way || (way === 'book' && !booked)) {
      return [helpViewCard('review', { formId, from, category, way, day, part }, progress, ctx)];
    }
    if (booked && !bookingDays(ctx.policy, ctx.today).includes(booked.day)) {
      // A card from an earlier day: that day is no longer on offer.
      return [helpDayCard({ formId, from, category, way }, ctx, true)];
    }
    const result = await this.deps.escalations.submit({
      userId,
      formId,
      category,
      way,
      booking: booked || undefined,
      words,
      step: from ?? progress?.step ?? 'welcome',
      language: ctx.t.locale,
    });
    const { removed } = result;
    if (result.kind === 'limit') return [helpLimitCard(result.today, ctx, progress, removed)];
    if (result.delivery === 'failed') return [helpFailedCard(result.escalation, ctx, removed)];
    const again = result.kind === 'duplicate';
    return [helpSentCard(result.escalation, result.delivery, ctx, progress, again, removed)];
  }

  async supportCode(
    userId: string,
    progress: GuideProgress | undefined,
    t: Translator,
  ): Promise<AdaptiveCardJson[]> {
    return this.codes.supportCode(userId, progress, t);
  }

  /** The desk's `verify <upn or reference> <code>` (see SupportCodeReplies.verify). */
  async verify(
    userId: string,
    command: VerifyCommand,
    t: Translator,
  ): Promise<AdaptiveCardJson[] | undefined> {
    return this.codes.verify(userId, command, t);
  }
}
