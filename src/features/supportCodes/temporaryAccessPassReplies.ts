/**
 * The desk's Temporary Access Pass in the conversation: `tap <upn>` typed by a desk member, and the buttons
 * that confirm an in-person check and give the pass. What was typed (a UPN) and the pass are never logged;
 * the service logs the ids and the outcome.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { Translator } from '../../i18n/translator';
import type { Logger } from '../../logging/logger';
import type { TemporaryAccessPassService } from '../../supportCodes/temporaryAccessPassService';
import { verifyUnavailableCard } from './supportCodeCards';
import {
  passIssuedCard,
  passRefusedCard,
  tapCancelledCard,
  tapConfirmCard,
  tapUnknownUserCard,
  tapUsageCard,
  type PassSettings,
} from './temporaryAccessPassCards';

/** `tap <upn>` as typed: `upn` is set when exactly one word follows. */
export interface TapCommand {
  upn?: string;
}

/** Reads a `tap …` message; undefined for anything else. */
export function parseTap(text: string): TapCommand | undefined {
  const match = /^\s*tap\b(.*)$/is.exec(text);
  if (!match) return undefined;
  const words = match[1]!.trim().split(/\s+/).filter(Boolean);
  return { upn: words.length === 1 ? words[0] : undefined };
}

export interface TemporaryAccessPassRepliesDeps {
  passes: TemporaryAccessPassService;
  /** Desk membership, as the support codes answer it (cached there). */
  desk: { isDeskMember(userId: string): Promise<boolean> };
  settings: PassSettings;
  log: Logger;
}

export class TemporaryAccessPassReplies {
  constructor(private readonly deps: TemporaryAccessPassRepliesDeps) {}

  /**
   * `tap <upn>`. Only a desk member, with the feature on, gets anything: for everyone else it is undefined
   * and the message is answered as any other (no hint that the command exists).
   */
  async tap(userId: string, command: TapCommand, t: Translator): Promise<AdaptiveCardJson[] | undefined> {
    const { passes, desk, settings, log } = this.deps;
    if (!passes.enabled) return undefined;
    if (!(await desk.isDeskMember(userId).catch(() => false))) return undefined;
    if (!command.upn) return [tapUsageCard(t)];
    try {
      const answer = await passes.grantInPerson(userId, command.upn);
      if (answer.kind === 'confirmNeeded') return [tapConfirmCard(answer.user, answer.grantId, settings, t)];
      return answer.reason === 'unknownUser' ? [tapUnknownUserCard(t)] : undefined;
    } catch (error) {
      log.warn({ userId, err: { name: (error as Error).name } }, 'temporary access pass in person failed');
      return [verifyUnavailableCard(t)];
    }
  }

  /** *Give a Temporary Access Pass* (or *Try again*) on `grantId`; `t`, as every answer here: the desk member's language. */
  async give(userId: string, grantId: string, t: Translator): Promise<AdaptiveCardJson[]> {
    const given = await this.deps.passes.give(userId, grantId).catch((error: unknown) => {
      // Storage or the membership check failed before Microsoft was asked: the same button may be tried again.
      this.deps.log.warn({ userId, err: { name: (error as Error).name } }, 'temporary access pass failed');
      return { kind: 'refused', reason: 'unavailable' } as const;
    });
    return given.kind === 'issued'
      ? [passIssuedCard(given, t)]
      : [passRefusedCard(given.reason, this.deps.settings, t, grantId)];
  }

  /**
   * The desk member checked the person in person: recorded, then the pass is given. A second press finds
   * the check confirmed already and asks for the pass again, which the grant refuses once one was given.
   */
  async confirm(userId: string, grantId: string, t: Translator): Promise<AdaptiveCardJson[]> {
    const confirmed = await this.deps.passes.confirmInPerson(userId, grantId).catch((error: unknown) => {
      this.deps.log.warn({ userId, err: { name: (error as Error).name } }, 'temporary access pass failed');
      return undefined;
    });
    // The card's confirm button is still there to press again once storage answers.
    if (!confirmed) return [verifyUnavailableCard(t)];
    if (confirmed.kind === 'refused' && confirmed.reason !== 'alreadyConfirmed') {
      return [passRefusedCard(confirmed.reason, this.deps.settings, t)];
    }
    return this.give(userId, grantId, t);
  }

  /** No pass after all: the grant is closed, so the card's Confirm button can give none. */
  async cancel(userId: string, grantId: string, t: Translator): Promise<AdaptiveCardJson[]> {
    const answer = await this.deps.passes.cancel(userId, grantId);
    return answer === 'cancelled' ? [tapCancelledCard(t)] : [passRefusedCard(answer, this.deps.settings, t)];
  }
}
