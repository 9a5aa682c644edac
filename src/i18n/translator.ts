/**
 * A user's language as the cards use it: `t(key, values)` formats a catalogue message (falling back on
 * English for a key the language lacks), and dates are written the way the language writes them.
 */
import type { IntlMessageFormat } from 'intl-messageformat';
import type { Lexicon } from '../domain/text/intents';
import { formatLongDate, formatShortDate, type LocalDate } from '../domain/policy/localDate';
import type { Catalogue, Locale } from './catalogue';

export type MessageValues = Record<string, string | number>;

/** Formats a message of the user's language: `t('status.heading.allSet')`, `t('status.ago.minutes', { count })`. */
export interface Translator {
  (key: string, values?: MessageValues): string;
  readonly locale: Locale;
  /** True for languages written right to left (Urdu): the cards are laid out for it. */
  readonly rtl: boolean;
  /** The typed words understood in this language (English always among them). */
  readonly lexicon: Lexicon;
  /** "Monday 1 February 2027" in this language. */
  longDate(date: LocalDate): string;
  /** "1 February 2027" in this language. */
  shortDate(date: LocalDate): string;
  /** A moment as the school's clock shows it ("Monday 1 February 2027 at 08:30"), in this language. */
  dateTime(instant: Date): string;
}

/** A message key no catalogue has: a mistake in the code, not in a catalogue. */
export class UnknownMessageError extends Error {
  override name = 'UnknownMessageError';
}

/** Noon UTC of a local date: its weekday and day are the same in every zone, so no zone can shift it. */
function noonOf(date: LocalDate): Date {
  return new Date(`${date}T12:00:00Z`);
}

export function createTranslator(
  catalogue: Catalogue,
  base: Catalogue,
  lexicon: Lexicon,
  timeZone: string,
): Translator {
  const isBase = catalogue.locale === base.locale;
  const long = new Intl.DateTimeFormat(catalogue.locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const short = new Intl.DateTimeFormat(catalogue.locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const moment = new Intl.DateTimeFormat(catalogue.locale, {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone,
  });
  const format = (key: string, values?: MessageValues): string => {
    const message: IntlMessageFormat | undefined = catalogue.formats.get(key) ?? base.formats.get(key);
    if (!message) throw new UnknownMessageError(`no message ${key} in locales/${base.locale}.json`);
    return String(message.format(values));
  };
  return Object.assign(format, {
    locale: catalogue.locale,
    rtl: catalogue.direction === 'rtl',
    lexicon,
    // English keeps the way the bot has always written dates ("Monday 1 February 2027", no comma).
    longDate: (date: LocalDate) => (isBase ? formatLongDate(date) : long.format(noonOf(date))),
    shortDate: (date: LocalDate) => (isBase ? formatShortDate(date) : short.format(noonOf(date))),
    dateTime: (instant: Date) => moment.format(instant),
  });
}
