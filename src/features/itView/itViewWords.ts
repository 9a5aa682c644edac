/**
 * How the IT view names things, shared by the chat card, the tab's data and the CSV export: the categories and
 * what is missing, in IT's words (short, countable).
 */
import type { SendingWindow } from '../../domain/campaign/campaignTime';
import type { PlannedStage } from '../../domain/campaign/stagePlan';
import type { Weekday } from '../../domain/campaign/zonedTime';
import { formatLongDate, type LocalDate } from '../../domain/policy/localDate';
import type { ProgressCategory, ProgressCounts } from '../../domain/progress/schoolProgress';
import type { ReasonCode } from '../../domain/registration/evaluateRegistration';

export const CATEGORY_WORDS: Record<ProgressCategory, string> = {
  complete: 'done',
  phoneOnly: 'phone-only',
  partly: 'partly',
  notStarted: 'not started',
  unknown: 'not known yet',
};

export const MISSING_WORDS: Record<ReasonCode, string> = {
  nothingRegistered: 'nothing registered',
  noFirstMethod: 'no sign-in method that counts',
  emailOnSchoolDomain: 'school address as the email method',
  secondMethodMissing: 'second method',
  phoneOnly: 'a method other than texts or calls',
  questionsOnlySecond: 'a second method other than security questions',
  emailUnchecked: 'email address not checked',
};

/** 1520 → "1,520". */
export function count(n: number): string {
  return n.toLocaleString('en-GB');
}

/** "12 phone-only · 40 partly · 56 not started" (categories with nobody left out; "nobody" when all are done). */
export function stillToDo(counts: ProgressCounts): string {
  const parts = (['phoneOnly', 'partly', 'notStarted', 'unknown'] as const)
    .filter((c) => counts[c] > 0)
    .map((c) => `${count(counts[c])} ${CATEGORY_WORDS[c]}`);
  return parts.length > 0 ? parts.join(' · ') : 'nobody';
}

/** The campaign's outcomes the tab counts, in IT's words. */
export const OUTCOME_WORDS = {
  sent: 'sent',
  blocked: 'blocked (bot blocked or chat turned off)',
  notInstallable: "couldn't install the app",
  failed: 'failed',
} as const;
export type CountedOutcome = keyof typeof OUTCOME_WORDS;

/** A stage key (`d21`) as IT reads it. */
export function stageWords(key: string): string {
  const days = /^d(\d+)$/.exec(key)?.[1];
  if (days === undefined) return key;
  if (days === '0') return 'on the day';
  return days === '1' ? '1 day before' : `${days} days before`;
}

/** Why a stage does not go out on the day the policy asks: "moved from Sunday 10 January 2027 (weekend)". */
export function movedWords(nominal: LocalDate, moved: NonNullable<PlannedStage['moved']>): string {
  // Holidays and gaps between terms carry the calendar's name ("holiday after Autumn term").
  const why = moved.why === 'weekend' ? 'weekend' : (moved.name ?? 'not a school day');
  return `moved from ${formatLongDate(nominal)} (${why})`;
}

/** Where an escalation's mail stands: not settled yet, or given up on by the outbox. */
export const ESCALATION_STATE_WORDS = {
  queued: 'not mailed yet',
  composed: 'mail not accepted yet (retrying)',
  failed: 'Mail not delivered: handle by hand',
} as const;

const WEEK: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_WORDS: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

/** A sending window as IT reads it: "Mon–Fri 15:45–19:00", "Sat 09:30–12:00" ("…, holidays too" if it opens in them). */
export function windowWords(window: SendingWindow): string {
  const days = WEEK.filter((d) => window.days.includes(d));
  const runs: Weekday[][] = [];
  for (const day of days) {
    const run = runs.at(-1);
    if (run && WEEK.indexOf(run.at(-1)!) + 1 === WEEK.indexOf(day)) run.push(day);
    else runs.push([day]);
  }
  const dayText = runs
    .map((r) =>
      r.length > 2 ? `${DAY_WORDS[r[0]!]}–${DAY_WORDS[r.at(-1)!]}` : r.map((d) => DAY_WORDS[d]).join(', '),
    )
    .join(', ');
  return `${dayText} ${window.from}–${window.to}${window.schoolDaysOnly ? '' : ', holidays too'}`;
}
