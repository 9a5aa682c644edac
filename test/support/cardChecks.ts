/**
 * Quality checks for one rendered Adaptive Card, each returning the problems it found (an empty list is a
 * pass). They encode what Teams, and a pupil reading on a phone, need: the card parses in the Adaptive
 * Cards SDK at the version Teams supports and at the version it declares, words fit a phone column, every
 * image and input is described, every button carries a verb the bot understands.
 */
import { createRequire } from 'node:module';
import type * as AdaptiveCardsSdk from 'adaptivecards';
import { isKnownVerb, parseCardAction } from '../../src/features/verbs';

// The package's `lib/` build fails to load on Node 20; its browser bundle works (see docs/engineering notes).
const AC = createRequire(__filename)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsSdk;

type Json = Record<string, unknown>;

/** The schema version Teams desktop and web accept from bots. */
export const TEAMS_VERSION: [number, number] = [1, 5];
/** The newest version Teams mobile renders reliably; every card must declare at most this. */
export const MOBILE_VERSION: [number, number] = [1, 2];
/**
 * Cards with inputs may declare 1.3, the version that brought `label` (an input without a visible label is
 * an accessibility failure, and a placeholder vanishes as soon as you type). Only the optional help form
 * has an input, and every path through it can be taken by buttons on 1.2 cards, so a phone that renders
 * only 1.2 loses nothing.
 */
export const INPUT_VERSION: [number, number] = [1, 3];
/** Teams shows at most this many actions in one set (and the guidance is 1–3). */
export const MAX_ACTIONS = 6;
/** More columns than this do not fit a phone. */
export const MAX_COLUMNS = 3;

/**
 * The longest unbroken string (no space to wrap at) that fits, in characters. A phone column is about
 * 360 px; less the card padding that leaves ~328 px for body text at 14 px (about 7–9 px a character),
 * and ~170 px for a FactSet value beside its title. Buttons never wrap, so their whole title counts.
 */
export const PHONE_LIMITS = { bodyWord: 34, factWord: 18, buttonTitle: 28 };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every object in the card (elements, actions, facts, choices…), depth first, with a readable path. */
export function* walkCard(node: unknown, path = '$'): Generator<{ node: Json; path: string }> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* walkCard(item, `${path}[${i}]`);
    return;
  }
  if (!isObject(node)) return;
  yield { node, path };
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'object' && value !== null) yield* walkCard(value, `${path}.${key}`);
  }
}

/** A short label for a problem: the element type and its text or title, so a failure names the card part. */
function where(node: Json, path: string): string {
  const label = [node.text, node.title, node.altText, node.label].find((v) => typeof v === 'string');
  return `${typeof node.type === 'string' ? node.type : 'object'} at ${path}${label ? ` ("${String(label).slice(0, 40)}")` : ''}`;
}

/**
 * Chart elements Teams desktop and web draw and the SDK (and Teams mobile) does not know: allowed only with a
 * `fallback` element, which is what those clients show (and what the SDK parses and validates in its place).
 */
export const TEAMS_CHART_TYPES = [
  'Chart.Donut',
  'Chart.Pie',
  'Chart.Gauge',
  'Chart.Line',
  'Chart.HorizontalBar',
  'Chart.HorizontalBar.Stacked',
  'Chart.VerticalBar',
  'Chart.VerticalBar.Grouped',
] as const;

function isTeamsChart(node: Json): boolean {
  return (TEAMS_CHART_TYPES as readonly unknown[]).includes(node.type);
}

/** Validation events from the SDK when the card is parsed at `version` and its properties validated. */
export function sdkEvents(card: Json, version: [number, number]): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(new AC.Version(version[0], version[1]));
  parsed.parse(card, context);
  const events: string[] = [];
  const charts = [...walkCard(card.body)].filter(({ node }) => isTeamsChart(node));
  for (const { node, path } of charts)
    if (!isObject(node.fallback))
      events.push(`${where(node, path)} has no fallback element: clients without charts show nothing`);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    // A Teams chart with a fallback element: the SDK says it will use the fallback, which is what is wanted.
    const unknown = /^Unknown element type "([^"]+)"/.exec(event.message)?.[1];
    if (
      event.event === AC.ValidationEvent.UnknownElementType &&
      charts.some(({ node }) => node.type === unknown && isObject(node.fallback))
    )
      continue;
    events.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of parsed.validateProperties().validationEvents) {
    events.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return events;
}

function versionOf(card: Json): [number, number] | undefined {
  const match = typeof card.version === 'string' ? /^(\d+)\.(\d+)$/.exec(card.version) : null;
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** No validation events at the version Teams supports. */
export function teamsVersionProblems(card: Json): string[] {
  return sdkEvents(card, TEAMS_VERSION).map((e) => `at ${TEAMS_VERSION.join('.')}: ${e}`);
}

/** A declared version Teams mobile renders (mobile drops cards without one), and no events at it. */
export function declaredVersionProblems(card: Json): string[] {
  const declared = versionOf(card);
  if (!declared) return [`no valid "version" (got ${JSON.stringify(card.version)})`];
  const [major, minor] = declared;
  const hasInput = [...walkCard(card.body)].some(
    ({ node }) => typeof node.type === 'string' && node.type.startsWith('Input.'),
  );
  const allowed = hasInput ? INPUT_VERSION : MOBILE_VERSION;
  if (major > allowed[0] || (major === allowed[0] && minor > allowed[1])) {
    return [
      hasInput
        ? `version ${String(card.version)} is newer than a card with inputs may declare (${INPUT_VERSION.join('.')}, for labels)`
        : `version ${String(card.version)} is newer than Teams mobile renders (${MOBILE_VERSION.join('.')})`,
    ];
  }
  return sdkEvents(card, declared).map((e) => `at ${String(card.version)}: ${e}`);
}

/** Every TextBlock wraps: without it a phone cuts the line off with "…". */
export function wrapProblems(card: Json): string[] {
  return [...walkCard(card)]
    .filter(({ node }) => node.type === 'TextBlock' && node.wrap !== true)
    .map(({ node, path }) => `${where(node, path)} has no "wrap": true`);
}

/** The words a user reads, without markdown (`**bold**`, `[title](url)`) that is not shown. */
function visibleText(text: string): string {
  return text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_]{1,2}/g, '');
}

function longestWord(text: string): string {
  return visibleText(text)
    .split(/\s+/)
    .reduce((longest, word) => ([...word].length > [...longest].length ? word : longest), '');
}

/** Nothing too wide for a phone column: no overlong unbroken strings, no overlong button titles. */
export function phoneWidthProblems(card: Json): string[] {
  const problems: string[] = [];
  const check = (text: unknown, limit: number, what: string) => {
    if (typeof text !== 'string') return;
    const word = longestWord(text);
    if ([...word].length > limit) {
      problems.push(`${what}: "${word}" is ${[...word].length} characters unbroken (phone limit ${limit})`);
    }
  };
  for (const { node, path } of walkCard(card)) {
    if (node.type === 'TextBlock' || node.type === 'TextRun')
      check(node.text, PHONE_LIMITS.bodyWord, where(node, path));
    if (node.type === 'FactSet' && Array.isArray(node.facts)) {
      for (const fact of node.facts.filter(isObject)) {
        check(fact.title, PHONE_LIMITS.factWord, `fact title at ${path}`);
        check(fact.value, PHONE_LIMITS.factWord, `fact value at ${path}`);
      }
    }
    if (typeof node.type === 'string' && node.type.startsWith('Action.') && typeof node.title === 'string') {
      if ([...node.title].length > PHONE_LIMITS.buttonTitle) {
        problems.push(
          `${where(node, path)}: button title longer than ${PHONE_LIMITS.buttonTitle} characters`,
        );
      }
    }
  }
  return problems;
}

/** Every image says what it shows, for screen readers and when it fails to load. */
export function imageProblems(card: Json): string[] {
  return [...walkCard(card)]
    .filter(({ node }) => node.type === 'Image')
    .flatMap(({ node, path }) => {
      const problems: string[] = [];
      if (typeof node.altText !== 'string' || node.altText.trim() === '')
        problems.push(`${where(node, path)} has no altText`);
      if (typeof node.url !== 'string' || !node.url.startsWith('https://') || /\.svg($|\?)/i.test(node.url)) {
        problems.push(
          `${where(node, path)}: images must be public HTTPS PNG or JPEG (got ${String(node.url)})`,
        );
      }
      return problems;
    });
}

/** Every input has a visible label (a placeholder disappears as soon as you type). */
export function inputProblems(card: Json): string[] {
  return [...walkCard(card)]
    .filter(({ node }) => typeof node.type === 'string' && node.type.startsWith('Input.'))
    .filter(({ node }) => typeof node.label !== 'string' || node.label.trim() === '')
    .map(({ node, path }) => `${where(node, path)} has no label`);
}

/**
 * The payload the bot receives for a button: Submit sends `data`; Execute sends its verb and `data`; either
 * adds the card's inputs by id, as they stand before the user changes them.
 */
function payloadOf(action: Json, inputs: Json): unknown {
  if (action.type === 'Action.Execute') {
    return { verb: action.verb, ...(isObject(action.data) ? action.data : {}), ...inputs };
  }
  return isObject(action.data) && Object.keys(inputs).length > 0
    ? { ...action.data, ...inputs }
    : action.data;
}

/** Every input's starting value by its id (an input with none sends nothing until the user fills it). */
function inputValuesOf(card: Json): Json {
  const values: Json = {};
  for (const { node } of walkCard(card)) {
    if (typeof node.type === 'string' && node.type.startsWith('Input.') && typeof node.id === 'string') {
      if (node.value !== undefined) values[node.id] = node.value;
    }
  }
  return values;
}

/**
 * Every button sends a verb the bot knows with a payload it accepts; links are HTTPS; an Action.Execute
 * has an Action.Submit fallback for clients that predate it; no card carries more than MAX_ACTIONS.
 */
export function actionProblems(card: Json): string[] {
  const problems: string[] = [];
  const inputs = inputValuesOf(card);
  let count = 0;
  for (const { node, path } of walkCard(card)) {
    if (typeof node.type !== 'string' || !node.type.startsWith('Action.')) continue;
    // The refresh action is never shown: Teams sends it when the card is viewed, and a client without
    // Universal Actions ignores it, so it is no button and needs no fallback (its verb is checked all the same).
    const isRefresh = path === '$.refresh.action';
    // A fallback is counted and checked as itself, not as one more button.
    if (!/\.fallback$/.test(path) && !isRefresh) count += 1;
    if (node.type === 'Action.OpenUrl') {
      if (typeof node.url !== 'string' || !node.url.startsWith('https://')) {
        problems.push(`${where(node, path)} opens a non-HTTPS address (${String(node.url)})`);
      }
      continue;
    }
    if (node.type === 'Action.Submit' || node.type === 'Action.Execute') {
      const payload = payloadOf(node, inputs);
      const verb = isObject(payload) ? payload.verb : undefined;
      if (!isKnownVerb(verb)) {
        problems.push(`${where(node, path)} carries no verb the bot knows (${JSON.stringify(verb)})`);
      } else {
        const parsed = parseCardAction(payload);
        if (!parsed.ok)
          problems.push(`${where(node, path)}: the bot rejects its payload (${parsed.problem})`);
      }
      if (
        node.type === 'Action.Execute' &&
        !isRefresh &&
        !(isObject(node.fallback) && node.fallback.type === 'Action.Submit')
      ) {
        problems.push(`${where(node, path)} has no Action.Submit fallback`);
      }
    }
  }
  if (count > MAX_ACTIONS) problems.push(`${count} actions; Teams shows at most ${MAX_ACTIONS}`);
  return problems;
}

/** Plain text for notifications and clients that cannot render the card. */
export function fallbackTextProblems(card: Json): string[] {
  const text = card.fallbackText;
  return typeof text === 'string' && text.trim() !== '' ? [] : ['no fallbackText'];
}

/** Nothing left unexpanded by the templating engine (a `${…}` means a missing or misspelt field). */
export function templateProblems(card: Json): string[] {
  const problems: string[] = [];
  for (const { node, path } of walkCard(card)) {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && value.includes('${'))
        problems.push(`${path}.${key} still holds "${value}"`);
      if (key === '$data' || key === '$when') problems.push(`${path}.${key} was not expanded`);
    }
  }
  return problems;
}

/** At most MAX_COLUMNS columns side by side, and a body that shows something. */
export function layoutProblems(card: Json): string[] {
  const problems = [...walkCard(card)]
    .filter(
      ({ node }) =>
        node.type === 'ColumnSet' && Array.isArray(node.columns) && node.columns.length > MAX_COLUMNS,
    )
    .map(({ node, path }) => `${where(node, path)} has more than ${MAX_COLUMNS} columns`);
  if (!Array.isArray(card.body) || card.body.length === 0) problems.push('empty body');
  return problems;
}

/** Every check, by name, in the order the quality test reports them. */
export const CARD_CHECKS: { name: string; check: (card: Json) => string[] }[] = [
  {
    name: `parses with no validation events at ${TEAMS_VERSION.join('.')} (Teams)`,
    check: teamsVersionProblems,
  },
  {
    name: `declares a version up to ${MOBILE_VERSION.join('.')} (Teams mobile; ${INPUT_VERSION.join('.')} with inputs) and parses cleanly at it`,
    check: declaredVersionProblems,
  },
  { name: 'wraps every TextBlock', check: wrapProblems },
  { name: 'fits a phone column (no overlong unbroken strings or button titles)', check: phoneWidthProblems },
  { name: 'gives every image alt text', check: imageProblems },
  { name: 'labels every input', check: inputProblems },
  { name: `sends only verbs the bot knows, with at most ${MAX_ACTIONS} actions`, check: actionProblems },
  { name: 'has fallbackText', check: fallbackTextProblems },
  { name: 'has no unexpanded template expressions', check: templateProblems },
  { name: `has a body and at most ${MAX_COLUMNS} columns`, check: layoutProblems },
];
