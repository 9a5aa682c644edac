/** Showing a user their support code, and the desk's `verify`. */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { GuideProgress } from '../../domain/guide/progress';
import type { Translator } from '../../i18n/translator';
import type { Logger } from '../../logging/logger';
import type { SupportCodeService, VerifyAnswer } from '../../supportCodes/supportCodeService';
import type { TemporaryAccessPassService } from '../../supportCodes/temporaryAccessPassService';
import {
  supportCodeCard,
  verifyResultCard,
  verifyUnavailableCard,
  verifyUsageCard,
} from './supportCodeCards';

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

export interface SupportCodeRepliesDeps {
  supportCodes: SupportCodeService;
  /** The desk's Temporary Access Pass: a valid check makes a grant, offered on the answer's button. */
  passes?: Pick<TemporaryAccessPassService, 'grantAfterVerify'>;
  log: Logger;
}

export class SupportCodeReplies {
  constructor(private readonly deps: SupportCodeRepliesDeps) {}

  /** `t`: the user's language, as every answer here. */
  async supportCode(
    userId: string,
    progress: GuideProgress | undefined,
    t: Translator,
  ): Promise<AdaptiveCardJson[]> {
    return [supportCodeCard(await this.deps.supportCodes.codeFor(userId), progress, t)];
  }

  /**
   * The desk's `verify <upn or reference> <code>`. Never logs what was typed (a UPN, a code). Without a code
   * it is only a command for the desk (who get its usage); from anyone else ("verify my account") it meant
   * something else: undefined, and it is answered as any other message. A code from outside the desk gets the
   * one refusal, recorded.
   */
  async verify(
    userId: string,
    command: VerifyCommand,
    t: Translator,
  ): Promise<AdaptiveCardJson[] | undefined> {
    const { target, code } = command;
    if (!target || !code || !/\d/.test(code)) {
      const member = await this.deps.supportCodes.isDeskMember(userId).catch(() => false);
      return member ? [verifyUsageCard(t)] : undefined;
    }
    let result: VerifyAnswer;
    try {
      result = await this.deps.supportCodes.verify(userId, target, code);
    } catch (error) {
      this.deps.log.warn({ userId, err: { name: (error as Error).name } }, 'support code check failed');
      return [verifyUnavailableCard(t)];
    }
    return [
      verifyResultCard(
        result,
        t,
        result.kind === 'valid' ? await this.grantFor(userId, result.user.id) : undefined,
      ),
    ];
  }

  /** The pass button's grant; a storage fault costs the button, never the "code valid" the desk just earned. */
  private async grantFor(deskMemberId: string, userId: string): Promise<string | undefined> {
    try {
      return await this.deps.passes?.grantAfterVerify(deskMemberId, userId);
    } catch (error) {
      this.deps.log.warn(
        { userId: deskMemberId, err: { name: (error as Error).name } },
        'temporary access pass grant not stored',
      );
      return undefined;
    }
  }
}
