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
import { changeItAdvice, kindsText, neverAsk } from './removedWords';
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

/** "Start again" in the user's language. */
export function restartButton(t: Translator): CardButton {
  return { title: t('buttons.restart'), data: { verb: Verb.GuideRestart } };
}

/** "Check my status" in the user's language. */
export function statusButton(t: Translator): CardButton {
  return { title: t('buttons.checkStatus'), data: { verb: Verb.Ask, intent: 'status' } };
}

/** "Carry on" in the user's language. */
export function carryOnButton(t: Translator): CardButton {
  return { title: t('buttons.carryOn'), data: { verb: Verb.GuideResume } };
}

/** "I need help" in the user's language, from the step the user is on. */
export function helpButton(from: StepId, t: Translator): CardButton {
  return { title: t('buttons.help'), data: { verb: Verb.GuideStuck, from } };
}

/** "Carry on" when the user is part-way, "Let's start" otherwise, in the user's language. */
export function continueButton(progress: GuideProgress | undefined, t: Translator): CardButton {
  const partWay = progress && progress.step !== 'welcome' && !isFinishedStep(progress.step);
  return partWay ? carryOnButton(t) : { title: t('buttons.start'), data: { verb: Verb.GuideStart } };
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
  const { t } = ctx;
  const card = answer({
    heading: t('shared.sensitive.heading'),
    paragraphs: [
      t('shared.sensitive.lookedLike', { kinds: kindsText(found, t), count: Math.max(1, found.length) }),
      t('shared.sensitive.delete'),
      ...changeItAdvice(found, ctx),
    ],
    tips: [{ text: neverAsk(t), style: 'emphasis' }],
    actions: [continueButton(progress, t), helpButton(progress?.step ?? 'welcome', t)],
  });
  return inDirectionOf(card, t);
}

/** Answer to "thanks". */
export function thanksCard(progress: GuideProgress | undefined, t: Translator): AdaptiveCardJson {
  const card = answer({
    heading: t('shared.thanks.heading'),
    paragraphs: [t('shared.thanks.body')],
    actions: [continueButton(progress, t), statusButton(t)],
  });
  return inDirectionOf(card, t);
}

/** Anything the bot did not understand. */
export function notUnderstoodCard(progress: GuideProgress | undefined, t: Translator): AdaptiveCardJson {
  const card = answer({
    heading: t('shared.notUnderstood.heading'),
    paragraphs: [t('shared.notUnderstood.body')],
    actions: [continueButton(progress, t), statusButton(t), helpButton(progress?.step ?? 'welcome', t)],
  });
  return inDirectionOf(card, t);
}

/** A button that could not be used: malformed, unknown, or from an old card. */
export function buttonProblemCard(
  progress: GuideProgress | undefined,
  reason: 'broken' | 'notOffered',
  t: Translator,
): AdaptiveCardJson {
  const card = answer({
    heading: t(`shared.buttonProblem.${reason}Heading`),
    paragraphs: [t(`shared.buttonProblem.${reason}`)],
    actions: [continueButton(progress, t), restartButton(t), helpButton(progress?.step ?? 'welcome', t)],
  });
  return inDirectionOf(card, t);
}
