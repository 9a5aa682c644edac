/**
 * Which verification methods the bot offers today, from the policy and the date: texts and calls
 * disappear on their cut-off date, security questions on theirs, without a code change.
 */
import type { LocalDate } from './localDate';
import type { MethodRule, SchoolPolicy } from './schoolPolicy';

/** What can be offered today, with the end dates a user should be warned about. */
export interface MethodAvailability {
  app: boolean;
  passkey: boolean;
  text: boolean;
  call: boolean;
  email: boolean;
  questions: boolean;
  /** True when a phone (text or call) can be offered at all. */
  phone: boolean;
  /** The first day texts or calls stop counting, when that day is still ahead. */
  phoneEnds?: LocalDate;
  /** The first day security questions stop counting, when that day is still ahead. */
  questionsEnd?: LocalDate;
  questionsDiscouraged: boolean;
  /** What IT Support gives someone with no smartphone (school policy). */
  fromIt: { hardwareToken: boolean; securityKey: boolean };
  /**
   * Microsoft's own "add a passkey" screen for people with texts or calls: not yet, skippable, or (from the
   * policy's date) not skippable for someone whose only methods are texts or calls.
   */
  passkeyPrompt: 'notYet' | 'skippable' | 'cannotSkip';
}

function isOpen(rule: MethodRule, today: LocalDate): boolean {
  return rule.allowed && (rule.until === undefined || today < rule.until);
}

function endAhead(rule: MethodRule, today: LocalDate): LocalDate | undefined {
  return rule.allowed && rule.until !== undefined && today < rule.until ? rule.until : undefined;
}

/** The methods the school accepts on `today` (a local date in the school's zone). */
export function availableMethods(policy: SchoolPolicy, today: LocalDate): MethodAvailability {
  const { first, second, passkeyPrompt } = policy.methods;
  const text = isOpen(first.sms, today);
  const call = isOpen(first.voice, today);
  const ends = [endAhead(first.sms, today), endAhead(first.voice, today)]
    .filter((d): d is string => !!d)
    .sort();
  return {
    app: isOpen(first.authenticatorApp, today),
    passkey: isOpen(first.authenticatorPasskey, today),
    text,
    call,
    phone: text || call,
    phoneEnds: ends[ends.length - 1],
    email: isOpen(second.email, today),
    questions: isOpen(second.securityQuestions, today),
    questionsEnd: endAhead(second.securityQuestions, today),
    questionsDiscouraged: second.securityQuestions.discouraged,
    fromIt: { ...policy.support.noSmartphone },
    passkeyPrompt:
      today >= passkeyPrompt.cannotSkipFrom
        ? 'cannotSkip'
        : today >= passkeyPrompt.from
          ? 'skippable'
          : 'notYet',
  };
}
