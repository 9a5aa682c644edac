/**
 * Every card the bot can send, rendered through the real render functions with representative data: each
 * guide step in each context that changes its words (before and after the SMS/voice cut-off, first method
 * app or phone), and every answer card. The card checks, the coverage test and the browser pass all read
 * this one list, so a card added here is checked, validated and photographed everywhere at once.
 *
 * Later features add a section (status, escalation, nudges…) to CARD_SECTIONS; the coverage test fails
 * until every exported `…Card` function of a `src/features/` card module (`…Cards.ts`) appears in some section.
 */
import type { AdaptiveCardJson } from '../../src/cards/cardTemplates';
import * as answerCards from '../../src/features/shared/answerCards';
import * as guideAnswerCards from '../../src/features/guide/guideAnswerCards';
import * as helpAnswerCards from '../../src/features/help/helpAnswerCards';
import * as helpCards from '../../src/features/help/helpCards';
import * as supportCodeCards from '../../src/features/supportCodes/supportCodeCards';
import * as passCards from '../../src/features/supportCodes/temporaryAccessPassCards';
import { passInstructions } from '../../src/domain/supportCodes/temporaryAccessPass';
import * as itViewCards from '../../src/features/itView/itViewCards';
import type { GroupProgress } from '../../src/domain/progress/schoolProgress';
import type { Escalation } from '../../src/ports/escalationStore';
import type { HelpDraft } from '../../src/features/help/helpVerbs';
import type { DirectoryUser } from '../../src/ports/directory';
import { guideCard, STEP_TITLES, welcomeCard } from '../../src/features/guide/guideCards';
import * as statusCards from '../../src/features/status/statusCards';
import { evaluateRegistration } from '../../src/domain/registration/evaluateRegistration';
import type { RegisteredMethod } from '../../src/domain/registration/methods';
import type { ViewContext } from '../../src/features/shared/wording';
import type { GuideProgress } from '../../src/domain/guide/progress';
import type { SensitiveKind } from '../../src/domain/text/screening';
import { STEP_IDS, type FirstMethod, type SecondMethod, type StepId } from '../../src/domain/guide/steps';
import { availableMethods } from '../../src/domain/policy/availability';
import type { LocalDate } from '../../src/domain/policy/localDate';
import type { SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { cannotSnoozeCard, nudgeCard, snoozedCard } from '../../src/features/campaign/nudgeCards';
import type { Tone } from '../../src/domain/policy/campaignPolicy';
import { SAMPLE_POLICY_PATH } from './conversationHarness';
import * as languageCards from '../../src/features/language/languageCards';
import { BASE_LOCALE, packageCatalogues, type Locale } from '../../src/i18n/catalogue';

/** One card as a user would receive it. */
export interface CatalogCard {
  /** Unique and file-name safe; also the screenshot's name (`<id>.desktop.png`). */
  id: string;
  /** What the card is, for a reviewer looking at its picture. */
  title: string;
  /** The render function it came from (`module.function`), for the coverage check. */
  source: string;
  card: AdaptiveCardJson;
  /** Ids of the other contexts that render exactly this card (filled in by `cardCatalog`). */
  sameAs?: string[];
}

/** The cards of one feature. */
export interface CardSection {
  name: string;
  cards(): CatalogCard[];
}

/** A date in the sample school's calendar and what it means for the methods on offer. */
export interface CatalogDate {
  key: string;
  label: string;
  today: LocalDate;
}

/**
 * Two days either side of what changes the words: before the deadline and the SMS/voice cut-off
 * (2027-02-01), and after both (security questions still allowed until 2027-03-01).
 */
export const CATALOG_DATES: CatalogDate[] = [
  { key: 'before-cutoff', label: 'before the text/call cut-off', today: '2026-11-30' },
  { key: 'after-cutoff', label: 'after the text/call cut-off', today: '2027-02-15' },
];

export const FIRST_METHODS: FirstMethod[] = ['app', 'phone'];

let samplePolicy: SchoolPolicy | undefined;

/** The seed school's policy (config/kscs.school.yaml), read once. */
export function catalogPolicy(): SchoolPolicy {
  samplePolicy ??= loadSchoolPolicy(SAMPLE_POLICY_PATH);
  return samplePolicy;
}

/** The languages of the package's catalogues, English first. */
export function catalogLocales(): Locale[] {
  return packageCatalogues(catalogPolicy().school.timeZone).locales;
}

/**
 * What a card is rendered against on `date`, for a user called Sam (`null`: a user whose name is unknown), in
 * `locale` (English unless said).
 */
export function viewContextOn(
  date: CatalogDate,
  firstName: string | null = 'Sam',
  locale: Locale = BASE_LOCALE,
): ViewContext {
  const policy = catalogPolicy();
  return {
    policy,
    today: date.today,
    methods: availableMethods(policy, date.today),
    firstName: firstName ?? undefined,
    t: packageCatalogues(policy.school.timeZone).translatorFor(locale),
  };
}

/** `--pl`, `--ur` after an id; nothing for English, whose ids stay as they were. */
function localeSuffix(locale: Locale): string {
  return locale === BASE_LOCALE ? '' : `--${locale}`;
}

/** The first method a step belongs to, when it belongs to one. */
function firstMethodOf(step: StepId): FirstMethod | undefined {
  if (step.startsWith('first.app.')) return 'app';
  if (step.startsWith('first.phone.')) return 'phone';
  // The second method cannot repeat the first: these steps exist only after the other first method.
  if (step.startsWith('second.app.')) return 'phone';
  if (step.startsWith('second.phone.')) return 'app';
  return undefined;
}

function secondMethodOf(step: StepId, first: FirstMethod): SecondMethod | undefined {
  if (step.startsWith('second.app.')) return 'app';
  if (step.startsWith('second.phone.')) return 'phone';
  if (step === 'second.email') return 'email';
  if (step === 'second.questions') return 'questions';
  if (step === 'finished' || step === 'passkey' || step === 'afterwards') {
    // App first then email is the recommended pair; phone first then questions leaves no passkey.
    return first === 'app' ? 'email' : 'questions';
  }
  return undefined;
}

/** A user standing on `step`, having chosen `first` (and the second method the step implies). */
export function progressAt(step: StepId, first: FirstMethod): GuideProgress {
  const started = step !== 'welcome' && step !== 'chooseFirst' && step !== 'noSmartphone';
  return {
    step,
    history: started ? ['welcome', 'chooseFirst'] : [],
    first: started ? first : undefined,
    second: secondMethodOf(step, first),
  };
}

/** "first.app.get" → "first-app-get": ids become file names. */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Every guide step, in every context that is reachable for it, in `locale` (ids end in `--<locale>` except
 * English's).
 */
export function guideSectionIn(locale: Locale): CardSection {
  const suffix = localeSuffix(locale);
  return {
    name: `guide${suffix}`,
    cards() {
      const cards: CatalogCard[] = [];
      for (const date of CATALOG_DATES) {
        const unnamed = viewContextOn(date, null, locale);
        cards.push({
          id: `guide-welcome-install--${date.key}${suffix}`,
          title: `Welcome on install (Teams sends no name with it), ${date.label}`,
          source: 'guideCards.welcomeCard',
          card: welcomeCard(unnamed),
        });
        for (const first of FIRST_METHODS) {
          for (const step of STEP_IDS) {
            const implied = firstMethodOf(step);
            if (implied && implied !== first) continue;
            cards.push({
              id: `guide-${slug(step)}--${date.key}-first-${first}${suffix}`,
              title: `${STEP_TITLES[step]} (${step}), ${date.label}, first method ${first}`,
              source: 'guideCards.guideCard',
              card: guideCard(step, progressAt(step, first), viewContextOn(date, 'Sam', locale)),
            });
          }
        }
      }
      return cards;
    },
  };
}

/** Every guide step in English. */
export const guideSection: CardSection = guideSectionIn(BASE_LOCALE);

/** The guide's short answers (welcome back, progress, hello again) in `locale`. */
export function guideAnswerSectionIn(locale: Locale): CardSection {
  const suffix = localeSuffix(locale);
  return {
    name: `guideAnswer${suffix}`,
    cards() {
      const midway = progressAt('first.app.scan', 'app');
      const finished = progressAt('afterwards', 'app');
      return CATALOG_DATES.flatMap((date) => {
        const ctx = viewContextOn(date, 'Sam', locale);
        const entry = (name: string, title: string, fn: string, card: AdaptiveCardJson): CatalogCard => ({
          id: `guide-answer-${name}--${date.key}${suffix}`,
          title: `${title}, ${date.label}`,
          source: `guideAnswerCards.${fn}`,
          card,
        });
        return [
          entry(
            'resume',
            'Welcome back, part-way through',
            'resumeCard',
            guideAnswerCards.resumeCard(midway, ctx),
          ),
          entry(
            'status-new',
            '"status" before starting',
            'progressCard',
            guideAnswerCards.progressCard(undefined, ctx),
          ),
          entry(
            'status-midway',
            '"status" part-way',
            'progressCard',
            guideAnswerCards.progressCard(midway, ctx),
          ),
          entry(
            'status-finished',
            '"status" after the guide',
            'progressCard',
            guideAnswerCards.progressCard(finished, ctx),
          ),
          entry(
            'hello-again',
            '"hi" after the guide',
            'helloAgainCard',
            guideAnswerCards.helloAgainCard(ctx),
          ),
        ];
      });
    },
  };
}

/** The shared short answers (something never to send, "thanks", not understood, a button problem) in `locale`. */
export function sharedAnswerSectionIn(locale: Locale): CardSection {
  const suffix = localeSuffix(locale);
  return {
    name: `sharedAnswer${suffix}`,
    cards() {
      const midway = progressAt('first.app.scan', 'app');
      const ctx = viewContextOn(CATALOG_DATES[0]!, 'Sam', locale);
      const entry = (name: string, fn: string, card: AdaptiveCardJson): CatalogCard => ({
        id: `shared-answer-${name}${suffix}`,
        title: name,
        source: `answerCards.${fn}`,
        card,
      });
      const all: SensitiveKind[] = ['password', 'phoneNumber', 'emailAddress', 'securityAnswer'];
      return [
        entry('sensitive-code', 'sensitiveCard', answerCards.sensitiveCard(['code'], midway, ctx)),
        entry('sensitive-all', 'sensitiveCard', answerCards.sensitiveCard(all, undefined, ctx)),
        entry('thanks', 'thanksCard', answerCards.thanksCard(midway, ctx.t)),
        entry('not-understood', 'notUnderstoodCard', answerCards.notUnderstoodCard(undefined, ctx.t)),
        entry('button-broken', 'buttonProblemCard', answerCards.buttonProblemCard(midway, 'broken', ctx.t)),
        entry(
          'button-not-offered',
          'buttonProblemCard',
          answerCards.buttonProblemCard(midway, 'notOffered', ctx.t),
        ),
      ];
    },
  };
}

/** `ctx` at a school whose `support` section differs (its phone rule, what IT gives people with no smartphone). */
function withSupport(ctx: ViewContext, support: Partial<SchoolPolicy['support']>): ViewContext {
  const policy = { ...ctx.policy, support: { ...ctx.policy.support, ...support } };
  return { ...ctx, policy, methods: availableMethods(policy, ctx.today) };
}

/** The guide's steps whose words follow a school rule the sample school does not have. */
export const schoolRulesSection: CardSection = {
  name: 'schoolRules',
  cards() {
    const cards: CatalogCard[] = [];
    const variants: [string, string, Partial<SchoolPolicy['support']>][] = [
      [
        'no-hardware',
        'IT gives neither a token nor a key',
        { noSmartphone: { hardwareToken: false, securityKey: false } },
      ],
      ['token-only', 'IT gives tokens only', { noSmartphone: { hardwareToken: true, securityKey: false } }],
      ['phones-allowed', 'phones allowed all day', { phones: { atItDesk: true, duringSchoolDay: true } }],
      [
        'no-phones-at-desk',
        'no phones at the IT desk',
        { phones: { atItDesk: false, duringSchoolDay: false } },
      ],
    ];
    const steps: StepId[] = ['noSmartphone', 'first.app.get', 'lost.visit'];
    for (const date of CATALOG_DATES) {
      for (const [key, label, support] of variants) {
        for (const step of steps) {
          cards.push({
            id: `guide-${slug(step)}--${date.key}-${key}`,
            title: `${STEP_TITLES[step]} (${step}), ${date.label}, ${label}`,
            source: 'guideCards.guideCard',
            card: guideCard(step, progressAt(step, 'app'), withSupport(viewContextOn(date), support)),
          });
        }
      }
    }
    const early: CatalogDate = {
      key: 'before-passkey-prompt',
      label: "before Microsoft's passkey screen",
      today: '2026-08-20',
    };
    cards.push({
      id: `guide-passkeyPrompt--${early.key}`,
      title: `${STEP_TITLES.passkeyPrompt} (passkeyPrompt), ${early.label}`,
      source: 'guideCards.guideCard',
      card: guideCard('passkeyPrompt', progressAt('passkeyPrompt', 'phone'), viewContextOn(early)),
    });
    return cards;
  },
};

/** Every short answer, for a user who has not started, is part-way, or has finished. */
export const answerSection: CardSection = {
  name: 'answer',
  cards() {
    const a = { ...answerCards, ...guideAnswerCards, ...helpAnswerCards };
    const modules = { answerCards, guideAnswerCards, helpAnswerCards };
    const moduleOf = (fn: string) => Object.entries(modules).find(([, exported]) => fn in exported)?.[0];
    const midway = progressAt('first.app.scan', 'app');
    const finished = progressAt('afterwards', 'app');
    const cards: CatalogCard[] = [];
    for (const date of CATALOG_DATES) {
      const ctx = viewContextOn(date);
      const at = (name: string, title: string, fn: keyof typeof a, card: AdaptiveCardJson) =>
        cards.push({
          id: `answer-${name}--${date.key}`,
          title: `${title}, ${date.label}`,
          source: `${moduleOf(fn)}.${fn}`,
          card,
        });
      at('resume', 'Welcome back, part-way through', 'resumeCard', a.resumeCard(midway, ctx));
      at('status-new', '"status" before starting', 'progressCard', a.progressCard(undefined, ctx));
      at('status-midway', '"status" part-way through', 'progressCard', a.progressCard(midway, ctx));
      at('status-finished', '"status" after the guide', 'progressCard', a.progressCard(finished, ctx));
      at('what-is-this', '"what is this?"', 'whatIsThisCard', a.whatIsThisCard(undefined, ctx));
      at('new-phone', '"new phone"', 'newPhoneCard', a.newPhoneCard(midway, ctx));
      at(
        'sensitive',
        'A message that looked like a code',
        'sensitiveCard',
        a.sensitiveCard(['code'], midway, ctx),
      );
      at(
        'sensitive-all',
        'A message with a password, a phone number, an email address and a security answer',
        'sensitiveCard',
        a.sensitiveCard(['password', 'phoneNumber', 'emailAddress', 'securityAnswer'], midway, ctx),
      );
      at('thanks', '"thanks"', 'thanksCard', a.thanksCard(finished, ctx.t));
      at('hello-again', '"hi" after finishing', 'helloAgainCard', a.helloAgainCard(ctx));
      at('not-understood', 'Anything else typed', 'notUnderstoodCard', a.notUnderstoodCard(undefined, ctx.t));
      at(
        'button-broken',
        'A malformed or unknown button',
        'buttonProblemCard',
        a.buttonProblemCard(midway, 'broken', ctx.t),
      );
      at(
        'button-not-offered',
        'A choice the school no longer offers',
        'buttonProblemCard',
        a.buttonProblemCard(midway, 'notOffered', ctx.t),
      );
    }
    return cards;
  },
};

/** An escalation as the help cards receive it. */
function sampleEscalation(overrides: Partial<Escalation> = {}): Escalation {
  return {
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    reference: 'MFA-7K2Q',
    userId: '5a000000-0000-4000-8000-000000000001',
    formId: 'catalog-form-1',
    category: 'appWontScan',
    way: 'walkIn',
    step: 'first.app.scan',
    createdAt: '2026-11-30T10:00:00.000Z',
    localDate: '2026-11-30',
    state: 'sent',
    attempts: 1,
    userOwedNotice: false,
    channelCopy: 'none',
    ...overrides,
  };
}

/** "I need help": every view of the flow, every answer to a send, the proactive notices, the IT channel copy. */
export function helpSectionIn(locale: Locale): CardSection {
  const suffix = localeSuffix(locale);
  return {
    name: `help${suffix}`,
    cards() {
      const h = helpCards;
      const date = CATALOG_DATES[0]!;
      const ctx = viewContextOn(date, 'Sam', locale);
      const { t } = ctx;
      const midway = progressAt('first.app.scan', 'app');
      const draft: HelpDraft = { formId: 'catalog-form-1', from: 'first.app.scan' };
      const booked = {
        ...draft,
        category: 'lostOrNewPhone' as const,
        way: 'book' as const,
        day: '2026-12-01',
        part: 'morning' as const,
      };
      const cards: CatalogCard[] = [];
      const at = (name: string, title: string, fn: keyof typeof helpCards, card: AdaptiveCardJson) =>
        cards.push({ id: `help-${name}${suffix}`, title, source: `helpCards.${fn}`, card });
      at(
        'start',
        '"I need help" / "I\'m stuck": what went wrong',
        'helpStartCard',
        h.helpStartCard(draft, ctx),
      );
      at(
        'start-welcome',
        '"help" before starting',
        'helpStartCard',
        h.helpStartCard({ formId: 'catalog-form-2', from: 'welcome' }, ctx),
      );
      at('more', '"Something else": the other problems', 'helpMoreCard', h.helpMoreCard(draft, midway, ctx));
      for (const category of [
        'signInNotMe',
        'noSmartphone',
        'lostOrNewPhone',
        'lockedOut',
        'errorMessage',
      ] as const) {
        at(
          `way-${category}`,
          `How would you like help? (${category})`,
          'helpWayCard',
          h.helpWayCard({ ...draft, category }, ctx),
        );
      }
      at('day', 'Book a time: which day', 'helpDayCard', h.helpDayCard({ ...booked, day: undefined }, ctx));
      at(
        'day-again',
        'Book a time: a day no longer offered',
        'helpDayCard',
        h.helpDayCard(booked, ctx, true),
      );
      at('part', 'Book a time: morning or afternoon', 'helpPartCard', h.helpPartCard(booked, ctx));
      at('review', 'Send this to IT Support? (booked)', 'helpReviewCard', h.helpReviewCard(booked, ctx));
      at(
        'review-walk-in',
        'Send this to IT Support? (walk in)',
        'helpReviewCard',
        h.helpReviewCard({ ...draft, category: 'appWontScan', way: 'walkIn' }, ctx),
      );
      at('words', 'Add a few words (the form, version 1.3)', 'helpWordsCard', h.helpWordsCard(booked, ctx));
      at(
        'view',
        'The view of an unfinished draft',
        'helpViewCard',
        h.helpViewCard('review', { ...draft, category: 'other' }, midway, ctx),
      );
      at(
        'sent',
        'Sent to IT Support',
        'helpSentCard',
        h.helpSentCard(sampleEscalation(), 'sent', ctx, midway),
      );
      at(
        'sent-booked',
        'Sent, booking',
        'helpSentCard',
        h.helpSentCard(
          sampleEscalation({ way: 'book', booking: { day: '2026-12-01', part: 'afternoon' } }),
          'sent',
          ctx,
          undefined,
        ),
      );
      at(
        'sent-email',
        'Sent, email back',
        'helpSentCard',
        h.helpSentCard(sampleEscalation({ way: 'emailBack' }), 'sent', ctx, undefined),
      );
      at(
        'delayed',
        'Saved, delivery delayed',
        'helpSentCard',
        h.helpSentCard(sampleEscalation({ state: 'composed' }), 'delayed', ctx, midway),
      );
      at(
        'again',
        'The same form sent twice',
        'helpSentCard',
        h.helpSentCard(sampleEscalation(), 'sent', ctx, midway, true),
      );
      at(
        'sent-removed',
        'Sent, with a password, an email address and a code taken out of the words',
        'helpSentCard',
        h.helpSentCard(sampleEscalation(), 'sent', ctx, midway, false, ['password', 'code', 'emailAddress']),
      );
      at(
        'delivered',
        'Proactive: delayed mail delivered',
        'helpDeliveredCard',
        h.helpDeliveredCard(sampleEscalation(), t),
      );
      at(
        'failed',
        'The desk could not be reached',
        'helpFailedCard',
        h.helpFailedCard(sampleEscalation({ state: 'failed' }), ctx),
      );
      at(
        'limit',
        'The daily limit',
        'helpLimitCard',
        h.helpLimitCard([sampleEscalation(), sampleEscalation({ reference: 'MFA-XW3P' })], ctx, midway),
      );
      at(
        'sent-walk-in-no-phones',
        'Sent, walk in, at a school where phones are not allowed at the IT desk',
        'helpSentCard',
        h.helpSentCard(
          sampleEscalation(),
          'sent',
          withSupport(ctx, { phones: { atItDesk: false, duringSchoolDay: false } }),
          midway,
        ),
      );
      // What people type when they need to know something: the help feature's answers.
      const answers = (
        name: string,
        title: string,
        fn: keyof typeof helpAnswerCards,
        card: AdaptiveCardJson,
      ) => cards.push({ id: `help-answer-${name}${suffix}`, title, source: `helpAnswerCards.${fn}`, card });
      answers(
        'what-is-this',
        '"what is this?"',
        'whatIsThisCard',
        helpAnswerCards.whatIsThisCard(undefined, ctx),
      );
      answers('new-phone', '"new phone"', 'newPhoneCard', helpAnswerCards.newPhoneCard(midway, ctx));
      // The IT channel's copy is the desk's, in the school's language: English only.
      if (locale === BASE_LOCALE) {
        at(
          'channel',
          'The IT channel copy',
          'channelEscalationCard',
          h.channelEscalationCard(
            sampleEscalation({ way: 'book', booking: { day: '2026-12-01', part: 'morning' } }),
            t,
          ),
        );
        at(
          'channel-urgent',
          'The IT channel copy of an urgent request (a sign-in the user did not start)',
          'channelEscalationCard',
          h.channelEscalationCard(sampleEscalation({ category: 'signInNotMe', step: 'notMe' }), t),
        );
        at(
          'channel-failed',
          'The IT channel copy, mail not delivered',
          'channelEscalationCard',
          h.channelEscalationCard(sampleEscalation({ state: 'failed' }), t),
        );
      }
      return cards;
    },
  };
}

/** The help cards in English. */
export const helpSection: CardSection = helpSectionIn(BASE_LOCALE);

const SAMPLE_PERSON: DirectoryUser = {
  id: '5a000000-0000-4000-8000-000000000001',
  displayName: 'Sam Taylor',
  givenName: 'Sam',
  userPrincipalName: 'sam.taylor@kscs.org.uk',
  department: 'Year 8',
  accountEnabled: true,
  userType: 'member',
};

/** The user's support code, and every answer the desk can get to `verify`. */
export function supportCodeSectionIn(locale: Locale): CardSection {
  const suffix = localeSuffix(locale);
  return {
    name: `supportCode${suffix}`,
    cards() {
      const { t } = viewContextOn(CATALOG_DATES[0]!, 'Sam', locale);
      const s = supportCodeCards;
      const cards: CatalogCard[] = [];
      const at = (name: string, title: string, fn: keyof typeof supportCodeCards, card: AdaptiveCardJson) =>
        cards.push({ id: `support-code-${name}${suffix}`, title, source: `supportCodeCards.${fn}`, card });
      at(
        'show',
        '"my support code"',
        'supportCodeCard',
        s.supportCodeCard({ code: '482913', secondsLeft: 17 }, progressAt('first.app.scan', 'app'), t),
      );
      at('usage', '"verify" on its own (desk)', 'verifyUsageCard', s.verifyUsageCard(t));
      at('unavailable', 'verify while Graph is down', 'verifyUnavailableCard', s.verifyUnavailableCard(t));
      at(
        'valid',
        'verify: valid',
        'verifyResultCard',
        s.verifyResultCard({ kind: 'valid', user: SAMPLE_PERSON, reference: 'MFA-7K2Q' }, t),
      );
      at(
        'disabled',
        'verify: valid, account disabled',
        'verifyResultCard',
        s.verifyResultCard(
          {
            kind: 'valid',
            user: { ...SAMPLE_PERSON, accountEnabled: false, department: undefined, jobTitle: 'Teacher' },
          },
          t,
        ),
      );
      at(
        'wrong',
        'verify: wrong code',
        'verifyResultCard',
        s.verifyResultCard({ kind: 'invalid', user: SAMPLE_PERSON, reason: 'wrong' }, t),
      );
      at(
        'replay',
        'verify: code used before',
        'verifyResultCard',
        s.verifyResultCard({ kind: 'invalid', user: SAMPLE_PERSON, reason: 'replay' }, t),
      );
      at(
        'malformed',
        'verify: not 6 digits',
        'verifyResultCard',
        s.verifyResultCard({ kind: 'invalid', user: SAMPLE_PERSON, reason: 'malformed' }, t),
      );
      at(
        'no-code',
        'verify: no code yet',
        'verifyResultCard',
        s.verifyResultCard({ kind: 'noCode', user: SAMPLE_PERSON }, t),
      );
      at(
        'unknown',
        'verify: no such user or reference',
        'verifyResultCard',
        s.verifyResultCard({ kind: 'unknownTarget' }, t),
      );
      at(
        'limited',
        'verify: rate limited',
        'verifyResultCard',
        s.verifyResultCard({ kind: 'rateLimited', scope: 'target' }, t),
      );
      at(
        'refused',
        'verify: not in the desk group',
        'verifyResultCard',
        s.verifyResultCard({ kind: 'refused' }, t),
      );
      return cards;
    },
  };
}

/** The support-code cards in English. */
export const supportCodeSection: CardSection = supportCodeSectionIn(BASE_LOCALE);

/** A grant id as the Temporary Access Pass service makes them. */
const SAMPLE_GRANT = 'Zk3q9T0bXv1mWc7yPa2R-s_d';

/** The desk's Temporary Access Pass: the offer on a valid check, the in-person check, the pass, every refusal. */
export function temporaryAccessPassSectionIn(locale: Locale): CardSection {
  const suffix = localeSuffix(locale);
  return {
    name: `temporaryAccessPass${suffix}`,
    cards() {
      const { t } = viewContextOn(CATALOG_DATES[0]!, 'Sam', locale);
      const p = passCards;
      const policy = catalogPolicy();
      const settings = policy.temporaryAccessPass;
      const cards: CatalogCard[] = [];
      const at = (name: string, title: string, fn: keyof typeof passCards, card: AdaptiveCardJson) =>
        cards.push({ id: `pass-${name}${suffix}`, title, source: `temporaryAccessPassCards.${fn}`, card });
      cards.push({
        id: `pass-offered${suffix}`,
        title: 'verify: valid, with the Temporary Access Pass button',
        source: 'supportCodeCards.verifyResultCard',
        card: supportCodeCards.verifyResultCard(
          { kind: 'valid', user: SAMPLE_PERSON, reference: 'MFA-7K2Q' },
          t,
          SAMPLE_GRANT,
        ),
      });
      const issued = (usableOnce: boolean, user: DirectoryUser | undefined) => {
        const times = {
          startsAt: '2026-11-30T10:00:00.000Z',
          expiresAt: '2026-11-30T11:00:00.000Z',
          usableOnce,
        };
        return {
          kind: 'issued' as const,
          pass: 'Gm6+f?7w',
          ...times,
          user,
          forThePerson: passInstructions(policy, times),
        };
      };
      at(
        'issued',
        "The pass, in the desk member's chat",
        'passIssuedCard',
        p.passIssuedCard(issued(true, SAMPLE_PERSON), t),
      );
      at(
        'issued-reusable',
        'The pass, usable more than once, name not known just now',
        'passIssuedCard',
        p.passIssuedCard(issued(false, undefined), t),
      );
      at('tap-usage', '"tap" on its own (desk)', 'tapUsageCard', p.tapUsageCard(t));
      at('tap-unknown', 'tap: no such user', 'tapUnknownUserCard', p.tapUnknownUserCard(t));
      at(
        'tap-confirm',
        'tap: confirm the in-person check',
        'tapConfirmCard',
        p.tapConfirmCard(SAMPLE_PERSON, SAMPLE_GRANT, settings, t),
      );
      at('tap-cancelled', 'tap: cancelled', 'tapCancelledCard', p.tapCancelledCard(t));
      const reasons: passCards.PassRefusal[] = [
        'featureOff',
        'notDeskMember',
        'notYourGrant',
        'tooOld',
        'alreadyGiven',
        'notConfirmedInPerson',
        'noPermission',
        'disabledByPolicy',
        'lifetimeOutsidePolicy',
        'userNotFound',
        'unavailable',
      ];
      for (const reason of reasons) {
        at(
          `refused-${reason}`,
          `No pass: ${reason}`,
          'passRefusedCard',
          p.passRefusedCard(reason, settings, t, SAMPLE_GRANT),
        );
      }
      return cards;
    },
  };
}

/** The Temporary Access Pass cards in English. */
export const temporaryAccessPassSection: CardSection = temporaryAccessPassSectionIn(BASE_LOCALE);

const method = (kind: Exclude<RegisteredMethod['kind'], 'email'>): RegisteredMethod => ({ kind });

/** Registrations that each produce a different status card (every reason, every family state). */
const STATUS_SAMPLES: [string, string, RegisteredMethod[]][] = [
  ['nothing', 'nothing registered', []],
  ['app-only', 'the app only (one method)', [method('authenticatorApp')]],
  ['phone-only', 'a mobile phone only (at risk from the cut-off)', [method('mobilePhone')]],
  [
    'school-email',
    'the app and a school email',
    [method('authenticatorApp'), { kind: 'email', onSchoolDomain: true }],
  ],
  ['questions', 'the app and security questions', [method('authenticatorApp'), method('securityQuestions')]],
  [
    'complete',
    'the app, a personal email and a passkey',
    [method('authenticatorApp'), { kind: 'email', onSchoolDomain: false }, method('authenticatorPasskey')],
  ],
  [
    'unchecked-email',
    'the app and an email the report cannot show',
    [method('authenticatorApp'), { kind: 'email' }],
  ],
  [
    'everything-else',
    'keys, tokens, Windows Hello and an office phone',
    [
      method('passkey'),
      method('hardwareOath'),
      method('windowsHello'),
      method('officePhone'),
      method('other'),
    ],
  ],
];

/**
 * The status card for each sample registration (from the report, and right after "I've done it"), and its
 * companions, in `locale` (ids end in `--<locale>` except English's).
 */
export function statusSectionIn(locale: Locale): CardSection {
  const suffix = localeSuffix(locale);
  return {
    name: `status${suffix}`,
    cards() {
      const cards: CatalogCard[] = [];
      for (const date of CATALOG_DATES) {
        const ctx = viewContextOn(date, 'Sam', locale);
        const now = new Date(`${date.today}T10:00:00Z`);
        for (const [key, what, methods] of STATUS_SAMPLES) {
          for (const afterCheck of [false, true]) {
            cards.push({
              id: `status-${key}${afterCheck ? '-after-check' : ''}--${date.key}${suffix}`,
              title: `Status: ${what}${afterCheck ? ', after "I\'ve done it"' : ''}, ${date.label}`,
              source: 'statusCards.statusCard',
              card: statusCards.statusCard(
                {
                  evaluation: evaluateRegistration(methods, ctx.methods),
                  snapshot: {
                    userId: 'u',
                    methods,
                    source: afterCheck ? 'live' : 'report',
                    asOf: `${date.today}T07:00:00Z`,
                  },
                  afterCheck,
                  now,
                },
                ctx,
              ),
            });
          }
        }
        cards.push(
          {
            id: `status-checking--${date.key}${suffix}`,
            title: `"Checking with Microsoft…" when Graph is busy, ${date.label}`,
            source: 'statusCards.checkingCard',
            card: statusCards.checkingCard('status', undefined, ctx),
          },
          {
            id: `status-checking-done--${date.key}${suffix}`,
            title: `"Checking…" after "I've done it", part-way, ${date.label}`,
            source: 'statusCards.checkingCard',
            card: statusCards.checkingCard('done', progressAt('first.app.scan', 'app'), ctx),
          },
          {
            id: `status-unavailable--${date.key}${suffix}`,
            title: `Microsoft could not be reached, ${date.label}`,
            source: 'statusCards.statusUnavailableCard',
            card: statusCards.statusUnavailableCard(undefined, ctx),
          },
          {
            id: `status-unknown-account--${date.key}${suffix}`,
            title: `An account the directory does not know, ${date.label}`,
            source: 'statusCards.unknownAccountCard',
            card: statusCards.unknownAccountCard(undefined, ctx),
          },
        );
      }
      return cards;
    },
  };
}

/** The status cards in English. */
export const statusSection: CardSection = statusSectionIn(BASE_LOCALE);

/** The language card and the answer to a choice, in `locale`. */
export function languageSectionIn(locale: Locale): CardSection {
  const suffix = localeSuffix(locale);
  return {
    name: `language${suffix}`,
    cards() {
      const ctx = viewContextOn(CATALOG_DATES[0]!, 'Sam', locale);
      const languages = packageCatalogues(ctx.policy.school.timeZone).languages();
      return [
        {
          id: `language-choose${suffix}`,
          title: 'Choose your language',
          source: 'languageCards.languageCard',
          card: languageCards.languageCard(languages, ctx),
        },
        {
          id: `language-chosen-new${suffix}`,
          title: 'A language chosen before starting',
          source: 'languageCards.languageChosenCard',
          card: languageCards.languageChosenCard(undefined, ctx),
        },
        {
          id: `language-chosen-midway${suffix}`,
          title: 'A language chosen part-way through',
          source: 'languageCards.languageChosenCard',
          card: languageCards.languageChosenCard(progressAt('first.app.scan', 'app'), ctx),
        },
      ];
    },
  };
}

/** The language cards in English. */
export const languageSection: CardSection = languageSectionIn(BASE_LOCALE);

/**
 * Campaign nudges on the sample school's reminder days (the 14-day reminder on the last day of term, 7 days,
 * the merged 3/1-day reminder, the day itself), for users in different states, with and without snoozes left;
 * and the answers to "Remind me later"; in `locale` (ids end in `--<locale>` except English's).
 */
export function nudgeSectionIn(locale: Locale): CardSection {
  const suffix = localeSuffix(locale);
  return {
    name: `nudge${suffix}`,
    cards() {
      const policy = catalogPolicy();
      const on = (today: LocalDate, firstName: string | null = 'Sam'): ViewContext => ({
        policy,
        today,
        methods: availableMethods(policy, today),
        firstName: firstName ?? undefined,
        t: packageCatalogues(policy.school.timeZone).translatorFor(locale),
      });
      const states: { key: string; label: string; methods: RegisteredMethod[]; step?: StepId }[] = [
        { key: 'new', label: 'nothing registered', methods: [] },
        {
          key: 'app-only',
          label: 'the app only',
          methods: [{ kind: 'authenticatorApp' }],
          step: 'chooseSecond',
        },
        { key: 'phone-only', label: 'a mobile phone only', methods: [{ kind: 'mobilePhone' }] },
      ];
      const days: { key: string; today: LocalDate; tone: Tone; nudge: string }[] = [
        { key: 'd14', today: '2026-12-18', tone: 'friendly', nudge: 'd14' },
        { key: 'd7', today: '2027-01-04', tone: 'reminder', nudge: 'd7' },
        { key: 'd1', today: '2027-01-08', tone: 'urgent', nudge: 'd1' },
        { key: 'd0', today: '2027-01-11', tone: 'final', nudge: 'd0' },
      ];
      const cards: CatalogCard[] = [];
      for (const day of days) {
        for (const state of states) {
          const ctx = on(day.today);
          cards.push({
            id: `nudge-${day.key}-${state.key}${suffix}`,
            title: `Nudge, ${day.tone} (${day.key}, ${day.today}), ${state.label}`,
            source: 'nudgeCards.nudgeCard',
            card: nudgeCard(
              {
                campaignId: 'enforcement-2027-01-11',
                nudge: day.nudge,
                tone: day.tone,
                evaluation: evaluateRegistration(state.methods, ctx.methods),
                progress: state.step ? progressAt(state.step, 'app') : undefined,
                snoozesLeft: day.key === 'd0' ? 0 : 2,
                snoozeHours: 24,
              },
              ctx,
            ),
          });
        }
      }
      const d7 = on('2027-01-04');
      cards.push({
        id: `nudge-d7-school-email${suffix}`,
        title:
          "Nudge, reminder (d7), for a pupil whose second method is their school email (found by the campaign's look)",
        source: 'nudgeCards.nudgeCard',
        card: nudgeCard(
          {
            campaignId: 'enforcement-2027-01-11',
            nudge: 'd7',
            tone: 'reminder',
            evaluation: evaluateRegistration(
              [{ kind: 'authenticatorApp' }, { kind: 'email', onSchoolDomain: true }],
              d7.methods,
            ),
            snoozesLeft: 2,
            snoozeHours: 24,
          },
          d7,
        ),
      });
      const unnamed = on('2027-01-04', null);
      cards.push({
        id: `nudge-d7-unnamed-after-snooze${suffix}`,
        title:
          'Nudge after a snooze, for a user whose name is unknown (installed by the campaign), no snoozes left',
        source: 'nudgeCards.nudgeCard',
        card: nudgeCard(
          {
            campaignId: 'enforcement-2027-01-11',
            nudge: 'd7+s1',
            tone: 'reminder',
            evaluation: evaluateRegistration([], unnamed.methods),
            snoozesLeft: 0,
            snoozeHours: 24,
          },
          unnamed,
        ),
      });
      // Pupils are nudged at home (the sample's after-school and Saturday-morning windows): the card says so.
      for (const hint of ['evening', 'morning'] as const) {
        cards.push({
          id: `nudge-d7-at-home-${hint}${suffix}`,
          title: `Nudge, reminder (d7), sent at home in the pupils' ${hint === 'evening' ? 'after-school' : 'Saturday-morning'} window`,
          source: 'nudgeCards.nudgeCard',
          card: nudgeCard(
            {
              campaignId: 'enforcement-2027-01-11',
              nudge: 'd7',
              tone: 'reminder',
              evaluation: evaluateRegistration([], d7.methods),
              snoozesLeft: 2,
              snoozeHours: 24,
              hint,
            },
            d7,
          ),
        });
      }
      const ctx = on('2027-01-04');
      const midway = progressAt('first.app.scan', 'app');
      cards.push(
        {
          id: `nudge-snoozed${suffix}`,
          title: '"Remind me tomorrow" worked, one snooze left',
          source: 'nudgeCards.snoozedCard',
          card: snoozedCard(new Date('2027-01-05T08:30:00Z'), 1, midway, ctx),
        },
        {
          id: `nudge-snoozed-last${suffix}`,
          title: '"Remind me tomorrow" worked, it was the last snooze',
          source: 'nudgeCards.snoozedCard',
          card: snoozedCard(new Date('2027-01-05T08:30:00Z'), 0, undefined, ctx),
        },
        {
          id: `nudge-cannot-snooze-none-left${suffix}`,
          title: '"Remind me later" with no snoozes left',
          source: 'nudgeCards.cannotSnoozeCard',
          card: cannotSnoozeCard('noneLeft', midway, ctx),
        },
        {
          id: `nudge-cannot-snooze-over${suffix}`,
          title: '"Remind me later" on a reminder whose campaign has finished',
          source: 'nudgeCards.cannotSnoozeCard',
          card: cannotSnoozeCard('over', undefined, ctx),
        },
      );
      return cards;
    },
  };
}

/** The nudges in English. */
export const nudgeSection: CardSection = nudgeSectionIn(BASE_LOCALE);

/** A group's row for the IT view's cards: done, phone-only, partly, not started, not known. */
function groupRow(
  name: string,
  kind: GroupProgress['kind'],
  n: [number, number, number, number, number],
): GroupProgress {
  const [complete, phoneOnly, partly, notStarted, unknown] = n;
  const total = n.reduce((a, b) => a + b, 0);
  return {
    id: name,
    name,
    kind,
    counts: { complete, phoneOnly, partly, notStarted, unknown, total },
    missing: {},
  };
}

const itViewSection: CardSection = {
  name: 'itView',
  cards() {
    const years = [7, 8, 9, 10, 11, 12, 13].map((y, i) =>
      groupRow(`Year ${y}`, 'report', [120 + i * 9, 6 + i, 40 - i * 3, 70 - i * 5, i % 2]),
    );
    const staff: [number, number, number, number, number] = [189, 10, 14, 29, 0];
    // The targets and the whole school add up from the years and the staff, as they would in the bot.
    const sum = (rows: [number, number, number, number, number][]) =>
      rows.reduce((a, r) => a.map((x, i) => x + r[i]!) as typeof a, [0, 0, 0, 0, 0]);
    const pupils = sum(
      years.map((y) => [
        y.counts.complete,
        y.counts.phoneOnly,
        y.counts.partly,
        y.counts.notStarted,
        y.counts.unknown,
      ]),
    );
    const groups = [
      groupRow('Whole school', 'school', sum([pupils, staff])),
      ...years,
      groupRow('All pupils', 'target', pupils),
      groupRow('All staff', 'target', staff),
    ];
    const view = {
      countedAt: '2026-12-01T10:00:00.000Z',
      today: '2026-12-01',
      phoneEnds: '2027-02-01',
      hasReport: true,
      groups,
    };
    const policy = catalogPolicy();
    const tab = 'https://teams.microsoft.com/l/entity/3f2504e0-4f89-41d3-9a0c-0305e82c3301/itProgress';
    const at = (name: string, title: string, fn: keyof typeof itViewCards, card: AdaptiveCardJson) => ({
      id: `it-view-${name}`,
      title,
      source: `itViewCards.${fn}`,
      card,
    });
    return [
      at(
        'overview',
        '"progress" (IT staff): the overview, with the tab button',
        'progressOverviewCard',
        itViewCards.progressOverviewCard(view, policy, tab),
      ),
      at(
        'overview-no-report',
        '"progress" (IT staff) in a tenant with no registration report, after the cut-off, no tab configured',
        'progressOverviewCard',
        itViewCards.progressOverviewCard(
          { ...view, today: '2027-02-15', phoneEnds: undefined, hasReport: false },
          policy,
        ),
      ),
      at(
        'counting',
        '"progress" while a big school is still being counted',
        'progressUnavailableCard',
        itViewCards.progressUnavailableCard('counting'),
      ),
      at(
        'failed',
        '"progress" when the directory did not answer',
        'progressUnavailableCard',
        itViewCards.progressUnavailableCard('failed'),
      ),
    ];
  },
};

/** Every feature's cards. Add a section here when a feature adds cards. */
export const CARD_SECTIONS: CardSection[] = [
  guideSection,
  answerSection,
  statusSection,
  languageSection,
  helpSection,
  supportCodeSection,
  temporaryAccessPassSection,
  nudgeSection,
  schoolRulesSection,
  itViewSection,
];

/**
 * The whole catalog, one entry per distinct card: renderings that come out identical in several contexts
 * (most steps read the same before and after the cut-off) are kept once, under their first id.
 */
export function cardCatalog(sections: CardSection[] = CARD_SECTIONS): CatalogCard[] {
  const byContent = new Map<string, CatalogCard>();
  const ids = new Set<string>();
  for (const entry of sections.flatMap((s) => s.cards())) {
    if (ids.has(entry.id)) throw new Error(`card catalog: duplicate id ${entry.id}`);
    ids.add(entry.id);
    const key = JSON.stringify(entry.card);
    const kept = byContent.get(key);
    if (kept) kept.sameAs = [...(kept.sameAs ?? []), entry.id];
    else byContent.set(key, { ...entry });
  }
  return [...byContent.values()];
}

/** Every render function the catalog exercises (before de-duplication), as `module.function`. */
export function catalogSources(sections: CardSection[] = CARD_SECTIONS): Set<string> {
  return new Set(sections.flatMap((s) => s.cards()).map((c) => c.source));
}
