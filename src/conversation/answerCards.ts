/**
 * Short answers: to things people type, and to buttons that no longer make sense ("I'm stuck" leads into
 * the help flow, helpCards.ts).
 * Every answer ends with buttons, so nobody has to guess what to type next.
 */
import { renderAnswerCard, type AnswerCardData, type CardButton } from '../cards/renderCards';
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import { isFinishedStep, type StepId } from '../domain/guide/steps';
import type { GuideProgress } from '../domain/guide/progress';
import type { SensitiveKind } from '../domain/text/screening';
import { STEP_TITLES } from './guideCards';
import { changeItAdvice, itOrThem, kindsText, NEVER_ASK } from './removedWords';
import { Verb } from './verbs';
import { deadlineText, schoolName, shortUrl, supportHoursText, type ViewContext } from './wording';

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

const CARRY_ON: CardButton = { title: 'Carry on ▶', data: { verb: Verb.GuideResume } };
const START: CardButton = { title: "Let's start ▶", data: { verb: Verb.GuideStart } };
const RESTART: CardButton = { title: 'Start again', data: { verb: Verb.GuideRestart } };
const STATUS: CardButton = { title: 'Check my status', data: { verb: Verb.Ask, intent: 'status' } };

export function helpButton(from: StepId): CardButton {
  return { title: 'I need help', data: { verb: Verb.GuideStuck, from } };
}

/** "Carry on" when the user is part-way, "Let's start" otherwise. */
export function continueButton(progress: GuideProgress | undefined): CardButton {
  return progress && progress.step !== 'welcome' && !isFinishedStep(progress.step) ? CARRY_ON : START;
}

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
  const done = isFinishedStep(step);
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

/** "What is this?" */
export function whatIsThisCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const { policy, today } = ctx;
  return answer({
    heading: 'What is this?',
    paragraphs: [
      'Your school account is getting extra protection called **multi-factor authentication** (MFA). When you sign in from outside school, you approve it on your phone. So even if someone guesses your password, they cannot get in.',
      "You'll also be able to **reset your own password** if you forget it.",
      `Everyone at ${schoolName(policy)} must set this up by ${deadlineText(policy, today)}.`,
      "I'm a bot from the school's IT team. I'll walk you through it one step at a time.",
    ],
    actions: [continueButton(progress), helpButton(progress?.step ?? 'welcome')],
  });
}

/** "New phone". */
export function newPhoneCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const page = shortUrl(ctx.policy.registration.url);
  return answer({
    heading: 'Got a new phone?',
    paragraphs: [
      `**Still have the old one?** Install Microsoft Authenticator on the new phone. Then go to **${page}**, tap **Add sign-in method**, choose the app and scan the QR code with the new phone. Then delete the old phone from the list.`,
      "**Old phone gone?** Type **lost my phone** and I'll help.",
    ],
    actions: [
      {
        title: 'Show me the app steps',
        data: { verb: Verb.GuideChoose, from: 'chooseFirst', choice: 'app' },
      },
      { title: 'I lost my old phone', data: { verb: Verb.Ask, intent: 'lostPhone' } },
      helpButton(progress?.step ?? 'welcome'),
    ],
  });
}

/** "Lost my phone". */
export function lostPhoneCard(progress: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const { policy } = ctx;
  return answer({
    heading: 'Lost or broken phone?',
    paragraphs: [
      "Don't worry. In school, or on a school laptop, signing in needs no approval, so you can fix it there.",
      `Sign in at school, go to **${shortUrl(policy.registration.url)}**, remove the lost phone and add your new one.`,
      'An email address can reset your password, but it cannot approve a sign-in from home.',
      `Can't sign in at all? IT Support can help: room **${policy.support.room}**, ${supportHoursText(policy)}.`,
    ],
    tips: [{ text: 'If someone might have your phone, tell IT Support today.', style: 'attention' }],
    actions: [
      helpButton(progress?.step ?? 'welcome'),
      { title: 'Got a new phone', data: { verb: Verb.Ask, intent: 'newPhone' } },
    ],
  });
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
      `That looked like ${kindsText(found)}. I haven't kept ${them}, and I never need ${them}.`,
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

/** Anything the bot did not understand. */
export function notUnderstoodCard(progress: GuideProgress | undefined): AdaptiveCardJson {
  return answer({
    heading: "Sorry, I didn't get that",
    paragraphs: ["I'm a simple bot. Tap a button, or type **help**, **status** or **start**."],
    actions: [continueButton(progress), STATUS, helpButton(progress?.step ?? 'welcome')],
  });
}

/** A button that could not be used: malformed, unknown, or from an old card. */
export function buttonProblemCard(
  progress: GuideProgress | undefined,
  reason: 'broken' | 'notOffered',
): AdaptiveCardJson {
  return answer({
    heading: reason === 'broken' ? "Sorry, that button didn't work" : "That option isn't available now",
    paragraphs: [
      reason === 'broken'
        ? 'It may be from an old message. Carry on from where you are, or start again.'
        : 'The school no longer accepts it, or it belongs to an older message. Pick again from where you are.',
    ],
    actions: [continueButton(progress), RESTART, helpButton(progress?.step ?? 'welcome')],
  });
}
