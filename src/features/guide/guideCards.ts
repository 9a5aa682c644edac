/**
 * The guide's cards: one per step, laid out from what the step offers (guideNavigation.ts) and what it says
 * (guideWords.ts). Pure: (step, progress, context) → card JSON. The step machine decides where a user is;
 * this lays out what they read there.
 */
import type { GuideProgress } from '../../domain/guide/progress';
import type { StepId } from '../../domain/guide/steps';
import {
  renderChoiceCard,
  renderGuideStepCard,
  renderWelcomeCard,
  type CardButton,
} from '../../cards/renderCards';
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { fixButton, reasonText } from '../status/reasonWords';
import { Verb } from '../verbs';
import { deadlineText, inEnglish, schoolName, type ViewContext } from '../shared/wording';
import { stepLayout, type StepAction } from './guideNavigation';
import {
  choiceWords,
  nearlyDoneWords,
  NAV_TITLES,
  NEXT_TITLE,
  progressLine,
  stepWords,
  type ActionTitles,
  type StepWords,
} from './guideWords';

export { STEP_TITLES } from './guideWords';

/** The buttons under every step: back, I'm stuck, start again. */
export function navButtons(from: StepId, options: { back?: boolean } = {}): CardButton[] {
  const buttons: CardButton[] = [];
  if (options.back !== false) buttons.push({ title: NAV_TITLES.back, data: { verb: Verb.GuideBack, from } });
  buttons.push({ title: NAV_TITLES.stuck, data: { verb: Verb.GuideStuck, from } });
  buttons.push({ title: NAV_TITLES.restart, data: { verb: Verb.GuideRestart } });
  return buttons;
}

/** A step's own button, with its title from the step's words. */
function actionButton(
  step: StepId,
  action: StepAction,
  titles: ActionTitles,
  progress: GuideProgress,
  ctx: ViewContext,
): CardButton {
  switch (action.kind) {
    case 'next':
      return { title: titles.next ?? NEXT_TITLE, data: { verb: Verb.GuideNext, from: step } };
    case 'choose':
      return {
        title: titles.choose?.[action.choice] ?? action.choice,
        data: { verb: Verb.GuideChoose, from: step, choice: action.choice },
      };
    case 'getHelp':
      return {
        title: titles.getHelp ?? NAV_TITLES.stuck,
        data: {
          verb: Verb.GuideStuck,
          from: step,
          ...(action.category ? { category: action.category } : {}),
        },
      };
    case 'supportCode':
      return { title: titles.supportCode ?? 'Show my support code', data: { verb: Verb.SupportCodeShow } };
    case 'checkStatus':
      return { title: titles.checkStatus ?? 'Check my status', data: { verb: Verb.Ask, intent: 'status' } };
    case 'fix':
      return fixButton(action.reason, { first: progress.first }, inEnglish(ctx));
  }
}

function stepCard(
  step: StepId,
  words: StepWords,
  actions: StepAction[],
  progress: GuideProgress,
  ctx: ViewContext,
): AdaptiveCardJson {
  const steps = words.steps.map((text, i) => ({ n: i + 1, text }));
  const fallbackText = [words.heading, words.intro, ...words.steps.map((s, i) => `${i + 1}. ${s}`)]
    .filter(Boolean)
    .join('\n');
  return renderGuideStepCard({
    progress: progressLine(step),
    heading: words.heading,
    intro: words.intro,
    steps,
    tips: words.tips,
    links: words.links ?? [],
    actions: [
      ...actions.map((a) => actionButton(step, a, words.buttons, progress, ctx)),
      ...navButtons(step),
    ],
    fallbackText,
  });
}

/** The welcome card (first install, or "hi" before starting). */
export function welcomeCard(ctx: ViewContext): AdaptiveCardJson {
  const { policy, today } = ctx;
  const passed = today >= policy.registration.enforcementDate;
  const heading = ctx.firstName ? `Hi ${ctx.firstName}! 👋` : 'Hi! 👋';
  const intro = `I'm here to help you protect your ${schoolName(policy)} account with a second check when you sign in. It takes about 10 minutes.`;
  return renderWelcomeCard({
    heading,
    intro,
    facts: [
      { title: passed ? 'Deadline was' : 'Deadline', value: deadlineText(policy, today) },
      { title: "You'll need", value: 'Your phone (and a computer, if you have one)' },
      { title: 'Takes', value: 'About 10 minutes' },
    ],
    why: passed
      ? "Signing in from outside school now needs a quick approval on your phone. Let's set it up so you're not locked out."
      : 'After the deadline, you must say yes on your phone when you sign in from outside school. In school, or on a school laptop, nothing changes.',
    safety:
      '🔒 I will never ask for your password, the codes Microsoft sends you or your phone number. Nor will IT.',
    actions: [
      { title: "Let's start ▶", data: { verb: Verb.GuideStart } },
      { title: 'What is this?', data: { verb: Verb.Ask, intent: 'whatIsThis' } },
      { title: 'I need help', data: { verb: Verb.GuideStuck, from: 'welcome' } },
    ],
    fallbackText: `${heading} ${intro} Deadline: ${deadlineText(policy, today)}.`,
  });
}

/** The card for `step`, given where the user is and what the school accepts today. */
export function guideCard(step: StepId, progress: GuideProgress, ctx: ViewContext): AdaptiveCardJson {
  const layout = stepLayout(step, progress, ctx.methods);
  switch (layout.kind) {
    case 'welcome':
      return welcomeCard(ctx);
    case 'choice': {
      const words = choiceWords(step, ctx);
      const choices = layout.choices.flatMap((choice) => {
        const option = words.options[choice];
        return option ? [{ ...option, data: { verb: Verb.GuideChoose, from: step, choice } as const }] : [];
      });
      return renderChoiceCard({
        progress: progressLine(step),
        heading: words.heading,
        intro: words.intro,
        choices,
        tips: words.tips,
        actions: navButtons(step),
        fallbackText: [words.heading, words.intro, ...choices.map((c) => `- ${c.title}`)].join('\n'),
      });
    }
    case 'instructions':
      return stepCard(step, stepWords(step, ctx), layout.actions, progress, ctx);
    case 'nearlyDone': {
      // The guide is still English: its last step names the reasons in English too.
      const reasons = layout.blocking.map((reason) => reasonText(reason, inEnglish(ctx)));
      return stepCard(
        step,
        nearlyDoneWords(reasons, progress.first === 'phone'),
        layout.actions,
        progress,
        ctx,
      );
    }
  }
}
