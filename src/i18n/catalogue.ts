/**
 * The string catalogue: one JSON file per language in `locales/` at the package root (`en-GB.json`, `pl.json`…),
 * each a school can correct. A file names its language in its own words, says which way it is written, holds
 * its messages (nested objects whose leaves are ICU messages: variables, plurals, selects) and, for languages
 * other than English, the words pupils type for the intents they know. Every file is read and every message
 * parsed once, at start: a broken message stops the bot there, naming the file and the key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { z } from 'zod';
import { ConfigError } from '../config/env';
import { INTENTS, lexiconWith, type Intent, type Lexicon } from '../domain/text/intents';
import { localeFor } from './localeFor';
import { createTranslator, type Translator } from './translator';

/** The `locales/` folder at the package root; the same relative path from `src/i18n` and `dist/i18n`. */
export const LOCALES_DIR = path.resolve(__dirname, '..', '..', 'locales');

/** The language every other falls back on, and the one the bot speaks when it knows no better. */
export const BASE_LOCALE = 'en-GB';

/** A language tag as the catalogue files are named: `en-GB`, `pl`, `ur`. */
export type Locale = string;

type MessageTree = { [key: string]: string | MessageTree };
const messageTree: z.ZodType<MessageTree> = z.lazy(() =>
  z.record(z.string(), z.union([z.string(), messageTree])),
);

const catalogueFile = z.strictObject({
  language: z.strictObject({
    /** The language's name in itself ("Polski"), as the language card shows it. */
    name: z.string().min(1),
    direction: z.enum(['ltr', 'rtl']),
  }),
  messages: messageTree,
  /**
   * Typed words per intent, understood besides the English ones; `not`: the language's words that turn "done"
   * around ("nie zrobiłem" is not done).
   */
  phrases: z.partialRecord(z.enum([...INTENTS, 'not']), z.array(z.string().min(1)).min(1)).optional(),
  /**
   * Microsoft's page and button labels as Microsoft's pages show them in this language, by their English label
   * ("Security info" → "Informacje zabezpieczające"); an English one in brackets where the translation is not
   * certain. The messages quote them exactly (the catalogue tests hold them to it).
   */
  glossary: z.record(z.string().min(1), z.string().min(1)).optional(),
});

/** One language as read from its file, its messages parsed. */
export interface Catalogue {
  locale: Locale;
  name: string;
  direction: 'ltr' | 'rtl';
  /** Dotted key (`status.heading.allSet`) → the message as written. */
  messages: ReadonlyMap<string, string>;
  /** Dotted key → the parsed message, ready to format. */
  formats: ReadonlyMap<string, IntlMessageFormat>;
  phrases: Partial<Record<Intent, readonly string[]>>;
  /** The language's words for "not", as typed before or after a "done" word (empty for English: it has its own). */
  negations: readonly string[];
  /** Microsoft's labels in this language, by their English label (empty for English). */
  glossary: Readonly<Record<string, string>>;
}

/** A catalogue file that cannot be used, with the file and key that are wrong: the bot does not start. */
export class CatalogueError extends ConfigError {
  constructor(problem: string) {
    super([problem]);
    this.name = 'CatalogueError';
  }
}

function flatten(tree: MessageTree, prefix = '', into = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') into.set(dotted, value);
    else flatten(value, dotted, into);
  }
  return into;
}

/** Reads and parses one catalogue file; throws a CatalogueError naming the file and the key at fault. */
export function readCatalogue(file: string): Catalogue {
  const name = path.basename(file);
  const locale = name.replace(/\.json$/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CatalogueError(`locales/${name}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = catalogueFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CatalogueError(
      `locales/${name}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const { not: negations = [], ...phrases } = parsed.data.phrases ?? {};
  const messages = flatten(parsed.data.messages);
  const formats = new Map<string, IntlMessageFormat>();
  for (const [key, message] of messages) {
    try {
      // Tags are not markup here: a pupil's card shows text and markdown only.
      formats.set(key, new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }));
    } catch (error) {
      throw new CatalogueError(
        `locales/${name}: message ${key} does not parse (${(error as Error).message})`,
      );
    }
  }
  return {
    locale,
    name: parsed.data.language.name,
    direction: parsed.data.language.direction,
    messages,
    formats,
    phrases,
    negations,
    glossary: parsed.data.glossary ?? {},
  };
}

/** Every language the bot speaks, read once; gives each user's language its translator. */
export class Catalogues {
  private readonly translators = new Map<Locale, Translator>();

  constructor(
    private readonly byLocale: ReadonlyMap<Locale, Catalogue>,
    private readonly timeZone: string,
  ) {
    const base = byLocale.get(BASE_LOCALE);
    if (!base)
      throw new CatalogueError(`locales/${BASE_LOCALE}.json is missing: every language falls back on it`);
    // "language" is understood in every language's words by everyone: it is the way out of the wrong one.
    const languageWords = [...byLocale.values()].flatMap((c) => c.phrases.language ?? []);
    for (const catalogue of byLocale.values()) {
      const lexicon: Lexicon = lexiconWith(
        { ...catalogue.phrases, language: [...new Set(languageWords)] },
        catalogue.negations,
      );
      this.translators.set(catalogue.locale, createTranslator(catalogue, base, lexicon, timeZone));
    }
  }

  /** The locales there are catalogues for, English first. */
  get locales(): Locale[] {
    return [BASE_LOCALE, ...[...this.byLocale.keys()].filter((l) => l !== BASE_LOCALE).sort()];
  }

  /** Each language by its own name, for the language card. */
  languages(): { locale: Locale; name: string }[] {
    return this.locales.map((locale) => ({ locale, name: this.byLocale.get(locale)!.name }));
  }

  has(locale: string): boolean {
    return this.byLocale.has(locale);
  }

  /** The catalogue of `locale` as read, for checks. */
  catalogue(locale: Locale): Catalogue | undefined {
    return this.byLocale.get(locale);
  }

  /** The translator of `locale`, or English's when there is no catalogue for it. */
  translatorFor(locale: Locale): Translator {
    return this.translators.get(locale) ?? this.translators.get(BASE_LOCALE)!;
  }

  /**
   * The user's language: their remembered choice when there is a catalogue for it, else the one Teams says
   * they use (`pl-PL` → `pl`, `en-US` → `en-GB`), else English.
   */
  localeOf(chosen: string | undefined, activityLocale: string | undefined): Locale {
    if (chosen && this.has(chosen)) return chosen;
    return localeFor(activityLocale, this.locales) ?? BASE_LOCALE;
  }
}

/**
 * Reads every `*.json` in `dir` (default: the package's `locales/`). `timeZone` is the school's: dates and
 * times are written as they are there.
 */
export function loadCatalogues(timeZone: string, dir: string = LOCALES_DIR): Catalogues {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const byLocale = new Map<Locale, Catalogue>();
  for (const file of files) {
    const catalogue = readCatalogue(path.join(dir, file));
    byLocale.set(catalogue.locale, catalogue);
  }
  return new Catalogues(byLocale, timeZone);
}

const packaged = new Map<string, Catalogues>();

/**
 * The package's own catalogues for a school in `timeZone`, read once per process like the card templates:
 * the container reads them at start (so a broken file stops the bot there), and views built outside a turn
 * (a campaign's nudge) share them.
 */
export function packageCatalogues(timeZone: string): Catalogues {
  let catalogues = packaged.get(timeZone);
  if (!catalogues) {
    catalogues = loadCatalogues(timeZone);
    packaged.set(timeZone, catalogues);
  }
  return catalogues;
}
