/**
 * Every card the bot can send, rendered through the real render functions with representative data: each
 * guide step in each context that changes its words (before and after the SMS/voice cut-off, first method
 * app or phone), and every answer card. The card checks, the coverage test and the browser pass all read
 * this one list, so a card added here is checked, validated and photographed everywhere at once.
 *
 * Later features add a section (status, escalation, nudges…) to CARD_SECTIONS; the coverage test fails
 * until every exported `…Card` function in `src/conversation/*Cards.ts` appears in some section.
 */
import type { AdaptiveCardJson } from '../../src/cards/cardTemplates';
import * as answerCards from '../../src/conversation/answerCards';
import { guideCard, STEP_TITLES, welcomeCard } from '../../src/conversation/guideCards';
import type { ViewContext } from '../../src/conversation/wording';
import type { GuideProgress } from '../../src/domain/guide/progress';
import { STEP_IDS, type FirstMethod, type SecondMethod, type StepId } from '../../src/domain/guide/steps';
import { availableMethods } from '../../src/domain/policy/availability';
import type { LocalDate } from '../../src/domain/policy/localDate';
import type { SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { SAMPLE_POLICY_PATH } from './conversationHarness';
import { cannotSnoozeCard, nudgeCard, snoozedCard } from '../../src/conversation/nudgeCards';
import { evaluateRegistration } from '../../src/domain/registration/evaluateRegistration';
import type { RegisteredMethod } from '../../src/domain/registration/methods';
import type { Tone } from '../../src/domain/policy/campaignPolicy';

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

/** What a card is rendered against on `date`, for a user called Sam (`null`: a user whose name is unknown). */
export function viewContextOn(date: CatalogDate, firstName: string | null = 'Sam'): ViewContext {
  const policy = catalogPolicy();
  return {
    policy,
    today: date.today,
    methods: availableMethods(policy, date.today),
    firstName: firstName ?? undefined,
  };
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

/** Every guide step, in every context that is reachable for it. */
export const guideSection: CardSection = {
  name: 'guide',
  cards() {
    const cards: CatalogCard[] = [];
    for (const date of CATALOG_DATES) {
      const unnamed = viewContextOn(date, null);
      cards.push({
        id: `guide-welcome-install--${date.key}`,
        title: `Welcome on install (Teams sends no name with it), ${date.label}`,
        source: 'guideCards.welcomeCard',
        card: welcomeCard(unnamed),
      });
      for (const first of FIRST_METHODS) {
        for (const step of STEP_IDS) {
          const implied = firstMethodOf(step);
          if (implied && implied !== first) continue;
          cards.push({
            id: `guide-${slug(step)}--${date.key}-first-${first}`,
            title: `${STEP_TITLES[step]} (${step}), ${date.label}, first method ${first}`,
            source: 'guideCards.guideCard',
            card: guideCard(step, progressAt(step, first), viewContextOn(date)),
          });
        }
      }
    }
    return cards;
  },
};

/** Every short answer, for a user who has not started, is part-way, or has finished. */
export const answerSection: CardSection = {
  name: 'answer',
  cards() {
    const a = answerCards;
    const midway = progressAt('first.app.scan', 'app');
    const finished = progressAt('afterwards', 'app');
    const cards: CatalogCard[] = [];
    for (const date of CATALOG_DATES) {
      const ctx = viewContextOn(date);
      const at = (name: string, title: string, fn: keyof typeof answerCards, card: AdaptiveCardJson) =>
        cards.push({
          id: `answer-${name}--${date.key}`,
          title: `${title}, ${date.label}`,
          source: `answerCards.${fn}`,
          card,
        });
      at('resume', 'Welcome back, part-way through', 'resumeCard', a.resumeCard(midway, ctx));
      at('stuck-welcome', '"I need help" before starting', 'stuckCard', a.stuckCard('welcome', ctx));
      at('stuck-midway', '"I\'m stuck" on a step', 'stuckCard', a.stuckCard('first.app.scan', ctx));
      at('status-new', '"status" before starting', 'progressCard', a.progressCard(undefined, ctx));
      at('status-midway', '"status" part-way through', 'progressCard', a.progressCard(midway, ctx));
      at('status-finished', '"status" after the guide', 'progressCard', a.progressCard(finished, ctx));
      at('what-is-this', '"what is this?"', 'whatIsThisCard', a.whatIsThisCard(undefined, ctx));
      at('new-phone', '"new phone"', 'newPhoneCard', a.newPhoneCard(midway, ctx));
      at('lost-phone', '"lost my phone"', 'lostPhoneCard', a.lostPhoneCard(finished, ctx));
      at('sensitive', 'A message that looked like a code', 'sensitiveCard', a.sensitiveCard(midway));
      at('thanks', '"thanks"', 'thanksCard', a.thanksCard(finished));
      at('hello-again', '"hi" after finishing', 'helloAgainCard', a.helloAgainCard(ctx));
      at('not-understood', 'Anything else typed', 'notUnderstoodCard', a.notUnderstoodCard(undefined));
      at(
        'button-broken',
        'A malformed or unknown button',
        'buttonProblemCard',
        a.buttonProblemCard(midway, 'broken'),
      );
      at(
        'button-not-offered',
        'A choice the school no longer offers',
        'buttonProblemCard',
        a.buttonProblemCard(midway, 'notOffered'),
      );
    }
    return cards;
  },
};

/**
 * Campaign nudges on the sample school's reminder days (the 14-day reminder on the last day of term, 7 days,
 * the merged 3/1-day reminder, the day itself), for users in different states, with and without snoozes left;
 * and the answers to "Remind me later".
 */
export const nudgeSection: CardSection = {
  name: 'nudge',
  cards() {
    const policy = catalogPolicy();
    const on = (today: LocalDate, firstName: string | null = 'Sam'): ViewContext => ({
      policy,
      today,
      methods: availableMethods(policy, today),
      firstName: firstName ?? undefined,
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
          id: `nudge-${day.key}-${state.key}`,
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
    const unnamed = on('2027-01-04', null);
    cards.push({
      id: 'nudge-d7-unnamed-after-snooze',
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
    const ctx = on('2027-01-04');
    const midway = progressAt('first.app.scan', 'app');
    cards.push(
      {
        id: 'nudge-snoozed',
        title: '"Remind me tomorrow" worked, one snooze left',
        source: 'nudgeCards.snoozedCard',
        card: snoozedCard(new Date('2027-01-05T08:30:00Z'), 1, midway, ctx),
      },
      {
        id: 'nudge-snoozed-last',
        title: '"Remind me tomorrow" worked, it was the last snooze',
        source: 'nudgeCards.snoozedCard',
        card: snoozedCard(new Date('2027-01-05T08:30:00Z'), 0, undefined, ctx),
      },
      {
        id: 'nudge-cannot-snooze-none-left',
        title: '"Remind me later" with no snoozes left',
        source: 'nudgeCards.cannotSnoozeCard',
        card: cannotSnoozeCard('noneLeft', midway, ctx),
      },
      {
        id: 'nudge-cannot-snooze-over',
        title: '"Remind me later" on a reminder whose campaign has finished',
        source: 'nudgeCards.cannotSnoozeCard',
        card: cannotSnoozeCard('over', undefined, ctx),
      },
    );
    return cards;
  },
};

/** Every feature's cards. Add a section here when a feature adds cards. */
export const CARD_SECTIONS: CardSection[] = [guideSection, answerSection, nudgeSection];

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
