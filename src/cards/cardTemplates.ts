/**
 * Loads the Adaptive Card templates in `cards/` once and expands them with adaptivecards-templating.
 * Templates hold layout only; every word comes from the data, so the words live in one place.
 */
import { LRUCache } from 'lru-cache';
import fs from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';

/** A rendered Adaptive Card, ready to attach to a message. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  [key: string]: unknown;
}

/** The names of the templates in `cards/` (file name without `.json`). */
export const CARD_TEMPLATES = [
  'welcome',
  'guideStep',
  'choice',
  'answer',
  'status',
  'helpForm',
  'pass',
  'progress',
] as const;
export type CardTemplateName = (typeof CARD_TEMPLATES)[number];

/** The `cards/` folder at the package root; the same relative path from `src/cards` and `dist/cards`. */
export const CARDS_DIR = path.resolve(__dirname, '..', '..', 'cards');

const compiled = new Map<CardTemplateName, ACData.Template>();

function templateFor(name: CardTemplateName): ACData.Template {
  let template = compiled.get(name);
  if (!template) {
    const json = JSON.parse(fs.readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8')) as Record<
      string,
      unknown
    >;
    // `$schema` helps editors with the template; clients do not need it in every message.
    delete json.$schema;
    template = new ACData.Template(json);
    compiled.set(name, template);
  }
  return template;
}

/**
 * Expanded cards by template and data. Expanding parses every `${…}` expression again, which is most of the
 * cost of a turn, while the same few cards are sent over and over; the data's JSON is a cheap exact key.
 */
const expanded = new LRUCache<string, AdaptiveCardJson>({ max: 1000 });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Expands template `name` with `data`. Data values are inserted as values, never evaluated. The result is
 * shared between calls with equal data, so it is frozen: copy it before changing anything. With
 * `remember: false` the card is neither looked up nor kept (a Temporary Access Pass must not stay in memory).
 */
export function expandCard(
  name: CardTemplateName,
  data: object,
  options: { remember?: boolean } = {},
): AdaptiveCardJson {
  if (options.remember === false) return templateFor(name).expand({ $root: data }) as AdaptiveCardJson;
  const key = `${name}\u0000${JSON.stringify(data)}`;
  let card = expanded.get(key);
  if (!card) {
    card = deepFreeze(templateFor(name).expand({ $root: data }) as AdaptiveCardJson);
    expanded.set(key, card);
  }
  return card;
}
