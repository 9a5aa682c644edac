/** The guide's short answers: where a returning user was, how far they got, hello to someone who finished. */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { guideStepOf, type GuideProgress } from '../../domain/guide/progress';
import { isFinishedStep } from '../../domain/guide/steps';
import { answer, CARRY_ON, continueButton, helpButton, RESTART, STATUS } from '../shared/answerCards';
import { Verb } from '../verbs';
import { deadlineText, shortUrl, type ViewContext } from '../shared/wording';
import { STEP_TITLES } from './guideWords';

/** Offered to a returning user who is part-way through. */
export function resumeCard(progress: GuideProgress, ctx: ViewContext): AdaptiveCardJson {
  return answer({
    heading: ctx.firstName ? `Welcome back, ${ctx.firstName}!` : 'Welcome back!',
    paragraphs: [
      `You were at: **${STEP_TITLES[progress.step]}**.`,
      'Carry on where you left off, or start again.',
    ],
    facts: [{ title: 'Deadline', value: deadlineText(ctx.policy, ctx.today) }],
    actions: [CARRY_ON, RESTART, helpButton(progress.step)],
  });
}

/** Where the user is in the guide (the bot's own record, not Microsoft's). */
export function progressCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const step = progress?.step ?? 'welcome';
  const done = isFinishedStep(progress ? guideStepOf(progress) : step);
  return answer({
    heading: done ? 'You finished the guide ✅' : 'Your progress',
    paragraphs: done
      ? [
          "You've been through every step. If Microsoft's page said you were all set, you're done.",
          `To see or change your methods, go to **${shortUrl(ctx.policy.registration.url)}**.`,
        ]
      : step === 'welcome'
        ? ["You haven't started yet. It takes about 10 minutes."]
        : [`You got to: **${STEP_TITLES[step]}**.`],
    facts: [{ title: 'Deadline', value: deadlineText(ctx.policy, ctx.today) }],
    actions: done ? [RESTART, helpButton(step)] : [continueButton(progress), RESTART, helpButton(step)],
  });
}

/** Answer to "hi" from someone who has finished. */
export function helloAgainCard(ctx: ViewContext): AdaptiveCardJson {
  return answer({
    heading: ctx.firstName ? `Hi ${ctx.firstName}! 👋` : 'Hi! 👋',
    paragraphs: ["You've finished setting up. Is there anything I can help with?"],
    actions: [
      STATUS,
      { title: 'Got a new phone', data: { verb: Verb.Ask, intent: 'newPhone' } },
      helpButton('afterwards'),
    ],
  });
}
