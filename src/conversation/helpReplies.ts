/**
 * The asynchronous parts of "I need help" and of support codes, for the conversation: sending a help
 * request (stored, then mailed by the outbox), showing a user their support code, and the desk's `verify`.
 */
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { GuideProgress } from '../domain/guide/progress';
import type { EscalationService } from '../escalation/escalationService';
import type { Logger } from '../logging/logger';
import type { SupportCodeService } from '../supportCodes/supportCodeService';
import { bookingDays } from '../domain/escalation/bookingDays';
import { helpDayCard, helpFailedCard, helpLimitCard, helpSentCard, helpViewCard } from './helpCards';
import {
  supportCodeCard,
  verifyResultCard,
  verifyUnavailableCard,
  verifyUsageCard,
} from './supportCodeCards';
import type { CardAction, Verb } from './verbs';
import type { ViewContext } from './wording';

export interface HelpRepliesDeps {
  escalations: EscalationService;
  supportCodes: SupportCodeService;
  log: Logger;
}

/** `verify <upn or reference> <code>` as typed; the code may be written "123 456". */
export interface VerifyCommand {
  target?: string;
  code?: string;
}

/** Reads a `verify …` message; undefined for anything else. */
export function parseVerify(text: string): VerifyCommand | undefined {
  const match = /^\s*verify\b(.*)$/is.exec(text);
  if (!match) return undefined;
  const [target, ...rest] = match[1]!.trim().split(/\s+/).filter(Boolean);
  const code = rest.join('');
  return { target, code: code || undefined };
}

type HelpSend = Extract<CardAction, { verb: typeof Verb.HelpSend }>;

export class HelpReplies {
  constructor(private readonly deps: HelpRepliesDeps) {}

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
    });
    const { removed } = result;
    if (result.kind === 'limit') return [helpLimitCard(result.today, ctx, progress, removed)];
    if (result.delivery === 'failed') return [helpFailedCard(result.escalation, ctx, removed)];
    const again = result.kind === 'duplicate';
    return [helpSentCard(result.escalation, result.delivery, ctx, progress, again, removed)];
  }

  async supportCode(userId: string, progress: GuideProgress | undefined): Promise<AdaptiveCardJson[]> {
    return [supportCodeCard(await this.deps.supportCodes.codeFor(userId), progress)];
  }

  /**
   * The desk's `verify <upn or reference> <code>`. Never logs what was typed (a UPN, a code). Without a code
   * it is only a command for the desk (who get its usage); from anyone else ("verify my account") it meant
   * something else: undefined, and it is answered as any other message. A code from outside the desk gets the
   * one refusal, recorded.
   */
  async verify(userId: string, command: VerifyCommand): Promise<AdaptiveCardJson[] | undefined> {
    const { target, code } = command;
    if (!target || !code || !/\d/.test(code)) {
      const member = await this.deps.supportCodes.isDeskMember(userId).catch(() => false);
      return member ? [verifyUsageCard()] : undefined;
    }
    try {
      return [verifyResultCard(await this.deps.supportCodes.verify(userId, target, code))];
    } catch (error) {
      this.deps.log.warn({ userId, err: { name: (error as Error).name } }, 'support code check failed');
      return [verifyUnavailableCard()];
    }
  }
}
