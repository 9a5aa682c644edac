/**
 * One typed render function per card template. The data types here are the contract between the
 * conversation (which decides what to say) and the templates in `cards/` (which lay it out).
 */
import type { ActionData } from '../features/verbs';
import { expandCard, type AdaptiveCardJson } from './cardTemplates';

/** A button that sends an action back to the bot. */
export interface CardButton {
  title: string;
  data: ActionData;
}

/** A button that opens a web page (the registration page, an app store). */
export interface CardLink {
  title: string;
  url: string;
}

/**
 * A note in its own box: `attention` for warnings, `good` for reassurance, `emphasis` for asides, `default`
 * for a plain paragraph that must come after the facts.
 */
export interface CardTip {
  text: string;
  style: 'default' | 'attention' | 'good' | 'emphasis' | 'warning' | 'accent';
}

export interface CardFact {
  title: string;
  value: string;
}

/** Plain text shown by clients that cannot render the card (and read by notifications). */
interface Fallback {
  fallbackText: string;
}

export interface WelcomeCardData extends Fallback {
  heading: string;
  intro: string;
  facts: CardFact[];
  why: string;
  safety: string;
  actions: CardButton[];
}

export interface GuideStepCardData extends Fallback {
  progress?: string;
  heading: string;
  intro?: string;
  steps: { n: number; text: string }[];
  tips: CardTip[];
  links: CardLink[];
  actions: CardButton[];
}

export interface ChoiceCardData extends Fallback {
  progress?: string;
  heading: string;
  intro?: string;
  choices: { title: string; description: string; button: string; data: ActionData }[];
  tips: CardTip[];
  actions: CardButton[];
}

export interface AnswerCardData extends Fallback {
  heading: string;
  paragraphs: string[];
  facts: CardFact[];
  tips: CardTip[];
  links: CardLink[];
  actions: CardButton[];
}

export interface StatusCardData extends Fallback {
  heading: string;
  paragraphs: string[];
  /** One line per method family: a tick or a cross and what it means. */
  methods: string[];
  facts: CardFact[];
  nextStepsHeading: string;
  nextSteps: { n: number; text: string }[];
  tips: CardTip[];
  /** Where the data came from and how old it is. */
  updated?: string;
  actions: CardButton[];
}

/**
 * A short form: one labelled text input (the only card with an input, so the only one declared 1.3, the
 * version that has `label`). Every path through it can also be taken with buttons alone.
 */
export interface HelpFormCardData extends Fallback {
  heading: string;
  paragraphs: string[];
  facts: CardFact[];
  input: { id: string; label: string; placeholder: string; maxLength: number };
  tips: CardTip[];
  actions: CardButton[];
}

/**
 * The desk's Temporary Access Pass: the pass itself in large monospace text (a run of its own, so no
 * character of it is read as markdown), then what to tell the person. `fallbackText` and the heading must
 * not hold the pass: clients show them in notifications.
 */
export interface PassCardData extends Fallback {
  heading: string;
  paragraphs: string[];
  pass: string;
  facts: CardFact[];
  stepsHeading: string;
  steps: { n: number; text: string }[];
  tips: CardTip[];
  actions: CardButton[];
}

/** IT's overview: a table of groups (at most 3 columns, so it reads on a phone) and a link to the tab. */
/** One bar of the progress chart (`Chart.HorizontalBar.Stacked`): a group, its people by category. */
export interface ProgressChartBar {
  title: string;
  data: { legend: string; value: number; color: string }[];
}

export interface ProgressCardData extends Fallback {
  heading: string;
  paragraphs: string[];
  columns: [string, string, string];
  rows: { group: string; done: string; left: string; weight: 'bolder' | 'default' }[];
  /** The same figures as a stacked bar chart for the Teams clients that draw one (the rows are its fallback). */
  chartTitle: string;
  chart: ProgressChartBar[];
  tips: CardTip[];
  links: CardLink[];
}

/** The first card a user sees: what this is, the deadline, what they need. */
export function renderWelcomeCard(data: WelcomeCardData): AdaptiveCardJson {
  return expandCard('welcome', data);
}

/** One step of instructions with numbered actions to do at Microsoft's page or in the app. */
export function renderGuideStepCard(data: GuideStepCardData): AdaptiveCardJson {
  return expandCard('guideStep', data);
}

/** A decision (which method), one button per option with a line on why to pick it. */
export function renderChoiceCard(data: ChoiceCardData): AdaptiveCardJson {
  return expandCard('choice', data);
}

/** A short answer to a question or a problem, with buttons for what to do next. */
export function renderAnswerCard(data: AnswerCardData): AdaptiveCardJson {
  return expandCard('answer', data);
}

/** A user's registration as Microsoft knows it, checked against the school's policy. */
export function renderStatusCard(data: StatusCardData): AdaptiveCardJson {
  return expandCard('status', data);
}

/** A form with one labelled text input (version 1.3). */
export function renderHelpFormCard(data: HelpFormCardData): AdaptiveCardJson {
  return expandCard('helpForm', data);
}

/** A Temporary Access Pass for the desk member's chat. Never cached: the pass must not outlive the turn. */
export function renderPassCard(data: PassCardData): AdaptiveCardJson {
  return expandCard('pass', data, { remember: false });
}

/** IT's progress overview (version 1.2: a table of column sets, no Table element, which mobile may not render). */
export function renderProgressCard(data: ProgressCardData): AdaptiveCardJson {
  return expandCard('progress', data);
}
