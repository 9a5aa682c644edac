/**
 * Calendar arithmetic in the school's time zone. Policy dates are local calendar dates
 * ("2027-02-01" means that day in Europe/London), so comparisons are done on local date strings,
 * which keeps clock changes out of the picture.
 */
import { LRUCache } from 'lru-cache';

/** A local calendar date as `YYYY-MM-DD`. */
export type LocalDate = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The last answer per zone, by UTC minute: every turn asks, and Intl formatting is slow on a hot path. */
const lastAnswer = new Map<string, { minute: number; date: LocalDate }>();

/** The calendar date it is at `instant` in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  // Every zone's offset is a whole number of minutes, so the local date cannot change within a UTC minute.
  const minute = Math.floor(instant.getTime() / 60_000);
  const last = lastAnswer.get(timeZone);
  if (last?.minute === minute) return last.date;
  const date = formatterFor(timeZone).format(instant);
  lastAnswer.set(timeZone, { minute, date });
  return date;
}

/** Whole days from `from` to `to` (both local dates); negative when `to` is earlier. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = Date.UTC(+from.slice(0, 4), +from.slice(5, 7) - 1, +from.slice(8, 10));
  const b = Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 1, +to.slice(8, 10));
  return Math.round((b - a) / 86_400_000);
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

// Intl formatters are costly to build and cheap to reuse.
const weekdayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' });
const dayMonthYearFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * Formats by date, kept: cards name the same few dates (today, the deadline, retirement dates) on every
 * turn, and formatting one costs more than the rest of deciding what to say.
 */
const formatted = new LRUCache<string, string>({ max: 1000 });

function remembered(key: string, format: () => string): string {
  let text = formatted.get(key);
  if (text === undefined) {
    text = format();
    formatted.set(key, text);
  }
  return text;
}

/** "Monday 1 February 2027": the way dates are written to pupils (no comma after the weekday). */
export function formatLongDate(date: LocalDate): string {
  return remembered(
    `long ${date}`,
    () => `${weekdayFormat.format(new Date(`${date}T12:00:00Z`))} ${formatShortDate(date)}`,
  );
}

/** "1 February 2027". */
export function formatShortDate(date: LocalDate): string {
  return remembered(`short ${date}`, () => dayMonthYearFormat.format(new Date(`${date}T12:00:00Z`)));
}
