/**
 * The words of "I need help": what went wrong, how the user wants help, when, a check before sending, the
 * confirmation with the reference, and what the desk's IT channel sees. Every card but the optional words
 * form is version 1.2 with buttons only, so a pupil on a phone can ask for help without typing anything.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { renderHelpFormCard, type CardButton, type CardFact, type CardTip } from '../../cards/renderCards';
import { bookingDays } from '../../domain/escalation/bookingDays';
import { isUrgent, type Category, type HelpWay, type PartOfDay } from '../../domain/escalation/categories';
import type { GuideProgress } from '../../domain/guide/progress';
import { isMidGuide } from '../../domain/guide/steps';
import { formatLongDate, type LocalDate } from '../../domain/policy/localDate';
import type { Escalation } from '../../ports/escalationStore';
import type { SensitiveKind } from '../../domain/text/screening';
import { answer, continueButton } from '../shared/answerCards';
import { STEP_TITLES } from '../guide/guideWords';
import { changeItAdvice, itOrThem, kindsText, NEVER_ASK } from '../shared/removedWords';
import { Verb } from '../verbs';
import type { HelpDraft, HelpView } from './helpVerbs';
import { phoneAtItText, supportHoursText, type ViewContext } from '../shared/wording';

/** What a pupil reads for each category (buttons and summaries). */
export const CATEGORY_TEXT: Record<Category, { button: string; summary: string }> = {
  signInNotMe: { button: "🚨 A sign-in I didn't start", summary: "A sign-in I didn't start" },
  noSmartphone: { button: '📵 No smartphone', summary: "I don't have a smartphone" },
  lostOrNewPhone: { button: '📱 Lost or new phone', summary: 'I lost my phone or got a new one' },
  noTextOrCall: { button: "💬 Text or call won't come", summary: "The text or call doesn't come" },
  appWontScan: { button: "📷 The app won't scan", summary: "The app won't scan the QR code" },
  lockedOut: { button: "🔒 I'm locked out", summary: "I'm locked out of my account" },
  errorMessage: { button: '⚠️ I see an error', summary: 'I see an error message' },
  other: { button: '❓ Something else', summary: 'Something else' },
};

const WAY_TEXT: Record<HelpWay, { button: string; summary: string }> = {
  walkIn: { button: "🚶 I'll walk in", summary: "I'll walk in to IT Support" },
  book: { button: '📅 Book a time', summary: 'Book a time with IT' },
  emailBack: { button: '✉️ Email me back', summary: 'Email me back' },
};

const PART_TEXT: Record<PartOfDay, string> = { morning: 'Morning', afternoon: 'Afternoon' };

/** A few words per category on what IT can do, so nobody feels their problem is a dead end. */
const CATEGORY_TIPS: Partial<Record<Category, CardTip>> = {
  noSmartphone: {
    text: "That's fine. IT can give you a key or a one-time pass instead.",
    style: 'good',
  },
  signInNotMe: {
    text: "IT will see this first. Tap **No, it's not me** on your phone, and change your password now.",
    style: 'attention',
  },
  lostOrNewPhone: { text: 'If someone might have your phone, tell IT Support today.', style: 'attention' },
  lockedOut: {
    text: 'IT Support can give you a one-time pass to get back in. Take something that shows who you are.',
    style: 'good',
  },
};

/** "Tuesday 1 December" (short enough for a phone button). */
function dayButtonText(day: LocalDate): string {
  return formatLongDate(day).replace(/ \d{4}$/, '');
}

function step(view: HelpView, draft: HelpDraft, title: string): CardButton {
  return { title, data: { ...draft, verb: Verb.HelpStep, view } };
}

/** What "Back" leads to from each view (book → day → part; the others skip them). */
function back(view: HelpView, draft: HelpDraft): CardButton {
  const previous: Record<HelpView, HelpView> = {
    start: 'start',
    more: 'start',
    way:
      draft.category === 'signInNotMe' ||
      draft.category === 'lockedOut' ||
      draft.category === 'errorMessage' ||
      draft.category === 'other'
        ? 'more'
        : 'start',
    day: 'way',
    part: 'day',
    review: draft.way === 'book' ? 'part' : 'way',
    words: 'review',
  };
  return step(previous[view], draft, '◀ Back');
}

function walkInFacts(ctx: ViewContext): CardFact[] {
  return [
    { title: 'Walk in', value: `IT Support, room ${ctx.policy.support.room}` },
    { title: 'Open', value: supportHoursText(ctx.policy) },
  ];
}

const SUPPORT_CODE: CardButton = { title: 'Show my support code', data: { verb: Verb.SupportCodeShow } };

/**
 * The start of the help flow: what went wrong, by buttons (the four most common, then "something else":
 * Teams shows at most five buttons in a row of actions).
 */
export function helpStartCard(draft: HelpDraft, ctx: ViewContext): AdaptiveCardJson {
  const from = draft.from;
  return answer({
    heading: "Let's get you some help",
    paragraphs: [
      'No problem. Lots of people get stuck here.',
      "What's the problem? Tap one and I'll pass it on to IT Support, with where you got to.",
    ],
    facts: [
      ...(from && from !== 'welcome' ? [{ title: 'You got to', value: STEP_TITLES[from] }] : []),
      ...walkInFacts(ctx),
    ],
    tips: [{ text: NEVER_ASK, style: 'emphasis' }],
    actions: [
      ...(['noSmartphone', 'lostOrNewPhone', 'noTextOrCall', 'appWontScan'] as const).map((c) =>
        step('way', { ...draft, category: c }, CATEGORY_TEXT[c].button),
      ),
      step('more', draft, 'Something else ▶'),
    ],
  });
}

/**
 * The rest of the categories, the urgent one first, and a way back to the guide. Teams shows five actions, so
 * no Back here: the first card of the flow is just above it in the chat.
 */
export function helpMoreCard(draft: HelpDraft, progress: GuideProgress | undefined): AdaptiveCardJson {
  const carryOn = continueButton(progress);
  return answer({
    heading: "What's the problem?",
    paragraphs: ['Pick the closest. You can add a few words before it goes to IT.'],
    actions: [
      step('way', { ...draft, category: 'signInNotMe' }, CATEGORY_TEXT.signInNotMe.button),
      step('way', { ...draft, category: 'lockedOut' }, CATEGORY_TEXT.lockedOut.button),
      step('way', { ...draft, category: 'errorMessage' }, CATEGORY_TEXT.errorMessage.button),
      step('way', { ...draft, category: 'other' }, CATEGORY_TEXT.other.button),
      progress && isMidGuide(progress.step) ? { ...carryOn, title: 'Back to where I was' } : carryOn,
    ],
  });
}

/** How the user wants help. */
export function helpWayCard(draft: HelpDraft & { category: Category }, ctx: ViewContext): AdaptiveCardJson {
  const tip = CATEGORY_TIPS[draft.category];
  return answer({
    heading: 'How would you like help?',
    paragraphs: [`Problem: **${CATEGORY_TEXT[draft.category].summary}**.`],
    facts: walkInFacts(ctx),
    tips: tip ? [tip] : [],
    actions: [
      step('review', { ...draft, way: 'walkIn' }, WAY_TEXT.walkIn.button),
      step('day', { ...draft, way: 'book' }, WAY_TEXT.book.button),
      step('review', { ...draft, way: 'emailBack' }, WAY_TEXT.emailBack.button),
      back('way', draft),
    ],
  });
}

/** Which day to book (the next support days). `again`: the day chosen before is no longer offered. */
export function helpDayCard(draft: HelpDraft, ctx: ViewContext, again = false): AdaptiveCardJson {
  const days = bookingDays(ctx.policy, ctx.today);
  return answer({
    heading: 'Which day suits you?',
    paragraphs: [
      ...(again ? ['That day is gone now. Please pick again.'] : []),
      `IT Support is open ${supportHoursText(ctx.policy)}. They'll email you to confirm a time.`,
    ],
    actions: [
      ...days.map((day) => step('part', { ...draft, way: 'book', day }, dayButtonText(day))),
      back('day', draft),
    ],
  });
}

/** Morning or afternoon. */
export function helpPartCard(draft: HelpDraft & { day: LocalDate }): AdaptiveCardJson {
  return answer({
    heading: 'Which part of the day?',
    paragraphs: [`On **${formatLongDate(draft.day)}**.`],
    actions: [
      step('review', { ...draft, part: 'morning' }, PART_TEXT.morning),
      step('review', { ...draft, part: 'afternoon' }, PART_TEXT.afternoon),
      back('part', draft),
    ],
  });
}

/** A finished draft's facts: problem, help, when. */
function draftFacts(draft: {
  category: Category;
  way: HelpWay;
  day?: LocalDate;
  part?: PartOfDay;
}): CardFact[] {
  return [
    { title: 'Problem', value: CATEGORY_TEXT[draft.category].summary },
    { title: 'Help', value: WAY_TEXT[draft.way].summary },
    ...(draft.way === 'book' && draft.day && draft.part
      ? [{ title: 'When', value: `${dayButtonText(draft.day)}, ${PART_TEXT[draft.part].toLowerCase()}` }]
      : []),
  ];
}

const WHAT_IT_SEES =
  "IT will see your name, your year or department, where you got stuck and what you've set up so far.";

/** The check before sending: send now, or add a few words first. */
export function helpReviewCard(draft: HelpDraft & { category: Category; way: HelpWay }): AdaptiveCardJson {
  return answer({
    heading: 'Send this to IT Support?',
    paragraphs: [WHAT_IT_SEES],
    facts: draftFacts(draft),
    actions: [
      { title: 'Send to IT ✉', data: { ...draft, verb: Verb.HelpSend } },
      step('words', draft, '✏️ Add a few words first'),
      back('review', draft),
    ],
  });
}

/** The optional words (the one form: version 1.3 for the input's label). */
export function helpWordsCard(
  draft: HelpDraft & { category: Category; way: HelpWay },
  ctx: ViewContext,
): AdaptiveCardJson {
  const max = ctx.policy.escalation.freeTextMaxLength;
  const heading = 'Add a few words';
  const paragraphs = [`Tell IT what happened, in up to ${max} characters. Or just send it.`];
  return renderHelpFormCard({
    heading,
    paragraphs,
    facts: draftFacts(draft),
    input: {
      id: 'words',
      label: 'What happened? (optional)',
      placeholder: 'For example: the QR code will not scan on my phone',
      maxLength: max,
    },
    tips: [
      {
        text: "Don't type passwords, codes, phone numbers or emails here. If you do, I'll take them out.",
        style: 'attention',
      },
    ],
    actions: [{ title: 'Send to IT ✉', data: { ...draft, verb: Verb.HelpSend } }, back('words', draft)],
    fallbackText: [heading, ...paragraphs].join('\n'),
  });
}

/** The card for `view` of a draft, or the earliest view whose choice is missing. */
export function helpViewCard(
  view: HelpView,
  draft: HelpDraft,
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  const { category, way, day, part } = draft;
  if (view === 'start') return helpStartCard(draft, ctx);
  if (view === 'more') return helpMoreCard(draft, progress);
  if (!category) return helpStartCard(draft, ctx);
  if (view === 'way' || !way) return helpWayCard({ ...draft, category }, ctx);
  if (way === 'book') {
    const offered = day !== undefined && bookingDays(ctx.policy, ctx.today).includes(day);
    if (view === 'day' || !offered) return helpDayCard(draft, ctx, day !== undefined && !offered);
    if (view === 'part' || !part) return helpPartCard({ ...draft, day });
  }
  const ready = { ...draft, category, way };
  return view === 'words' ? helpWordsCard(ready, ctx) : helpReviewCard(ready);
}

function nextStepsFor(escalation: Escalation, ctx: ViewContext): string {
  const { support } = ctx.policy;
  switch (escalation.way) {
    case 'walkIn':
      return `Go to **IT Support, room ${support.room}** (${supportHoursText(ctx.policy)}). Tell them your reference. ${phoneAtItText(ctx.policy)}`;
    case 'book':
      return escalation.booking
        ? `IT will email you at school to fix a time on **${formatLongDate(escalation.booking.day)}** (${PART_TEXT[escalation.booking.part].toLowerCase()}).`
        : 'IT will email your school address to confirm a time.';
    case 'emailBack':
      return 'IT will reply to your **school email address**. Check your school inbox.';
  }
}

/**
 * What was taken out of the words before they were kept, and why (nothing when nothing was). Said on every
 * answer to a send, so a pupil who typed a real password learns to change it whatever became of the request.
 */
function removedTips(removed: readonly SensitiveKind[], ctx: ViewContext): CardTip[] {
  if (removed.length === 0) return [];
  const them = itOrThem(removed);
  return [
    {
      text: [
        `I took out what looked like ${kindsText(removed)} before keeping your words. IT never needs ${them}, so I never keep ${them}.`,
        ...changeItAdvice(removed, ctx),
      ].join(' '),
      style: 'attention',
    },
  ];
}

const SUPPORT_CODE_TIP: CardTip = {
  text: "To check it's really you, IT may ask for your **support code**: tap **Show my support code** when you're with them.",
  style: 'emphasis',
};

/**
 * The answer to a send: sent, or saved and still on its way (`delayed`), or already sent before (the same
 * form again). Always with the reference.
 */
export function helpSentCard(
  escalation: Escalation,
  delivery: 'sent' | 'delayed',
  ctx: ViewContext,
  progress: GuideProgress | undefined,
  again = false,
  removed: readonly SensitiveKind[] = [],
): AdaptiveCardJson {
  const heading = again
    ? 'Already sent ✅'
    : delivery === 'sent'
      ? 'Sent to IT Support ✅'
      : 'Saved: on its way to IT 📨';
  const paragraphs = [
    ...(again ? ['You sent this one already, so I have not sent it twice.'] : []),
    ...(delivery === 'delayed'
      ? [
          "Microsoft is slow right now, so your message is waiting to go. I'll keep trying and tell you here when it has reached IT. You don't need to send it again.",
        ]
      : []),
    nextStepsFor(escalation, ctx),
  ];
  return answer({
    heading,
    paragraphs,
    facts: [
      { title: 'Your reference', value: escalation.reference },
      { title: 'Problem', value: CATEGORY_TEXT[escalation.category].summary },
    ],
    tips: [...removedTips(removed, ctx), SUPPORT_CODE_TIP],
    actions: [resumeButton(progress), SUPPORT_CODE],
  });
}

/** "Back to where I was" mid-guide, otherwise carry on or start. */
function resumeButton(progress: GuideProgress | undefined): CardButton {
  const carryOn = continueButton(progress);
  return progress && isMidGuide(progress.step) ? { ...carryOn, title: 'Back to where I was' } : carryOn;
}

/** Proactive: a mail the user was told was delayed has reached the desk. */
export function helpDeliveredCard(escalation: Escalation): AdaptiveCardJson {
  return answer({
    heading: 'Your message reached IT Support 📬',
    paragraphs: [`IT Support has your request **${escalation.reference}** now.`],
    actions: [SUPPORT_CODE],
  });
}

/** The desk could not be reached (refused, or still failing after days): the user walks in instead. */
export function helpFailedCard(
  escalation: Escalation,
  ctx: ViewContext,
  removed: readonly SensitiveKind[] = [],
): AdaptiveCardJson {
  const { support } = ctx.policy;
  return answer({
    heading: "Sorry, I couldn't reach IT Support",
    paragraphs: [
      `Your message didn't get through. Please walk in to **IT Support, room ${support.room}** (${supportHoursText(ctx.policy)}), or email **${support.mailbox}**.`,
      `Tell them your reference: **${escalation.reference}**.`,
    ],
    tips: removedTips(removed, ctx),
    actions: [SUPPORT_CODE],
  });
}

/** The daily limit: polite, with what they already sent today and where to walk in. */
export function helpLimitCard(
  today: Escalation[],
  ctx: ViewContext,
  progress: GuideProgress | undefined,
  removed: readonly SensitiveKind[] = [],
): AdaptiveCardJson {
  const references = today.map((e) => e.reference).join(', ');
  return answer({
    heading: "You've already asked IT today",
    paragraphs: [
      `IT Support has your ${today.length === 1 ? 'request' : 'requests'} from today (**${references}**) and will get back to you. There's no need to send another.`,
      'Need help sooner? Walk in and give them your reference.',
    ],
    facts: walkInFacts(ctx),
    tips: removedTips(removed, ctx),
    actions: [resumeButton(progress), SUPPORT_CODE],
  });
}

/** What the IT channel sees: the reference, the problem, the help wanted, delivery. No names, no words. */
export function channelEscalationCard(escalation: Escalation): AdaptiveCardJson {
  const when =
    escalation.way === 'book' && escalation.booking
      ? [
          {
            title: 'When',
            value: `${dayButtonText(escalation.booking.day)}, ${PART_TEXT[escalation.booking.part].toLowerCase()}`,
          },
        ]
      : [];
  const urgent = isUrgent(escalation.category);
  return answer({
    heading: urgent
      ? `🚨 URGENT help request ${escalation.reference}`
      : `🆘 Help request ${escalation.reference}`,
    paragraphs: [
      escalation.state === 'sent'
        ? 'The details are in the service desk mailbox (search for the reference).'
        : 'The mail to the service desk mailbox could NOT be delivered: check the bot log for this reference.',
    ],
    facts: [
      { title: 'Problem', value: CATEGORY_TEXT[escalation.category].summary },
      { title: 'Help wanted', value: WAY_TEXT[escalation.way].summary },
      ...when,
      { title: 'Stuck at', value: STEP_TITLES[escalation.step] },
      { title: 'Mail', value: escalation.state === 'sent' ? '✅ Delivered' : '❌ Not delivered' },
    ],
    actions: [],
  });
}
