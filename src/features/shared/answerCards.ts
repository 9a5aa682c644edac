/**
 * The answer card every feature uses, and the short answers that belong to no one feature: to what nobody
 * understood, to a button that no longer makes sense, to something that must never be sent, to "thanks".
 * Every answer ends with buttons, so nobody has to guess what to type next.
 */
import { renderAnswerCard, type AnswerCardData, type CardButton } from '../../cards/renderCards';
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { isFinishedStep, type StepId } from '../../domain/guide/steps';
import type { GuideProgress } from '../../domain/guide/progress';
import type { SensitiveKind } from '../../domain/text/screening';
import { changeItAdvice, itOrThem, kindsText, NEVER_ASK } from './removedWords';
import { Verb } from '../verbs';
import type { ViewContext } from './wording';
import type { Translator } from '../../i18n/translator';
import { inDirectionOf } from './direction';

type AnswerInput = Omit<AnswerCardData, 'fallbackText' | 'facts' | 'tips' | 'links'> &
  Partial<Pick<AnswerCardData, 'facts' | 'tips' | 'links'>>;

/** An answer card with the fallback text made from its heading and paragraphs. */
export function answer(input: AnswerInput): AdaptiveCardJson {
  return renderAnswerCard({
    facts: [],
    tips: [],
    links: [],
    ...input,
    fallbackText: [input.heading, ...input.paragraphs].join('\n'),
  });
}

export const CARRY_ON: CardButton = { title: 'Carry on ▶', data: { verb: Verb.GuideResume } };
const START: CardButton = { title: "Let's start ▶", data: { verb: Verb.GuideStart } };
export const RESTART: CardButton = { title: 'Start again', data: { verb: Verb.GuideRestart } };
export const STATUS: CardButton = { title: 'Check my status', data: { verb: Verb.Ask, intent: 'status' } };

/** "Start again" in the user's language. */
export function restartButton(t: Translator): CardButton {
  return { ...RESTART, title: t('buttons.restart') };
}

/** "Check my status" in the user's language. */
export function statusButton(t: Translator): CardButton {
  return { ...STATUS, title: t('buttons.checkStatus') };
}

/** "Carry on" in the user's language. */
export function carryOnButton(t: Translator): CardButton {
  return { ...CARRY_ON, title: t('buttons.carryOn') };
}

/** "I need help"; in the user's language when given `t` (the features moved onto the catalogue pass theirs). */
export function helpButton(from: StepId, t?: Translator): CardButton {
  return { title: t ? t('buttons.help') : 'I need help', data: { verb: Verb.GuideStuck, from } };
}

/** "Carry on" when the user is part-way, "Let's start" otherwise; in the user's language when given `t`. */
export function continueButton(progress: GuideProgress | undefined, t?: Translator): CardButton {
  const partWay = progress && progress.step !== 'welcome' && !isFinishedStep(progress.step);
  if (!t) return partWay ? CARRY_ON : START;
  return partWay ? { ...CARRY_ON, title: t('buttons.carryOn') } : { ...START, title: t('buttons.start') };
}

/**
 * Answer to a message that held something the bot must never be sent (screening.ts): what it looked like,
 * that it was not kept, how to delete it from the chat (the bot cannot), and what to change if it was real.
 */
export function sensitiveCard(
  found: readonly SensitiveKind[],
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  const them = itOrThem(found);
  return answer({
    heading: "⚠️ Please don't send me that",
    paragraphs: [
      `You sent what looked like ${kindsText(found)}. I haven't kept ${them}, and I never need ${them}.`,
      'Please delete your message from this chat. On a computer: point at it, choose **⋯**, then **Delete**. On a phone: press and hold it, then tap **Delete**.',
      ...changeItAdvice(found, ctx),
    ],
    tips: [{ text: NEVER_ASK, style: 'emphasis' }],
    actions: [continueButton(progress), helpButton(progress?.step ?? 'welcome')],
  });
}

/** Answer to "thanks". */
export function thanksCard(progress: GuideProgress | undefined): AdaptiveCardJson {
  return answer({
    heading: "You're welcome! 😊",
    paragraphs: ['Anything else? Tap a button or type **help**.'],
    actions: [continueButton(progress), STATUS],
  });
}

/** Anything the bot did not understand. */
export function notUnderstoodCard(progress: GuideProgress | undefined): AdaptiveCardJson {
  return answer({
    heading: "Sorry, I didn't get that",
    paragraphs: ["I'm a simple bot. Tap a button, or type **help**, **status** or **start**."],
    actions: [continueButton(progress), STATUS, helpButton(progress?.step ?? 'welcome')],
  });
}

/**
 * A button that could not be used: malformed, unknown, or from an old card; in the user's language when given
 * `t` (English otherwise, for the features still in English).
 */
export function buttonProblemCard(
  progress: GuideProgress | undefined,
  reason: 'broken' | 'notOffered',
  t?: Translator,
): AdaptiveCardJson {
  const card = answer({
    heading: t
      ? t(`shared.buttonProblem.${reason}Heading`)
      : reason === 'broken'
        ? "Sorry, that button didn't work"
        : "That option isn't available now",
    paragraphs: [
      t
        ? t(`shared.buttonProblem.${reason}`)
        : reason === 'broken'
          ? 'It may be from an old message. Carry on from where you are, or start again.'
          : 'The school no longer takes it, or it is from an old message. Pick again from where you are.',
    ],
    actions: [
      continueButton(progress, t),
      t ? restartButton(t) : RESTART,
      helpButton(progress?.step ?? 'welcome', t),
    ],
  });
  return t ? inDirectionOf(card, t) : card;
}
