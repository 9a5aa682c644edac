/** The guide's short answers: where a returning user was, how far they got, hello to someone who finished. */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { guideStepOf, type GuideProgress } from '../../domain/guide/progress';
import { isFinishedStep } from '../../domain/guide/steps';
import {
  answer,
  carryOnButton,
  continueButton,
  helpButton,
  restartButton,
  statusButton,
} from '../shared/answerCards';
import { inDirectionOf } from '../shared/direction';
import { Verb } from '../verbs';
import { deadlineText, shortUrl, type ViewContext } from '../shared/wording';
import { stepTitle } from './guideWords';

function deadlineFact(ctx: ViewContext) {
  return { title: ctx.t('shared.deadline'), value: deadlineText(ctx.policy, ctx.today, ctx.t) };
}

/** Offered to a returning user who is part-way through. */
export function resumeCard(progress: GuideProgress, ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: ctx.firstName
      ? t('guide.resume.headingNamed', { name: ctx.firstName })
      : t('guide.resume.heading'),
    paragraphs: [t('guide.resume.wereAt', { step: stepTitle(progress.step, t) }), t('guide.resume.carryOn')],
    facts: [deadlineFact(ctx)],
    actions: [carryOnButton(t), restartButton(t), helpButton(progress.step, t)],
  });
  return inDirectionOf(card, t);
}

/** Where the user is in the guide (the bot's own record, not Microsoft's). */
export function progressCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const step = progress?.step ?? 'welcome';
  const done = isFinishedStep(progress ? guideStepOf(progress) : step);
  const card = answer({
    heading: t(done ? 'guide.progressCard.doneHeading' : 'guide.progressCard.heading'),
    paragraphs: done
      ? [
          t('guide.progressCard.done'),
          t('guide.progressCard.seeMethods', { url: shortUrl(ctx.policy.registration.url) }),
        ]
      : step === 'welcome'
        ? [t('guide.progressCard.notStarted')]
        : [t('guide.progressCard.gotTo', { step: stepTitle(step, t) })],
    facts: [deadlineFact(ctx)],
    actions: done
      ? [restartButton(t), helpButton(step, t)]
      : [continueButton(progress, t), restartButton(t), helpButton(step, t)],
  });
  return inDirectionOf(card, t);
}

/** Answer to "hi" from someone who has finished. */
export function helloAgainCard(ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: ctx.firstName
      ? t('guide.welcome.headingNamed', { name: ctx.firstName })
      : t('guide.welcome.heading'),
    paragraphs: [t('guide.helloAgain.body')],
    actions: [
      statusButton(t),
      { title: t('status.button.newPhone'), data: { verb: Verb.Ask, intent: 'newPhone' } },
      helpButton('afterwards', t),
    ],
  });
  return inDirectionOf(card, t);
}
