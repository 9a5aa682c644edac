/**
 * The words of support codes: the user's own code (shown only in their chat, with the warning that matters:
 * never read it to anyone who calls them), and the desk's answers to `verify`. Desk answers carry the
 * person's name and directory details, never a photo.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { CardButton } from '../../cards/renderCards';
import type { GuideProgress } from '../../domain/guide/progress';
import type { VerifyAnswer } from '../../supportCodes/supportCodeService';
import { answer, continueButton } from '../shared/answerCards';
import { Verb } from '../verbs';
import { giveButton } from './temporaryAccessPassCards';

const NEW_CODE: CardButton = { title: 'Show a new code', data: { verb: Verb.SupportCodeShow } };

/** "123 456": easier to read out and to type. */
function spaced(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/** The user's current support code. */
export function supportCodeCard(
  code: { code: string; secondsLeft: number },
  progress: GuideProgress | undefined,
): AdaptiveCardJson {
  return answer({
    heading: `Your support code: ${spaced(code.code)}`,
    paragraphs: [
      `It changes every 30 seconds. This one lasts about ${code.secondsLeft} more seconds. Tap **Show a new code** for a fresh one.`,
      "Show it to IT Support only when **you** asked them for help: at the IT desk, or on a call **you** made. It proves it's really you.",
    ],
    tips: [
      {
        text: '**Never read it to anyone who calls or messages you**, even if they say they are from IT or the school. Hang up and walk in to IT Support instead.',
        style: 'attention',
      },
      {
        text: 'This is not a sign-in code. Never tell anyone the codes Microsoft sends you.',
        style: 'emphasis',
      },
    ],
    actions: [NEW_CODE, continueButton(progress)],
  });
}

/** How to ask (`verify` typed without a target and a code). */
export function verifyUsageCard(): AdaptiveCardJson {
  return answer({
    heading: 'Check a support code',
    paragraphs: [
      'Type **verify**, then the person’s school email or their help reference, then the 6-digit code they show you.',
      'For example: **verify MFA-7K2Q 123 456**',
    ],
    actions: [],
  });
}

/**
 * The desk's answer to `verify`. With `grantId` (a valid code, and the policy lets the desk give passes) it
 * offers a Temporary Access Pass for the person checked.
 */
export function verifyResultCard(result: VerifyAnswer, grantId?: string): AdaptiveCardJson {
  switch (result.kind) {
    case 'refused':
      return answer({
        heading: "Sorry, I can't check codes for you",
        paragraphs: ['Only the IT service desk can check support codes.'],
        actions: [
          { title: 'Carry on ▶', data: { verb: Verb.GuideResume } },
          { title: 'Check my status', data: { verb: Verb.Ask, intent: 'status' } },
        ],
      });
    case 'rateLimited':
      return answer({
        heading: 'Too many checks ⏳',
        paragraphs: [
          result.scope === 'checker'
            ? 'You have checked a lot of codes in a short time. Please wait a few minutes.'
            : 'This person has had a lot of checks in a short time. Please wait a few minutes, then ask for a fresh code.',
        ],
        actions: [],
      });
    case 'unknownTarget':
      return answer({
        heading: 'No one found',
        paragraphs: [
          'No account has that school email, and no help request has that reference. Check the spelling.',
        ],
        actions: [],
      });
    case 'noCode':
      return answer({
        heading: 'No support code yet',
        paragraphs: [
          `**${result.user.displayName}** has never shown a support code. Ask them to type **my support code** in their chat with me.`,
        ],
        actions: [],
      });
    case 'valid':
      return answer({
        heading: '✅ Code valid',
        paragraphs: [
          `This is **${result.user.displayName}** (${result.user.userPrincipalName}).`,
          ...(result.user.accountEnabled ? [] : ['⚠️ Their account is disabled in Entra ID.']),
        ],
        facts: [
          ...(result.user.department ? [{ title: 'Year / dept', value: result.user.department }] : []),
          ...(result.user.jobTitle ? [{ title: 'Job title', value: result.user.jobTitle }] : []),
          ...(result.reference ? [{ title: 'Request', value: result.reference }] : []),
        ],
        tips: [{ text: 'The check is recorded. The code cannot be used again.', style: 'good' }],
        actions: grantId ? [giveButton(grantId)] : [],
      });
    case 'invalid':
      return answer({
        heading: '❌ Not valid',
        paragraphs: [
          result.reason === 'replay'
            ? 'That code was already used. Ask for a fresh one (it changes every 30 seconds).'
            : result.reason === 'malformed'
              ? 'A support code is 6 digits.'
              : `That is not ${result.user.displayName}'s code right now.`,
          "**Don't reset anything** until a code checks out.",
        ],
        actions: [],
      });
  }
}

/** The directory could not be asked (Graph unavailable): nothing was checked. */
export function verifyUnavailableCard(): AdaptiveCardJson {
  return answer({
    heading: "I couldn't check that just now",
    paragraphs: ["Microsoft didn't answer in time, so nothing was checked. Please try again in a minute."],
    actions: [],
  });
}
