/** The registration snapshot worded for the desk: method families, MFA/SSPR readiness, what is still wrong. */
import type { RegistrationEvaluation, ReasonCode } from '../registration/evaluateRegistration';
import type { MethodFamily } from '../registration/methods';
import type { RegistrationSnapshot } from '../registration/snapshot';
import type { RegistrationSummary } from './escalationMail';

const FAMILY: Record<MethodFamily, string> = {
  app: 'Microsoft Authenticator app',
  phone: 'Phone (text/call)',
  email: 'Email',
  questions: 'Security questions',
  passkey: 'Passkey',
  other: 'Security key / OATH token / Windows Hello',
};

const NOTES: Record<string, string> = {
  schoolAddress: 'a SCHOOL address, which does not count',
  notAccepted: 'registered, but the school does not accept it',
  stopped: 'registered, but no longer works under the policy',
  unchecked: 'registered (address not visible in the report)',
  signInOnly: 'registered (sign-in only, not password reset)',
};

const REASONS: Record<ReasonCode, string> = {
  nothingRegistered: 'Nothing registered yet.',
  noFirstMethod: 'No method the school accepts for sign-in.',
  emailOnSchoolDomain: 'The email method is a school address.',
  secondMethodMissing: 'Only one method that can reset a password.',
  phoneOnly: 'Relies on texts/calls only, which stop on the policy cut-off.',
  questionsOnlySecond: 'Security questions are the only second method (discouraged).',
  emailUnchecked: 'Email registered; the report does not show whether it is a school address.',
};

/** "Microsoft's report (updated 3 hours before the request)" / "live check". */
function sourceText(snapshot: RegistrationSnapshot, at: Date): string {
  if (snapshot.source === 'live') return 'live check with Microsoft';
  const hours = Math.max(0, Math.round((at.getTime() - Date.parse(snapshot.asOf)) / 3_600_000));
  return `Microsoft's registration report, updated ${hours} hour${hours === 1 ? '' : 's'} before the request`;
}

export function describeRegistration(
  evaluation: RegistrationEvaluation,
  snapshot: RegistrationSnapshot,
  at: Date,
): RegistrationSummary {
  return {
    source: sourceText(snapshot, at),
    mfaReady: evaluation.mfaReady,
    ssprReady: evaluation.ssprReady,
    complete: evaluation.complete,
    methods: evaluation.families.map((f) => {
      const name = FAMILY[f.family];
      if (f.state === 'missing') return `${name}: not set up`;
      if (f.note === 'endsOn' && f.until) return `${name}: registered (works until ${f.until})`;
      return `${name}: ${(f.note && NOTES[f.note]) ?? 'registered'}`;
    }),
    reasons: evaluation.reasons.map((r) => REASONS[r.code] + (r.blocking ? '' : ' (note)')),
  };
}
