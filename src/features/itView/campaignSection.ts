/**
 * What the IT tab shows of the campaign and of help requests: the delivery outcomes per stage (the ledger's
 * counts, the same the command line's report reads: one read, no call per person), the last planning pass of
 * each set of groups planned together, the next reminder and whom it would reach (decided as the planner
 * decides), the resend to failures, and the escalations whose mail was given up on or is not settled yet. Ids
 * and counts only: no pupil's words, no names.
 */
import { CATEGORY_LABELS } from '../../domain/escalation/categories';
import type { Logger } from '../../logging/logger';
import type { EscalationStore } from '../../ports/escalationStore';
import type { NudgeService } from '../../nudges/nudgeService';
import type { LocalDate } from '../../domain/policy/localDate';
import type { NextReminderForecast } from '../../nudges/nextReminderForecast';
import {
  ESCALATION_STATE_WORDS,
  OUTCOME_WORDS,
  movedWords,
  stageWords,
  windowWords,
  type CountedOutcome,
} from './itViewWords';
import {
  NO_FOLLOW_UP,
  lastNudges,
  openReferences,
  type LastNudge,
  type PersonFollowUp,
} from './personFollowUps';

/** How many open escalations the tab lists (the newest). */
export const OPEN_ESCALATIONS_SHOWN = 100;

/** How many open escalations of each list the people list reads for its references (the newest). */
export const OPEN_ESCALATIONS_READ_FOR_PEOPLE = 2_000;

const OUTCOMES = Object.keys(OUTCOME_WORDS) as CountedOutcome[];

export interface CampaignFigures {
  configured: true;
  campaignId: string;
  outcomes: { key: CountedOutcome; label: string }[];
  /** Every stage that goes out, in sending order, then any the ledger holds that the plan no longer has. */
  stages: { key: string; label: string; sendOn?: string; counts: Record<CountedOutcome, number> }[];
  totals: Record<CountedOutcome, number>;
  /** The latest planning pass (the first of `lastPasses`). */
  lastPass: PassFigures | null;
  /** The last pass of each set of target groups planned together (staff in the day, pupils after school), newest first. */
  lastPasses: PassFigures[];
  queueLength: number;
  /** The next reminder; null when no more are planned, or when it could not be counted (`nextUnavailable`). */
  next: NextReminderFigures | null;
  /** Graph or the storage failed while counting the next reminder's reach: the rest is current. */
  nextUnavailable: boolean;
}

export interface PassFigures {
  at: string;
  stage?: string;
  stageLabel?: string;
  queued: number;
  /**
   * Earlier reminders of members it found registered, queued to change into "You're all set" (0 for a pass
   * recorded before these were counted).
   */
  cardsToUpdate: number;
  /** The target groups it planned, by name (empty for a pass recorded before passes named them). */
  groups: { id: string; name: string }[];
}

export interface NextReminderFigures {
  stage: string;
  label: string;
  /** The school day it goes out on. */
  sendOn: LocalDate;
  /** Why not on the day the policy asks for ("moved from …"), if it moved. */
  moved?: string;
  /** The stages sent as this one (they fell on the same school day). */
  mergedWith: string[];
  /** Per target group, in the policy's order. */
  groups: {
    id: string;
    name: string;
    /** Its sending windows, in IT's words. */
    windows: string[];
    /** When its first window for the stage opens: ISO, and on the school's clock; null: none before the next stage. */
    opensAt: string | null;
    opensOn: LocalDate | null;
    opensTime: string | null;
    /** Owed the reminder now (not done, not left out, not already sent it). */
    owed: number;
    /** Of `owed`, those on their school email (found by the campaign's looks). */
    schoolEmail: number;
    /** Not counted: the pass looks at their email address first. */
    toCheck: number;
  }[];
  /** `owed` over every group. */
  owed: number;
}

export interface OpenEscalations {
  /** Those given up on first (`givenUp`: IT must handle them by hand), then those not settled yet. */
  escalations: { reference: string; category: string; state: string; createdAt: string; givenUp: boolean }[];
  /** More are open than are listed. */
  more: boolean;
  shown: number;
}

export class CampaignSection {
  constructor(
    private readonly deps: {
      /** Absent when the policy has no campaign. */
      nudges?: Pick<NudgeService, 'report' | 'stages' | 'resendFailures' | 'nextReminder' | 'entries'>;
      escalations: Pick<EscalationStore, 'unsettled' | 'givenUp'>;
      /** The school's, for the day of each person's last nudge. */
      timeZone: string;
      log: Pick<Logger, 'warn'>;
    },
  ) {}

  get configured(): boolean {
    return this.deps.nudges !== undefined;
  }

  async figures(): Promise<CampaignFigures | { configured: false }> {
    const nudges = this.deps.nudges;
    if (!nudges) return { configured: false };
    // The forecast reads Graph (memberships, the report): when it fails, the delivery figures still come.
    const [report, next] = await Promise.all([
      nudges.report(),
      nudges.nextReminder().catch((error: unknown) => {
        this.deps.log.warn({ err: { name: (error as Error).name } }, 'it tab: next reminder not counted');
        return 'unavailable' as const;
      }),
    ]);
    const byStage = report.counts.byStage;
    const countsOf = (states: Record<string, number> = {}) =>
      Object.fromEntries(OUTCOMES.map((o) => [o, states[o] ?? 0])) as Record<CountedOutcome, number>;
    const planned = nudges.stages();
    const leftOver = Object.keys(byStage)
      .filter((key) => !planned.some((s) => s.key === key))
      .sort();
    const stages = [
      ...planned.map((s) => ({ key: s.key, label: stageWords(s.key), sendOn: s.sendOn })),
      ...leftOver.map((key) => ({ key, label: stageWords(key) })),
    ].map((s) => ({ ...s, counts: countsOf(byStage[s.key]) }));
    const passes = report.lastPasses.map((p): PassFigures => ({
      at: p.at,
      stage: p.stage,
      stageLabel: p.stage && stageWords(p.stage),
      queued: p.queued,
      cardsToUpdate: p.cardsToUpdate ?? 0,
      groups: p.groups,
    }));
    return {
      configured: true,
      campaignId: report.campaignId,
      outcomes: OUTCOMES.map((key) => ({ key, label: OUTCOME_WORDS[key] })),
      stages,
      totals: countsOf(report.counts.byState),
      lastPass: passes[0] ?? null,
      lastPasses: passes,
      queueLength: report.queueLength,
      next: next && next !== 'unavailable' ? nextFigures(next) : null,
      nextUnavailable: next === 'unavailable',
    };
  }

  /** Queues the failed nudges again; undefined when there is no campaign. */
  async resendFailures(): Promise<number | undefined> {
    return this.deps.nudges?.resendFailures();
  }

  /**
   * Each person's last nudge and open escalation references, for one answer of the people list: one scan of the
   * ledger (none without a campaign) and one read of each escalation list, however many people are listed.
   */
  async followUps(): Promise<((userId: string) => PersonFollowUp) | undefined> {
    const { nudges, escalations, timeZone, log } = this.deps;
    // A storage fault here costs these columns, not the list (undefined: the answer says they are missing).
    const read = await Promise.all([
      nudges ? lastNudges(nudges.entries(), timeZone) : new Map<string, LastNudge>(),
      escalations.givenUp(OPEN_ESCALATIONS_READ_FOR_PEOPLE),
      escalations.unsettled(OPEN_ESCALATIONS_READ_FOR_PEOPLE),
    ]).catch((error: unknown) => {
      log.warn({ err: { name: (error as Error).name } }, 'it tab: last nudges and escalations not read');
      return undefined;
    });
    if (!read) return undefined;
    const [nudged, givenUp, unsettled] = read;
    const open = openReferences(givenUp, unsettled);
    return (userId) =>
      nudged.has(userId) || open.has(userId)
        ? { lastNudge: nudged.get(userId) ?? null, openEscalations: open.get(userId) ?? [] }
        : NO_FOLLOW_UP;
  }

  async openEscalations(): Promise<OpenEscalations> {
    const { escalations } = this.deps;
    const [givenUp, unsettled] = await Promise.all([
      escalations.givenUp(OPEN_ESCALATIONS_SHOWN + 1),
      escalations.unsettled(OPEN_ESCALATIONS_SHOWN + 1),
    ]);
    // Those given up on first: nothing more happens to them unless someone at the school acts.
    const found = [...givenUp, ...unsettled];
    return {
      // Only the closed-list fields: the user's words stay out of the tab.
      escalations: found.slice(0, OPEN_ESCALATIONS_SHOWN).map((e) => ({
        reference: e.reference,
        category: CATEGORY_LABELS[e.category],
        state: ESCALATION_STATE_WORDS[e.state as keyof typeof ESCALATION_STATE_WORDS] ?? e.state,
        createdAt: e.createdAt,
        givenUp: e.state === 'failed',
      })),
      more: found.length > OPEN_ESCALATIONS_SHOWN,
      shown: OPEN_ESCALATIONS_SHOWN,
    };
  }
}

function nextFigures(next: NextReminderForecast): NextReminderFigures {
  const groups = next.groups.map((g) => ({
    id: g.group.id,
    name: g.group.name,
    windows: g.windows.map(windowWords),
    opensAt: g.opensAt?.toISOString() ?? null,
    opensOn: g.opensLocal?.date ?? null,
    opensTime: g.opensLocal?.time ?? null,
    owed: g.owed,
    schoolEmail: g.schoolEmail,
    toCheck: g.toCheck,
  }));
  const { stage } = next;
  return {
    stage: stage.key,
    label: stageWords(stage.key),
    sendOn: stage.sendOn,
    moved: stage.moved && movedWords(stage.nominal, stage.moved),
    mergedWith: next.merged.map(stageWords),
    groups,
    owed: groups.reduce((sum, g) => sum + g.owed, 0),
  };
}
