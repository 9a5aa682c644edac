/**
 * Which local dates are school days: a sending-window weekday, inside a term, not in a holiday. Answers
 * carry the reason a day is not one, so the dry run can say "Christmas holiday" instead of "no".
 */
import type { CampaignPolicy } from '../policy/campaignPolicy';
import type { LocalDate } from '../policy/localDate';
import { addDays, weekdayOf } from './zonedTime';

export type DayKind =
  | { school: true; term: string }
  | { school: false; why: 'weekend'; name?: undefined }
  | { school: false; why: 'holiday' | 'outOfTerm'; name: string };

type Calendar = Pick<CampaignPolicy, 'window' | 'terms' | 'holidays'>;

/** Whether `date` is a school day, and if not, why not. */
export function dayKind(date: LocalDate, calendar: Calendar): DayKind {
  const term = calendar.terms.find((t) => t.from <= date && date <= t.to);
  const holiday = calendar.holidays.find((h) => h.from <= date && date <= h.to);
  if (!calendar.window.days.includes(weekdayOf(date))) return { school: false, why: 'weekend' };
  if (!term) {
    // Name the gap after the term it follows ("after Autumn term"), which is how schools speak of it.
    const before = [...calendar.terms].filter((t) => t.to < date).sort((a, b) => (a.to < b.to ? 1 : -1))[0];
    return {
      school: false,
      why: 'outOfTerm',
      name: before ? `holiday after ${before.name}` : 'before the first term',
    };
  }
  if (holiday) return { school: false, why: 'holiday', name: holiday.name };
  return { school: true, term: term.name };
}

/**
 * Whether `date` is inside a term and outside every holiday, whatever its weekday: the days a group's own
 * window keeps to (a Saturday of a term counts; one in half term does not).
 */
export function isTermDay(date: LocalDate, calendar: Pick<CampaignPolicy, 'terms' | 'holidays'>): boolean {
  return (
    calendar.terms.some((t) => t.from <= date && date <= t.to) &&
    !calendar.holidays.some((h) => h.from <= date && date <= h.to)
  );
}

/** The nearest school day at or before (`step` -1) or after (+1) `date`, looking at most `limit` days. */
export function nearestSchoolDay(
  date: LocalDate,
  step: -1 | 1,
  calendar: Calendar,
  limit = 60,
): LocalDate | undefined {
  let day = date;
  for (let i = 0; i <= limit; i++, day = addDays(day, step)) {
    if (dayKind(day, calendar).school) return day;
  }
  return undefined;
}
