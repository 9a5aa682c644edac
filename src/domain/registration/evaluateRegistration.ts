/**
 * Policy evaluation: from the methods a user has registered and what the school accepts today, whether
 * they are done, and if not, exactly why, each reason with the guide step that fixes it. Pure: the date
 * arrives inside `MethodAvailability`, the methods from whichever Graph source the caller trusted.
 */
import type { FirstMethod, StepId } from '../guide/steps';
import type { MethodAvailability } from '../policy/availability';
import type { LocalDate } from '../policy/localDate';
import {
  distinctMethods,
  familyOf,
  type MethodFamily,
  type MethodKind,
  type RegisteredMethod,
} from './methods';

/** Why a user is not done (blocking) or what they should know (not blocking). */
export type ReasonCode =
  /** Nothing registered at all. */
  | 'nothingRegistered'
  /** Methods registered, but none the school accepts for signing in (e.g. only an email, or phones after the cut-off). */
  | 'noFirstMethod'
  /** The email method is a school address: the code could never be read by a locked-out user. */
  | 'emailOnSchoolDomain'
  /** Fewer than two methods that can reset a password. */
  | 'secondMethodMissing'
  /** Signing in relies on texts or calls only, and they stop on `until`. */
  | 'phoneOnly'
  /** Security questions are the only second method, and the school steers away from them. */
  | 'questionsOnlySecond'
  /** An email is registered but the source did not show its address, so the school-domain rule is unchecked. */
  | 'emailUnchecked';

export interface Reason {
  code: ReasonCode;
  /** True when the user is not done until this is fixed. */
  blocking: boolean;
  /** The guide step that fixes it. */
  fixStep: StepId;
  /** The date a method stops counting, where that is the point. */
  until?: LocalDate;
}

/** How one method family looks on the status card. */
export interface FamilyState {
  family: MethodFamily;
  state: 'counts' | 'notCounted' | 'missing';
  /** Why a registered family does not count, or counts only for a while. */
  note?: 'schoolAddress' | 'notAccepted' | 'stopped' | 'endsOn' | 'unchecked' | 'signInOnly';
  until?: LocalDate;
}

export interface RegistrationEvaluation {
  /** Meets the school's policy today (two working methods, nothing blocking). */
  complete: boolean;
  /** Has a method the school accepts for the sign-in check. */
  mfaReady: boolean;
  /** Has two methods that can reset a password. */
  ssprReady: boolean;
  /** Every family that is registered, plus the four every card shows (app, phone, email, questions). */
  families: FamilyState[];
  /** Blocking reasons first, in the order a user should fix them. */
  reasons: Reason[];
  /** The first method the user already has, so the guide can skip offering it again. */
  first?: FirstMethod;
}

/** Families every status card shows, registered or not. */
const ALWAYS_SHOWN: readonly MethodFamily[] = ['app', 'phone', 'email', 'questions'];
const FAMILY_ORDER: readonly MethodFamily[] = ['app', 'phone', 'email', 'questions', 'passkey', 'other'];
const PHONES: ReadonlySet<MethodKind> = new Set(['mobilePhone', 'alternateMobilePhone', 'officePhone']);

/** Whether a phone still gets codes today: a mobile takes texts and calls, the other numbers calls only. */
function phoneWorks(kind: MethodKind, a: MethodAvailability): boolean {
  return kind === 'mobilePhone' ? a.text || a.call : a.call;
}

/** Whether `method` works for the sign-in check today under the school's rules. */
function countsForSignIn(method: RegisteredMethod, a: MethodAvailability): boolean {
  switch (method.kind) {
    case 'authenticatorApp':
      return a.app;
    case 'authenticatorPasskey':
      return a.passkey;
    // Strong methods IT hands out (security keys, tokens) or that come with a managed device.
    case 'passkey':
    case 'windowsHello':
    case 'platformCredential':
    case 'softwareOath':
    case 'hardwareOath':
      return true;
    case 'mobilePhone':
    case 'alternateMobilePhone':
    case 'officePhone':
      return phoneWorks(method.kind, a);
    default:
      return false;
  }
}

/** Whether `method` can reset a password today (a passkey cannot; an email on the school domain cannot). */
function countsForReset(method: RegisteredMethod, a: MethodAvailability): boolean {
  switch (method.kind) {
    case 'authenticatorApp':
      return a.app;
    case 'softwareOath':
    case 'hardwareOath':
      return true;
    case 'mobilePhone':
    case 'alternateMobilePhone':
    case 'officePhone':
      return phoneWorks(method.kind, a);
    case 'email':
      return a.email && method.onSchoolDomain !== true;
    case 'securityQuestions':
      return a.questions;
    default:
      return false;
  }
}

function familyState(family: MethodFamily, methods: RegisteredMethod[], a: MethodAvailability): FamilyState {
  const inFamily = methods.filter((m) => familyOf(m.kind) === family);
  if (inFamily.length === 0) return { family, state: 'missing' };
  const counting = inFamily.filter((m) => countsForSignIn(m, a) || countsForReset(m, a));
  if (counting.length === 0) {
    const email = inFamily.find((m) => m.kind === 'email');
    if (email?.kind === 'email' && email.onSchoolDomain === true && a.email)
      return { family, state: 'notCounted', note: 'schoolAddress' };
    const stopped = family === 'phone' || family === 'questions';
    return { family, state: 'notCounted', note: stopped ? 'stopped' : 'notAccepted' };
  }
  if (family === 'phone' && a.phoneEnds)
    return { family, state: 'counts', note: 'endsOn', until: a.phoneEnds };
  if (family === 'questions' && a.questionsEnd)
    return { family, state: 'counts', note: 'endsOn', until: a.questionsEnd };
  if (family === 'email' && inFamily.some((m) => m.kind === 'email' && m.onSchoolDomain === undefined))
    return { family, state: 'counts', note: 'unchecked' };
  if (family === 'passkey' && !counting.some((m) => countsForReset(m, a)))
    return { family, state: 'counts', note: 'signInOnly' };
  return { family, state: 'counts' };
}

/** Evaluates `registered` against what the school accepts today (`availability`). */
export function evaluateRegistration(
  registered: readonly RegisteredMethod[],
  availability: MethodAvailability,
): RegistrationEvaluation {
  const a = availability;
  const methods = distinctMethods(registered).filter((m) => m.kind !== 'password');
  const signIn = methods.filter((m) => countsForSignIn(m, a));
  const reset = methods.filter((m) => countsForReset(m, a));
  const mfaReady = signIn.length > 0;
  const ssprReady = reset.length >= 2;
  const reasons: Reason[] = [];

  const first: FirstMethod | undefined = signIn.some((m) => m.kind === 'authenticatorApp')
    ? 'app'
    : signIn.some((m) => PHONES.has(m.kind))
      ? 'phone'
      : undefined;

  if (methods.filter((m) => m.kind !== 'temporaryAccessPass').length === 0) {
    reasons.push({ code: 'nothingRegistered', blocking: true, fixStep: 'chooseFirst' });
  } else if (!mfaReady) {
    reasons.push({ code: 'noFirstMethod', blocking: true, fixStep: 'chooseFirst' });
  }
  const email = methods.find((m) => m.kind === 'email');
  if (email?.kind === 'email' && email.onSchoolDomain === true && a.email) {
    reasons.push({ code: 'emailOnSchoolDomain', blocking: true, fixStep: 'second.email' });
  }
  if (mfaReady && !ssprReady) {
    reasons.push({ code: 'secondMethodMissing', blocking: true, fixStep: 'chooseSecond' });
  }
  if (mfaReady && a.phoneEnds && signIn.every((m) => PHONES.has(m.kind))) {
    reasons.push({
      code: 'phoneOnly',
      blocking: true,
      fixStep: a.app ? 'first.app.get' : 'chooseFirst',
      until: a.phoneEnds,
    });
  }
  const resetWithoutQuestions = reset.filter((m) => m.kind !== 'securityQuestions');
  if (
    a.questionsDiscouraged &&
    mfaReady &&
    ssprReady &&
    reset.some((m) => m.kind === 'securityQuestions') &&
    resetWithoutQuestions.length < 2
  ) {
    reasons.push({
      code: 'questionsOnlySecond',
      blocking: true,
      fixStep: a.email ? 'second.email' : 'chooseSecond',
      until: a.questionsEnd,
    });
  }
  if (email?.kind === 'email' && email.onSchoolDomain === undefined && a.email) {
    reasons.push({ code: 'emailUnchecked', blocking: false, fixStep: 'second.email' });
  }

  const shown = new Set<MethodFamily>(ALWAYS_SHOWN);
  for (const m of methods) {
    const family = familyOf(m.kind);
    if (family) shown.add(family);
  }
  const families = FAMILY_ORDER.filter((f) => shown.has(f)).map((f) => familyState(f, methods, a));
  const complete = mfaReady && ssprReady && !reasons.some((r) => r.blocking);
  return { complete, mfaReady, ssprReady, families, reasons, first };
}
