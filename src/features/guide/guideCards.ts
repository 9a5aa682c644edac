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
import type { Translator } from '../../i18n/translator';
import { fixButton, reasonText } from '../status/reasonWords';
import { Verb } from '../verbs';
import { inDirectionOf } from '../shared/direction';
import { deadlineText, schoolName, type ViewContext } from '../shared/wording';
import { stepLayout, type StepAction } from './guideNavigation';
import {
  choiceWords,
  nearlyDoneWords,
  navTitles,
  progressLine,
  stepWords,
  type ActionTitles,
  type StepWords,
} from './guideWords';

export { STEP_TITLES } from './guideWords';

/** The buttons under every step: back, I'm stuck, start again. */
export function navButtons(from: StepId, t: Translator, options: { back?: boolean } = {}): CardButton[] {
  const titles = navTitles(t);
  const buttons: CardButton[] = [];
  if (options.back !== false) buttons.push({ title: titles.back, data: { verb: Verb.GuideBack, from } });
  buttons.push({ title: titles.stuck, data: { verb: Verb.GuideStuck, from } });
  buttons.push({ title: titles.restart, data: { verb: Verb.GuideRestart } });
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
  const { t } = ctx;
  switch (action.kind) {
    case 'next':
      return { title: titles.next ?? t('guide.nav.next'), data: { verb: Verb.GuideNext, from: step } };
    case 'choose':
      return {
        title: titles.choose?.[action.choice] ?? action.choice,
        data: { verb: Verb.GuideChoose, from: step, choice: action.choice },
      };
    case 'getHelp':
      return {
        title: titles.getHelp ?? t('guide.nav.stuck'),
        data: {
          verb: Verb.GuideStuck,
          from: step,
          ...(action.category ? { category: action.category } : {}),
        },
      };
    case 'supportCode':
      return {
        title: titles.supportCode ?? t('guide.nav.supportCode'),
        data: { verb: Verb.SupportCodeShow },
      };
    case 'checkStatus':
      return {
        title: titles.checkStatus ?? t('buttons.checkStatus'),
        data: { verb: Verb.Ask, intent: 'status' },
      };
    case 'fix':
      return fixButton(action.reason, { first: progress.first }, ctx);
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
  const card = renderGuideStepCard({
    progress: progressLine(step, ctx.t),
    heading: words.heading,
    intro: words.intro,
    steps,
    tips: words.tips,
    links: words.links ?? [],
    actions: [
      ...actions.map((a) => actionButton(step, a, words.buttons, progress, ctx)),
      ...navButtons(step, ctx.t),
    ],
    fallbackText,
  });
  return inDirectionOf(card, ctx.t);
}

/** The way to another language, on the first card a pupil sees. */
function languageButton(t: Translator): CardButton {
  return { title: t('buttons.language'), data: { verb: Verb.LanguageShow } };
}

/** The welcome card (first install, or "hi" before starting). */
export function welcomeCard(ctx: ViewContext): AdaptiveCardJson {
  const { policy, today, t } = ctx;
  const passed = today >= policy.registration.enforcementDate;
  const heading = ctx.firstName
    ? t('guide.welcome.headingNamed', { name: ctx.firstName })
    : t('guide.welcome.heading');
  const intro = t('guide.welcome.intro', { school: schoolName(policy) });
  const deadline = deadlineText(policy, today, t);
  const card = renderWelcomeCard({
    heading,
    intro,
    facts: [
      { title: t(passed ? 'guide.welcome.deadlineWas' : 'shared.deadline'), value: deadline },
      { title: t('guide.welcome.need'), value: t('guide.welcome.needValue') },
      { title: t('guide.welcome.takes'), value: t('guide.welcome.takesValue') },
    ],
    why: t(passed ? 'guide.welcome.whyPassed' : 'guide.welcome.whyAhead'),
    safety: t('guide.welcome.safety'),
    actions: [
      { title: t('buttons.start'), data: { verb: Verb.GuideStart } },
      { title: t('buttons.whatIsThis'), data: { verb: Verb.Ask, intent: 'whatIsThis' } },
      { title: t('buttons.help'), data: { verb: Verb.GuideStuck, from: 'welcome' } },
      languageButton(t),
    ],
    fallbackText: `${heading} ${intro} ${t('guide.welcome.deadlineLine', { deadline })}`,
  });
  return inDirectionOf(card, t);
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
      const card = renderChoiceCard({
        progress: progressLine(step, ctx.t),
        heading: words.heading,
        intro: words.intro,
        choices,
        tips: words.tips,
        actions: navButtons(step, ctx.t),
        fallbackText: [words.heading, words.intro, ...choices.map((c) => `- ${c.title}`)].join('\n'),
      });
      return inDirectionOf(card, ctx.t);
    }
    case 'instructions':
      return stepCard(step, stepWords(step, ctx), layout.actions, progress, ctx);
    case 'nearlyDone': {
      const reasons = layout.blocking.map((reason) => reasonText(reason, ctx));
      return stepCard(
        step,
        nearlyDoneWords(reasons, progress.first === 'phone', ctx.t),
        layout.actions,
        progress,
        ctx,
      );
    }
  }
}
