/**
 * The words of "I need help": what went wrong, how the user wants help, when, a check before sending, the
 * confirmation with the reference, and what the desk's IT channel sees. Every card but the optional words
 * form is version 1.2 with buttons only, so a pupil on a phone can ask for help without typing anything.
 * Every word a user reads comes from their catalogue (`help.*`); right-to-left languages get cards laid out
 * for them. The IT channel's copy is the desk's, in the school's language (the translator it is given).
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { renderHelpFormCard, type CardButton, type CardFact, type CardTip } from '../../cards/renderCards';
import { bookingDays } from '../../domain/escalation/bookingDays';
import { isUrgent, type Category, type HelpWay, type PartOfDay } from '../../domain/escalation/categories';
import type { GuideProgress } from '../../domain/guide/progress';
import { isMidGuide } from '../../domain/guide/steps';
import { formatLongDate, type LocalDate } from '../../domain/policy/localDate';
import { BASE_LOCALE } from '../../i18n/catalogue';
import type { Translator } from '../../i18n/translator';
import type { Escalation } from '../../ports/escalationStore';
import type { SensitiveKind } from '../../domain/text/screening';
import { answer, continueButton } from '../shared/answerCards';
import { inDirectionOf } from '../shared/direction';
import { STEP_TITLES, stepTitle } from '../guide/guideWords';
import { changeItAdvice, kindsText, neverAsk } from '../shared/removedWords';
import { Verb } from '../verbs';
import type { HelpDraft, HelpView } from './helpVerbs';
import { phoneAtItText, supportHoursText, type ViewContext } from '../shared/wording';

/** A category's button ("📵 No smartphone") or summary ("I don't have a smartphone"). */
function categoryText(category: Category, form: 'button' | 'summary', t: Translator): string {
  return t(`help.category.${category}.${form}`);
}

function wayText(way: HelpWay, form: 'button' | 'summary', t: Translator): string {
  return t(`help.way.${way}.${form}`);
}

/** The tips some categories get: what IT can do, so nobody feels their problem is a dead end. */
const CATEGORY_TIP_STYLES: Partial<Record<Category, CardTip['style']>> = {
  noSmartphone: 'good',
  signInNotMe: 'attention',
  lostOrNewPhone: 'attention',
  lockedOut: 'good',
};

function categoryTip(category: Category, t: Translator): CardTip | undefined {
  const style = CATEGORY_TIP_STYLES[category];
  return style && { text: t(`help.tip.${category}`), style };
}

/** The most of a button's title a phone shows on one line. */
const BUTTON_TITLE_MOST = 28;

/**
 * A day on a button: "Thursday 3 December", "czwartek, 3 grudnia". Where the language's long form does not fit a
 * phone's button ("gruodžio 3 d., ketvirtadienis"), the weekday is shortened, then the month.
 */
export function dayButtonText(day: LocalDate, t: Translator): string {
  // English keeps the bot's own long date, without its year.
  if (t.locale === BASE_LOCALE) return formatLongDate(day).replace(/ \d{4}$/, '');
  const noon = new Date(`${day}T12:00:00Z`);
  const forms: Intl.DateTimeFormatOptions[] = [
    { weekday: 'long', month: 'long' },
    { weekday: 'short', month: 'long' },
    { weekday: 'short', month: 'short' },
  ];
  const texts = forms.map((form) =>
    new Intl.DateTimeFormat(t.locale, { ...form, day: 'numeric', timeZone: 'UTC' }).format(noon),
  );
  return texts.find((text) => text.length <= BUTTON_TITLE_MOST) ?? texts[texts.length - 1]!;
}

/** "Tuesday 1 December, morning". */
function whenText(booking: { day: LocalDate; part: PartOfDay }, t: Translator): string {
  return t('help.when', { day: dayButtonText(booking.day, t), part: booking.part });
}

function step(view: HelpView, draft: HelpDraft, title: string): CardButton {
  return { title, data: { ...draft, verb: Verb.HelpStep, view } };
}

/** What "Back" leads to from each view (book → day → part; the others skip them). */
function back(view: HelpView, draft: HelpDraft, t: Translator): CardButton {
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
  return step(previous[view], draft, t('guide.nav.back'));
}

function walkInFacts(ctx: ViewContext): CardFact[] {
  const { t } = ctx;
  return [
    { title: t('help.fact.walkIn'), value: t('help.fact.walkInValue', { room: ctx.policy.support.room }) },
    { title: t('help.fact.open'), value: supportHoursText(ctx.policy, t) },
  ];
}

function supportCodeButton(t: Translator): CardButton {
  return { title: t('guide.nav.supportCode'), data: { verb: Verb.SupportCodeShow } };
}

/**
 * The start of the help flow: what went wrong, by buttons (the four most common, then "something else":
 * Teams shows at most five buttons in a row of actions).
 */
export function helpStartCard(draft: HelpDraft, ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const from = draft.from;
  const card = answer({
    heading: t('help.start.heading'),
    paragraphs: [t('help.start.noProblem'), t('help.start.pick')],
    facts: [
      ...(from && from !== 'welcome' ? [{ title: t('help.fact.gotTo'), value: stepTitle(from, t) }] : []),
      ...walkInFacts(ctx),
    ],
    tips: [{ text: neverAsk(t), style: 'emphasis' }],
    actions: [
      ...(['noSmartphone', 'lostOrNewPhone', 'noTextOrCall', 'appWontScan'] as const).map((c) =>
        step('way', { ...draft, category: c }, categoryText(c, 'button', t)),
      ),
      step('more', draft, t('help.button.somethingElse')),
    ],
  });
  return inDirectionOf(card, t);
}

/**
 * The rest of the categories, the urgent one first, and a way back to the guide. Teams shows five actions, so
 * no Back here: the first card of the flow is just above it in the chat.
 */
export function helpMoreCard(
  draft: HelpDraft,
  progress: GuideProgress | undefined,
  ctx: ViewContext,
): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: t('help.more.heading'),
    paragraphs: [t('help.more.pick')],
    actions: [
      ...(['signInNotMe', 'lockedOut', 'errorMessage', 'other'] as const).map((c) =>
        step('way', { ...draft, category: c }, categoryText(c, 'button', t)),
      ),
      resumeButton(progress, t),
    ],
  });
  return inDirectionOf(card, t);
}

/** How the user wants help. */
export function helpWayCard(draft: HelpDraft & { category: Category }, ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const tip = categoryTip(draft.category, t);
  const card = answer({
    heading: t('help.howHelp.heading'),
    paragraphs: [t('help.howHelp.problem', { problem: categoryText(draft.category, 'summary', t) })],
    facts: walkInFacts(ctx),
    tips: tip ? [tip] : [],
    actions: [
      step('review', { ...draft, way: 'walkIn' }, wayText('walkIn', 'button', t)),
      step('day', { ...draft, way: 'book' }, wayText('book', 'button', t)),
      step('review', { ...draft, way: 'emailBack' }, wayText('emailBack', 'button', t)),
      back('way', draft, t),
    ],
  });
  return inDirectionOf(card, t);
}

/** Which day to book (the next support days). `again`: the day chosen before is no longer offered. */
export function helpDayCard(draft: HelpDraft, ctx: ViewContext, again = false): AdaptiveCardJson {
  const { t } = ctx;
  const days = bookingDays(ctx.policy, ctx.today);
  const card = answer({
    heading: t('help.day.heading'),
    paragraphs: [
      ...(again ? [t('help.day.gone')] : []),
      t('help.day.open', { hours: supportHoursText(ctx.policy, t) }),
    ],
    actions: [
      ...days.map((day) => step('part', { ...draft, way: 'book', day }, dayButtonText(day, t))),
      back('day', draft, t),
    ],
  });
  return inDirectionOf(card, t);
}

/** Morning or afternoon. */
export function helpPartCard(draft: HelpDraft & { day: LocalDate }, ctx: ViewContext): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: t('help.partOfDay.heading'),
    paragraphs: [t('help.partOfDay.on', { date: t.longDate(draft.day) })],
    actions: [
      step('review', { ...draft, part: 'morning' }, t('help.part.morning')),
      step('review', { ...draft, part: 'afternoon' }, t('help.part.afternoon')),
      back('part', draft, t),
    ],
  });
  return inDirectionOf(card, t);
}

/** A finished draft's facts: problem, help, when. */
function draftFacts(
  draft: { category: Category; way: HelpWay; day?: LocalDate; part?: PartOfDay },
  t: Translator,
): CardFact[] {
  const { day, part } = draft;
  return [
    { title: t('help.fact.problem'), value: categoryText(draft.category, 'summary', t) },
    { title: t('help.fact.help'), value: wayText(draft.way, 'summary', t) },
    ...(draft.way === 'book' && day && part
      ? [{ title: t('help.fact.when'), value: whenText({ day, part }, t) }]
      : []),
  ];
}

function sendButton(draft: HelpDraft, t: Translator): CardButton {
  return { title: t('help.button.send'), data: { ...draft, verb: Verb.HelpSend } };
}

/** The check before sending: send now, or add a few words first. */
export function helpReviewCard(
  draft: HelpDraft & { category: Category; way: HelpWay },
  ctx: ViewContext,
): AdaptiveCardJson {
  const { t } = ctx;
  const card = answer({
    heading: t('help.review.heading'),
    paragraphs: [t('help.review.whatItSees')],
    facts: draftFacts(draft, t),
    actions: [
      sendButton(draft, t),
      step('words', draft, t('help.button.addWords')),
      back('review', draft, t),
    ],
  });
  return inDirectionOf(card, t);
}

/** The optional words (the one form: version 1.3 for the input's label). */
export function helpWordsCard(
  draft: HelpDraft & { category: Category; way: HelpWay },
  ctx: ViewContext,
): AdaptiveCardJson {
  const { t } = ctx;
  const max = ctx.policy.escalation.freeTextMaxLength;
  const heading = t('help.words.heading');
  const paragraphs = [t('help.words.intro', { max })];
  const card = renderHelpFormCard({
    heading,
    paragraphs,
    facts: draftFacts(draft, t),
    input: {
      id: 'words',
      label: t('help.words.label'),
      placeholder: t('help.words.placeholder'),
      maxLength: max,
    },
    tips: [{ text: t('help.words.dontType'), style: 'attention' }],
    actions: [sendButton(draft, t), back('words', draft, t)],
    fallbackText: [heading, ...paragraphs].join('\n'),
  });
  return inDirectionOf(card, t);
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
  if (view === 'more') return helpMoreCard(draft, progress, ctx);
  if (!category) return helpStartCard(draft, ctx);
  if (view === 'way' || !way) return helpWayCard({ ...draft, category }, ctx);
  if (way === 'book') {
    const offered = day !== undefined && bookingDays(ctx.policy, ctx.today).includes(day);
    if (view === 'day' || !offered) return helpDayCard(draft, ctx, day !== undefined && !offered);
    if (view === 'part' || !part) return helpPartCard({ ...draft, day }, ctx);
  }
  const ready = { ...draft, category, way };
  return view === 'words' ? helpWordsCard(ready, ctx) : helpReviewCard(ready, ctx);
}

function nextStepsFor(escalation: Escalation, ctx: ViewContext): string {
  const { t, policy } = ctx;
  switch (escalation.way) {
    case 'walkIn':
      return t('help.next.walkIn', {
        room: policy.support.room,
        hours: supportHoursText(policy, t),
        phone: phoneAtItText(policy, 'phone', t),
      });
    case 'book':
      return escalation.booking
        ? t('help.next.book', { date: t.longDate(escalation.booking.day), part: escalation.booking.part })
        : t('help.next.bookNoDay');
    case 'emailBack':
      return t('help.next.emailBack');
  }
}

/**
 * What was taken out of the words before they were kept, and why (nothing when nothing was). Said on every
 * answer to a send, so a pupil who typed a real password learns to change it whatever became of the request.
 */
function removedTips(removed: readonly SensitiveKind[], ctx: ViewContext): CardTip[] {
  if (removed.length === 0) return [];
  const { t } = ctx;
  return [
    {
      text: [
        t('help.removed', { kinds: kindsText(removed, t), count: removed.length }),
        ...changeItAdvice(removed, ctx),
      ].join(' '),
      style: 'attention',
    },
  ];
}

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
  const { t } = ctx;
  const heading = again
    ? t('help.sent.headingAgain')
    : delivery === 'sent'
      ? t('help.sent.heading')
      : t('help.sent.headingDelayed');
  const paragraphs = [
    ...(again ? [t('help.sent.again')] : []),
    ...(delivery === 'delayed' ? [t('help.sent.delayed')] : []),
    nextStepsFor(escalation, ctx),
  ];
  const card = answer({
    heading,
    paragraphs,
    facts: [
      { title: t('help.fact.reference'), value: escalation.reference },
      { title: t('help.fact.problem'), value: categoryText(escalation.category, 'summary', t) },
    ],
    tips: [...removedTips(removed, ctx), { text: t('help.tip.supportCode'), style: 'emphasis' }],
    actions: [resumeButton(progress, t), supportCodeButton(t)],
  });
  return inDirectionOf(card, t);
}

/** "Back to where I was" mid-guide, otherwise carry on or start. */
function resumeButton(progress: GuideProgress | undefined, t: Translator): CardButton {
  const carryOn = continueButton(progress, t);
  return progress && isMidGuide(progress.step)
    ? { ...carryOn, title: t('help.button.backToWhereIWas') }
    : carryOn;
}

/** Proactive: a mail the user was told was delayed has reached the desk (in the language they asked in). */
export function helpDeliveredCard(escalation: Escalation, t: Translator): AdaptiveCardJson {
  const card = answer({
    heading: t('help.delivered.heading'),
    paragraphs: [t('help.delivered.body', { reference: escalation.reference })],
    actions: [supportCodeButton(t)],
  });
  return inDirectionOf(card, t);
}

/** The desk could not be reached (refused, or still failing after days): the user walks in instead. */
export function helpFailedCard(
  escalation: Escalation,
  ctx: ViewContext,
  removed: readonly SensitiveKind[] = [],
): AdaptiveCardJson {
  const { t, policy } = ctx;
  const card = answer({
    heading: t('help.failed.heading'),
    paragraphs: [
      t('help.failed.body', {
        room: policy.support.room,
        hours: supportHoursText(policy, t),
        mailbox: policy.support.mailbox,
      }),
      t('help.failed.reference', { reference: escalation.reference }),
    ],
    tips: removedTips(removed, ctx),
    actions: [supportCodeButton(t)],
  });
  return inDirectionOf(card, t);
}

/** The daily limit: polite, with what they already sent today and where to walk in. */
export function helpLimitCard(
  today: Escalation[],
  ctx: ViewContext,
  progress: GuideProgress | undefined,
  removed: readonly SensitiveKind[] = [],
): AdaptiveCardJson {
  const { t } = ctx;
  const references = today.map((e) => e.reference).join(', ');
  const card = answer({
    heading: t('help.limit.heading'),
    paragraphs: [t('help.limit.body', { count: today.length, references }), t('help.limit.sooner')],
    facts: walkInFacts(ctx),
    tips: removedTips(removed, ctx),
    actions: [resumeButton(progress, t), supportCodeButton(t)],
  });
  return inDirectionOf(card, t);
}

/**
 * What the IT channel sees: the reference, the problem, the help wanted, delivery. No names, no words. The
 * desk's card, in the school's language (`t`, English), like the mail it points to.
 */
export function channelEscalationCard(escalation: Escalation, t: Translator): AdaptiveCardJson {
  const when =
    escalation.way === 'book' && escalation.booking
      ? [{ title: 'When', value: whenText(escalation.booking, t) }]
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
      { title: 'Problem', value: categoryText(escalation.category, 'summary', t) },
      { title: 'Help wanted', value: wayText(escalation.way, 'summary', t) },
      ...when,
      { title: 'Stuck at', value: STEP_TITLES[escalation.step] },
      { title: 'Mail', value: escalation.state === 'sent' ? '✅ Delivered' : '❌ Not delivered' },
    ],
    actions: [],
  });
}
