/**
 * What the campaign and the help desk have done about each person, for the people behind a number: their last
 * nudge (stage, school day, outcome) and the references of their help requests still open. Built from one scan
 * of the ledger and one read of each escalation list per answer, into maps by user id: never a read per person.
 */
import { parseNudgeKey, type NudgeState } from '../../domain/campaign/nudgeDecision';
import { localDateOf, type LocalDate } from '../../domain/policy/localDate';
import type { Escalation } from '../../ports/escalationStore';
import type { LedgerEntry } from '../../ports/nudgeLedger';
import { stageWords } from './itViewWords';

/** A nudge's outcome as the people list names it (a snoozed nudge was sent: the pupil pressed "remind me"). */
export const LAST_NUDGE_WORDS = {
  sent: 'sent',
  blocked: 'blocked',
  notInstallable: 'could not install',
  failed: 'failed',
  queued: 'queued',
} as const;
export type LastNudgeOutcome = keyof typeof LAST_NUDGE_WORDS;

const OUTCOME_OF: Partial<Record<NudgeState, LastNudgeOutcome>> = {
  sent: 'sent',
  snoozed: 'sent',
  blocked: 'blocked',
  notInstallable: 'notInstallable',
  failed: 'failed',
  queued: 'queued',
};

export interface LastNudge {
  /** The stage's key (`d14`) and its name as the campaign section gives it ("14 days before"). */
  stage: string;
  stageLabel: string;
  /** The school day of its outcome. */
  on: LocalDate;
  outcome: LastNudgeOutcome;
  outcomeLabel: string;
}

export interface PersonFollowUp {
  lastNudge: LastNudge | null;
  /** References of their help requests given up on or not settled yet. */
  openEscalations: string[];
}

export const NO_FOLLOW_UP: PersonFollowUp = Object.freeze({ lastNudge: null, openEscalations: [] });

/**
 * Each user's latest nudge that went or is going out (claimed last; skipped and expired rows never went), from
 * the ledger's pages as they come.
 */
export async function lastNudges(
  pages: AsyncIterable<LedgerEntry[]>,
  timeZone: string,
): Promise<Map<string, LastNudge>> {
  const latest = new Map<string, LedgerEntry>();
  for await (const page of pages)
    for (const entry of page) {
      if (!OUTCOME_OF[entry.state]) continue;
      const kept = latest.get(entry.userId);
      if (!kept || laterThan(entry, kept)) latest.set(entry.userId, entry);
    }
  const found = new Map<string, LastNudge>();
  for (const [userId, entry] of latest) {
    const outcome = OUTCOME_OF[entry.state]!;
    const { stage } = parseNudgeKey(entry.nudge);
    found.set(userId, {
      stage,
      stageLabel: stageWords(stage),
      on: localDateOf(new Date(entry.updatedAt), timeZone),
      outcome,
      outcomeLabel: LAST_NUDGE_WORDS[outcome],
    });
  }
  return found;
}

function laterThan(a: LedgerEntry, b: LedgerEntry): boolean {
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt;
  return a.updatedAt > b.updatedAt;
}

/** Each user's open references, given up on first (as the tab lists them), newest first within each. */
export function openReferences(
  givenUp: readonly Pick<Escalation, 'userId' | 'reference'>[],
  unsettled: readonly Pick<Escalation, 'userId' | 'reference'>[],
): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const e of [...givenUp, ...unsettled])
    found.set(e.userId, [...(found.get(e.userId) ?? []), e.reference]);
  return found;
}
