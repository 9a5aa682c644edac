/**
 * The words of support codes: the user's own code (shown only in their chat, with the warning that matters:
 * never read it to anyone who calls them), and the desk's answers to `verify`. Desk answers carry the
 * person's name and directory details, never a photo. Every word comes from the reader's catalogue
 * (`supportCodes.*`); the typed commands (**verify**, **my support code**) stay as the bot reads them.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { CardButton, CardFact } from '../../cards/renderCards';
import type { GuideProgress } from '../../domain/guide/progress';
import type { Translator } from '../../i18n/translator';
import type { DirectoryUser } from '../../ports/directory';
import type { VerifyAnswer } from '../../supportCodes/supportCodeService';
import { answer, carryOnButton, continueButton, statusButton } from '../shared/answerCards';
import { inDirectionOf } from '../shared/direction';
import { Verb } from '../verbs';
import { giveButton } from './temporaryAccessPassCards';

function newCodeButton(t: Translator): CardButton {
  return { title: t('supportCodes.show.newCode'), data: { verb: Verb.SupportCodeShow } };
}

/** "123 456": easier to read out and to type. */
function spaced(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/** What the desk reads of a person besides their name: year or department, job title. */
export function personFacts(user: DirectoryUser, t: Translator): CardFact[] {
  return [
    ...(user.department ? [{ title: t('supportCodes.fact.yearOrDept'), value: user.department }] : []),
    ...(user.jobTitle ? [{ title: t('supportCodes.fact.jobTitle'), value: user.jobTitle }] : []),
  ];
}

/** The user's current support code. */
export function supportCodeCard(
  code: { code: string; secondsLeft: number },
  progress: GuideProgress | undefined,
  t: Translator,
): AdaptiveCardJson {
  const card = answer({
    heading: t('supportCodes.show.heading', { code: spaced(code.code) }),
    paragraphs: [
      t('supportCodes.show.changes', { seconds: code.secondsLeft }),
      t('supportCodes.show.whenToShow'),
    ],
    tips: [
      { text: t('supportCodes.show.neverRead'), style: 'attention' },
      { text: t('supportCodes.show.notSignIn'), style: 'emphasis' },
    ],
    actions: [newCodeButton(t), continueButton(progress, t)],
  });
  return inDirectionOf(card, t);
}

/** How to ask (`verify` typed without a target and a code). */
export function verifyUsageCard(t: Translator): AdaptiveCardJson {
  const card = answer({
    heading: t('supportCodes.usage.heading'),
    paragraphs: [
      t('supportCodes.usage.how'),
      t('supportCodes.usage.example', { example: 'verify MFA-7K2Q 123 456' }),
    ],
    actions: [],
  });
  return inDirectionOf(card, t);
}

/**
 * The desk's answer to `verify`. With `grantId` (a valid code, and the policy lets the desk give passes) it
 * offers a Temporary Access Pass for the person checked.
 */
export function verifyResultCard(result: VerifyAnswer, t: Translator, grantId?: string): AdaptiveCardJson {
  return inDirectionOf(verifyResult(result, t, grantId), t);
}

function verifyResult(result: VerifyAnswer, t: Translator, grantId?: string): AdaptiveCardJson {
  switch (result.kind) {
    case 'refused':
      return answer({
        heading: t('supportCodes.refused.heading'),
        paragraphs: [t('supportCodes.refused.body')],
        actions: [carryOnButton(t), statusButton(t)],
      });
    case 'rateLimited':
      return answer({
        heading: t('supportCodes.rateLimited.heading'),
        paragraphs: [
          t(
            result.scope === 'checker'
              ? 'supportCodes.rateLimited.checker'
              : 'supportCodes.rateLimited.target',
          ),
        ],
        actions: [],
      });
    case 'unknownTarget':
      return answer({
        heading: t('supportCodes.unknownTarget.heading'),
        paragraphs: [t('supportCodes.unknownTarget.body')],
        actions: [],
      });
    case 'noCode':
      return answer({
        heading: t('supportCodes.noCode.heading'),
        paragraphs: [t('supportCodes.noCode.body', { name: result.user.displayName })],
        actions: [],
      });
    case 'valid':
      return answer({
        heading: t('supportCodes.valid.heading'),
        paragraphs: [
          t('supportCodes.valid.who', {
            name: result.user.displayName,
            upn: result.user.userPrincipalName,
          }),
          ...(result.user.accountEnabled ? [] : [t('supportCodes.accountDisabled')]),
        ],
        facts: [
          ...personFacts(result.user, t),
          ...(result.reference ? [{ title: t('supportCodes.fact.request'), value: result.reference }] : []),
        ],
        tips: [{ text: t('supportCodes.valid.recorded'), style: 'good' }],
        actions: grantId ? [giveButton(grantId, t)] : [],
      });
    case 'invalid':
      return answer({
        heading: t('supportCodes.invalid.heading'),
        paragraphs: [
          result.reason === 'replay'
            ? t('supportCodes.invalid.replay')
            : result.reason === 'malformed'
              ? t('supportCodes.invalid.malformed')
              : t('supportCodes.invalid.wrong', { name: result.user.displayName }),
          t('supportCodes.invalid.dontReset'),
        ],
        actions: [],
      });
  }
}

/** The directory could not be asked (Graph unavailable): nothing was checked. */
export function verifyUnavailableCard(t: Translator): AdaptiveCardJson {
  const card = answer({
    heading: t('supportCodes.unavailable.heading'),
    paragraphs: [t('supportCodes.unavailable.body')],
    actions: [],
  });
  return inDirectionOf(card, t);
}
