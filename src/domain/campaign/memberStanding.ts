/**
 * Where one member of a target group stands before the campaign asks what they are owed (`nudgeDue`): left out,
 * disabled, registered, complete by the report only if their email is personal (a live look decides), or not
 * registered. The planner, its dry run and IT's forecast of the next reminder all ask it, so they agree on who
 * a reminder is for. Pure.
 */
import type { MethodAvailability } from '../policy/availability';
import { completeOnlyIfEmailIsPersonal } from '../registration/emailCheck';
import { evaluateRegistration } from '../registration/evaluateRegistration';
import type { RegisteredMethod } from '../registration/methods';

export type MemberStanding =
  | { kind: 'excluded' }
  | { kind: 'disabled' }
  | { kind: 'registered' }
  /** Complete by the report only if their email is not the school address: not decided until a look. */
  | { kind: 'emailUnseen' }
  /** `schoolEmail`: not complete because of what only a live look shows (their email is the school's). */
  | { kind: 'unregistered'; problem?: 'schoolEmail' };

export interface MemberFacts {
  /** Named by the policy's exclusions (the user or one of their groups). */
  excluded: boolean;
  accountEnabled: boolean;
  /** A live "I've done it" found them complete in this campaign. */
  registeredLive: boolean;
  /** Their report row's methods with what earlier looks found about their email; undefined: no row yet. */
  methods?: readonly RegisteredMethod[];
  /** The methods the school accepts today. */
  availability: MethodAvailability;
}

export function memberStanding(facts: MemberFacts): MemberStanding {
  if (facts.excluded) return { kind: 'excluded' };
  if (!facts.accountEnabled) return { kind: 'disabled' };
  // However old the row: an old "not registered" is queued and the worker looks again before sending; an old
  // "registered" spares a look (registrations are rarely undone).
  if (facts.registeredLive) return { kind: 'registered' };
  const { methods, availability } = facts;
  if (!methods) return { kind: 'unregistered' };
  if (completeOnlyIfEmailIsPersonal(methods, availability)) return { kind: 'emailUnseen' };
  const evaluation = evaluateRegistration(methods, availability);
  if (evaluation.complete) return { kind: 'registered' };
  return evaluation.reasons.some((r) => r.code === 'emailOnSchoolDomain')
    ? { kind: 'unregistered', problem: 'schoolEmail' }
    : { kind: 'unregistered' };
}
