/**
 * The one thing the registration report cannot show: whose email method is their school address. The school's
 * rule is that a school email does not count (a locked-out pupil cannot read it), but the report lists method
 * types only, so a pupil with the app and their school email looks complete in it. A campaign takes one live
 * look at such a pupil and remembers what it found, tied to the report row it was taken against: when the row
 * changes (the pupil changed their methods), the look is taken again. Pure.
 */
import type { MethodAvailability } from '../policy/availability';
import { evaluateRegistration } from './evaluateRegistration';
import type { RegisteredMethod } from './methods';
import type { RegistrationSnapshot } from './snapshot';

/** What one live look found about a user's email method, remembered for the campaign. */
export interface EmailCheck {
  /** The report row's `asOf` the look was taken against: the check holds while the row is unchanged. */
  reportAsOf: string;
  /** True when an email method is on one of the school's domains. */
  schoolAddress: boolean;
  /** When the look was taken (ISO). */
  checkedAt: string;
}

function withEmailOnSchoolDomain(
  methods: readonly RegisteredMethod[],
  onSchool: boolean,
): RegisteredMethod[] {
  return methods.map((m) =>
    m.kind === 'email' && m.onSchoolDomain === undefined ? { kind: 'email', onSchoolDomain: onSchool } : m,
  );
}

/**
 * True when the snapshot says "complete" only because it cannot see an email address: were that address the
 * school's, the user would not be done. Only these users need a live look before a campaign passes them over.
 */
export function completeOnlyIfEmailIsPersonal(
  methods: readonly RegisteredMethod[],
  availability: MethodAvailability,
): boolean {
  if (!methods.some((m) => m.kind === 'email' && m.onSchoolDomain === undefined)) return false;
  return (
    evaluateRegistration(methods, availability).complete &&
    !evaluateRegistration(withEmailOnSchoolDomain(methods, true), availability).complete
  );
}

/** Whether `check` still describes `snapshot`: taken against this very report row. */
export function checkHolds(
  snapshot: RegistrationSnapshot,
  check: EmailCheck | undefined,
): check is EmailCheck {
  return check !== undefined && snapshot.source === 'report' && check.reportAsOf === snapshot.asOf;
}

/** The snapshot with its unseen email address filled in from a check that still holds (else unchanged). */
export function withEmailCheck(
  snapshot: RegistrationSnapshot,
  check: EmailCheck | undefined,
): RegistrationSnapshot {
  if (!checkHolds(snapshot, check)) return snapshot;
  return { ...snapshot, methods: withEmailOnSchoolDomain(snapshot.methods, check.schoolAddress) };
}

/**
 * What a live look (which shows addresses, as `onSchoolDomain`) says about the email, to remember against the
 * report row `reportAsOf`. Undefined when the look shows no email at all (the report row is out of date: the
 * next report read changes it, and the look's own snapshot answers until then).
 */
export function emailCheckFrom(
  live: readonly RegisteredMethod[],
  reportAsOf: string,
  checkedAt: string,
): EmailCheck | undefined {
  const emails = live.filter((m) => m.kind === 'email');
  if (emails.length === 0) return undefined;
  return {
    reportAsOf,
    schoolAddress: emails.some((m) => m.kind === 'email' && m.onSchoolDomain === true),
    checkedAt,
  };
}

/** The check as stored (a small JSON value), and back; a value that does not parse counts as no check. */
export function encodeEmailCheck(check: EmailCheck): string {
  return JSON.stringify(check);
}

export function decodeEmailCheck(value: string | undefined): EmailCheck | undefined {
  if (value === undefined) return undefined;
  try {
    const v = JSON.parse(value) as Partial<EmailCheck>;
    if (typeof v.reportAsOf !== 'string' || typeof v.schoolAddress !== 'boolean') return undefined;
    return { reportAsOf: v.reportAsOf, schoolAddress: v.schoolAddress, checkedAt: String(v.checkedAt ?? '') };
  } catch {
    return undefined;
  }
}
