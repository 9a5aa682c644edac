/**
 * Local calendar days and wall-clock times in the school's time zone, turned into instants and back. The
 * sending window is "08:30 to 15:30 local", so its instants move by an hour across a clock change; this is
 * the one place that knows how.
 */
import type { LocalDate } from '../policy/localDate';

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** Minutes the zone is ahead of UTC at `instantMs` (Europe/London: 0 in winter, 60 in summer). */
export function zoneOffsetMinutes(instantMs: number, timeZone: string): number {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, f);
  }
  const name = f.formatToParts(new Date(instantMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * The instant the clocks in `timeZone` show `time` (HH:MM) on `date`. A time that does not exist (inside
 * the hour skipped in spring) comes out an hour later, as a wall clock would show it.
 */
export function instantAt(date: LocalDate, time: string, timeZone: string): Date {
  const [h = 0, mi = 0] = time.split(':').map(Number);
  const wall = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10), h, mi);
  // Two rounds settle it: the offset that applies at the answer is the one to subtract.
  let guess = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  guess = wall - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return new Date(guess);
}

/** The local date and HH:MM at `instant` in `timeZone`. */
export function wallClockAt(instant: Date, timeZone: string): { date: LocalDate; time: string } {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsFormats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** `date` moved by `days` (negative: earlier). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const t = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The day of the week of a local date. */
export function weekdayOf(date: LocalDate): Weekday {
  return WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]!;
}
