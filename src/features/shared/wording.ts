/**
 * Small wording helpers shared by every card: how the school, its support desk and dates are written to
 * a pupil. Plain words, short sentences.
 */
import { daysBetween, formatLongDate, formatShortDate, type LocalDate } from '../../domain/policy/localDate';
import { availableMethods, type MethodAvailability } from '../../domain/policy/availability';
import { localDateOf } from '../../domain/policy/localDate';
import type { SchoolPolicy } from '../../domain/policy/schoolPolicy';
import { BASE_LOCALE, packageCatalogues } from '../../i18n/catalogue';
import type { Translator } from '../../i18n/translator';

/** Everything a card needs to know besides the user's progress. */
export interface ViewContext {
  policy: SchoolPolicy;
  today: LocalDate;
  methods: MethodAvailability;
  /** For "Hi Sam": taken from the activity, never stored or logged. */
  firstName?: string;
  /** The user's language (`t.locale`) and its messages: the cards moved onto the catalogue take every word from it. */
  t: Translator;
}

/**
 * The view context at `now`: today's date in the school's zone and the methods it accepts today, in the
 * user's language (English when none is given: views built outside a user's turn).
 */
export function viewContextAt(
  policy: SchoolPolicy,
  now: Date,
  firstName?: string,
  t: Translator = packageCatalogues(policy.school.timeZone).translatorFor(BASE_LOCALE),
): ViewContext {
  const today = localDateOf(now, policy.school.timeZone);
  return { policy, today, methods: availableMethods(policy, today), firstName, t };
}

/** The same view in English: for the features whose words are not in the catalogue yet, so one card speaks one language. */
export function inEnglish(ctx: ViewContext): ViewContext {
  if (ctx.t.locale === BASE_LOCALE) return ctx;
  return { ...ctx, t: packageCatalogues(ctx.policy.school.timeZone).translatorFor(BASE_LOCALE) };
}

const DAY_NAMES: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "8:30am" from "08:30". */
function clock(hhmm: string): string {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  const suffix = h >= 12 ? 'pm' : 'am';
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${hour12}${suffix}` : `${hour12}:${String(m).padStart(2, '0')}${suffix}`;
}

/** "Monday to Friday, 8:30am to 4pm" (consecutive days as a range, others listed). */
export function supportHoursText(policy: SchoolPolicy): string {
  const { days, from, to } = policy.support.hours;
  const sorted = [...days].sort((a, b) => WEEK.indexOf(a) - WEEK.indexOf(b));
  const first = sorted[0] ?? 'mon';
  const last = sorted[sorted.length - 1] ?? 'fri';
  const consecutive = WEEK.indexOf(last) - WEEK.indexOf(first) === sorted.length - 1;
  const dayText =
    sorted.length === 1
      ? DAY_NAMES[first]
      : consecutive
        ? `${DAY_NAMES[first]} to ${DAY_NAMES[last]}`
        : sorted.map((d) => DAY_NAMES[d]).join(', ');
  return `${dayText}, ${clock(from)} to ${clock(to)}`;
}

/** The school's short name ("Ken Stimpson"), or its full name. */
export function schoolName(policy: SchoolPolicy): string {
  return policy.school.shortName ?? policy.school.name;
}

/** "@kscs.org.uk" (or "@a.org or @b.org"). */
export function schoolAddressText(policy: SchoolPolicy): string {
  return policy.school.domains.map((d) => `@${d}`).join(' or ');
}

/** The registration page as people type it ("aka.ms/mfasetup"). */
export function shortUrl(url: string): string {
  return url.replace(/^https:\/\//, '').replace(/\/$/, '');
}

/** "Monday 11 January 2027 (45 days to go)" / "(today)" / "(it has passed)". */
export function deadlineText(policy: SchoolPolicy, today: LocalDate): string {
  const date = policy.registration.enforcementDate;
  const left = daysBetween(today, date);
  const when =
    left > 1 ? `${left} days to go` : left === 1 ? 'tomorrow' : left === 0 ? 'today' : 'it has passed';
  return `${formatLongDate(date)} (${when})`;
}

/** Warning about the end of texts and calls, when that end is still ahead. */
export function phoneEndsWarning(methods: MethodAvailability): string | undefined {
  if (!methods.phoneEnds) return undefined;
  return `Texts and calls stop working on ${formatLongDate(methods.phoneEnds)}. The app keeps working.`;
}

/** What to do with a phone on the way to IT Support, by the school's phone rule. */
export function phoneAtItText(policy: SchoolPolicy, which = 'your phone'): string {
  return policy.support.phones.atItDesk
    ? `Take ${which} with you. You may use it at the IT desk.`
    : `Phones are not allowed in school. Ask IT for a time at the end of the day, and bring ${which} then.`;
}

/** "1 February 2027". */
export function dateText(date: LocalDate): string {
  return formatShortDate(date);
}

/** What a user reads when their turn failed on the bot's side: try again, and where IT Support is. */
export function turnFailedText(policy: SchoolPolicy): string {
  return (
    'Sorry, something went wrong on my side. Please try again in a minute. ' +
    `If it keeps happening, IT Support can help: room ${policy.support.room} (${supportHoursText(policy)}), ` +
    `or email ${policy.support.mailbox}.`
  );
}

/** The line every card that touches codes carries. */
export const NEVER_SHARE =
  'Never tell anyone a code Microsoft sends you, me included. IT will never ask for your password or for the codes Microsoft sends you.';
