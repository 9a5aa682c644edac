/**
 * Small wording helpers shared by every card: how the school, its support desk and dates are written to
 * a pupil. Plain words, short sentences.
 */
import { daysBetween, type LocalDate } from '../../domain/policy/localDate';
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

/** English, for views built outside a user's turn that say nothing else: one source for both. */
function english(policy: SchoolPolicy): Translator {
  return packageCatalogues(policy.school.timeZone).translatorFor(BASE_LOCALE);
}

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "8:30am" from "08:30" in English; other languages write the time their own way ("8:30", "16:00"). */
function clock(hhmm: string, t: Translator): string {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  if (t.locale !== BASE_LOCALE) {
    const time = new Date(Date.UTC(1970, 0, 1, h, m));
    return new Intl.DateTimeFormat(t.locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(
      time,
    );
  }
  const suffix = h >= 12 ? 'pm' : 'am';
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${hour12}${suffix}` : `${hour12}:${String(m).padStart(2, '0')}${suffix}`;
}

/** "Monday to Friday, 8:30am to 4pm" (consecutive days as a range, others listed), in `t`'s language. */
export function supportHoursText(policy: SchoolPolicy, t: Translator = english(policy)): string {
  const { days, from, to } = policy.support.hours;
  const sorted = [...days].sort((a, b) => WEEK.indexOf(a) - WEEK.indexOf(b));
  const first = sorted[0] ?? 'mon';
  const last = sorted[sorted.length - 1] ?? 'fri';
  const consecutive = WEEK.indexOf(last) - WEEK.indexOf(first) === sorted.length - 1;
  const day = (d: string) => t(`shared.day.${d}`);
  const dayText =
    sorted.length === 1
      ? day(first)
      : consecutive
        ? t('shared.dayRange', { first: day(first), last: day(last) })
        : sorted.map(day).join(', ');
  return t('shared.hours', { days: dayText, from: clock(from, t), to: clock(to, t) });
}

/** The school's short name ("Ken Stimpson"), or its full name. */
export function schoolName(policy: SchoolPolicy): string {
  return policy.school.shortName ?? policy.school.name;
}

/** "@kscs.org.uk" (or "@a.org or @b.org", "@a.org lub @b.org"). */
export function schoolAddressText(policy: SchoolPolicy, t?: Translator): string {
  const addresses = policy.school.domains.map((d) => `@${d}`);
  if (!t || t.locale === BASE_LOCALE) return addresses.join(' or ');
  return new Intl.ListFormat(t.locale, { type: 'disjunction' }).format(addresses);
}

/** The registration page as people type it ("aka.ms/mfasetup"). */
export function shortUrl(url: string): string {
  return url.replace(/^https:\/\//, '').replace(/\/$/, '');
}

/** "Monday 11 January 2027 (45 days to go)" / "(today)" / "(it has passed)", in `t`'s language. */
export function deadlineText(
  policy: SchoolPolicy,
  today: LocalDate,
  t: Translator = english(policy),
): string {
  const date = t.longDate(policy.registration.enforcementDate);
  const days = daysBetween(today, policy.registration.enforcementDate);
  return days < 0 ? t('status.deadline.passed', { date }) : t('status.deadline.ahead', { date, days });
}

/** Warning about the end of texts and calls, when that end is still ahead. */
export function phoneEndsWarning(methods: MethodAvailability, t: Translator): string | undefined {
  if (!methods.phoneEnds) return undefined;
  return t('shared.phoneEnds', { date: t.longDate(methods.phoneEnds) });
}

/** What to do with a phone (or the new one) on the way to IT Support, by the school's phone rule. */
export function phoneAtItText(
  policy: SchoolPolicy,
  which: 'phone' | 'newPhone' = 'phone',
  t: Translator = english(policy),
): string {
  return t(policy.support.phones.atItDesk ? 'shared.phoneAtIt.allowed' : 'shared.phoneAtIt.notAllowed', {
    newPhone: which === 'newPhone' ? 'yes' : 'no',
  });
}

/** What a user reads when their turn failed on the bot's side: try again, and where IT Support is, in `t`'s language. */
export function turnFailedText(policy: SchoolPolicy, t: Translator): string {
  const { room, mailbox } = policy.support;
  return t('turnFailed.text', { room, hours: supportHoursText(policy, t), mailbox });
}

/** The line every card that touches codes carries. */
export function neverShare(t: Translator): string {
  return t('shared.neverShare');
}
