/** The days a user can ask IT Support to see them: the next days the desk is open, today excluded. */
import type { LocalDate } from '../policy/localDate';
import type { SchoolPolicy } from '../policy/schoolPolicy';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function addDays(date: LocalDate, days: number): LocalDate {
  const instant = new Date(`${date}T12:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() + days);
  return instant.toISOString().slice(0, 10);
}

/** The weekday of a local date ("mon"…). */
export function weekdayOf(date: LocalDate): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]!;
}

/** The next `policy.escalation.bookingDaysAhead` support days after `today` (support.hours.days). */
export function bookingDays(policy: SchoolPolicy, today: LocalDate): LocalDate[] {
  const open = new Set<string>(policy.support.hours.days);
  const days: LocalDate[] = [];
  for (let offset = 1; offset <= 21 && days.length < policy.escalation.bookingDaysAhead; offset++) {
    const day = addDays(today, offset);
    if (open.has(weekdayOf(day))) days.push(day);
  }
  return days;
}
