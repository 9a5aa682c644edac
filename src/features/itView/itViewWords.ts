/**
 * How the IT view names things, shared by the chat card, the tab's data and the CSV export: the categories and
 * what is missing, in IT's words (short, countable).
 */
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

/** Where an unsettled escalation's mail stands. */
export const ESCALATION_STATE_WORDS = {
  queued: 'not mailed yet',
  composed: 'mail not accepted yet (retrying)',
} as const;
