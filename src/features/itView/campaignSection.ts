/**
 * What the IT tab shows of the campaign and of help requests: the delivery outcomes per stage (the ledger's
 * counts, the same the command line's report reads: one read, no call per person), the last planning pass,
 * the resend to failures, and the escalations whose mail is not settled yet. Ids and counts only: no pupil's
 * words, no names.
 */
import { CATEGORY_LABELS } from '../../domain/escalation/categories';
import type { EscalationStore } from '../../ports/escalationStore';
import type { NudgeService } from '../../nudges/nudgeService';
import { ESCALATION_STATE_WORDS, OUTCOME_WORDS, stageWords, type CountedOutcome } from './itViewWords';

/** How many open escalations the tab lists (the newest). */
export const OPEN_ESCALATIONS_SHOWN = 100;

const OUTCOMES = Object.keys(OUTCOME_WORDS) as CountedOutcome[];

export interface CampaignFigures {
  configured: true;
  campaignId: string;
  outcomes: { key: CountedOutcome; label: string }[];
  /** Every stage that goes out, in sending order, then any the ledger holds that the plan no longer has. */
  stages: { key: string; label: string; sendOn?: string; counts: Record<CountedOutcome, number> }[];
  totals: Record<CountedOutcome, number>;
  lastPass: { at: string; stage?: string; stageLabel?: string; queued: number } | null;
  queueLength: number;
}

export interface OpenEscalations {
  escalations: { reference: string; category: string; state: string; createdAt: string }[];
  /** More are open than are listed. */
  more: boolean;
  shown: number;
}

export class CampaignSection {
  constructor(
    private readonly deps: {
      /** Absent when the policy has no campaign. */
      nudges?: Pick<NudgeService, 'report' | 'stages' | 'resendFailures'>;
      escalations: Pick<EscalationStore, 'unsettled'>;
    },
  ) {}

  get configured(): boolean {
    return this.deps.nudges !== undefined;
  }

  async figures(): Promise<CampaignFigures | { configured: false }> {
    const nudges = this.deps.nudges;
    if (!nudges) return { configured: false };
    const report = await nudges.report();
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
    const last = report.lastPass;
    return {
      configured: true,
      campaignId: report.campaignId,
      outcomes: OUTCOMES.map((key) => ({ key, label: OUTCOME_WORDS[key] })),
      stages,
      totals: countsOf(report.counts.byState),
      lastPass: last
        ? {
            at: last.at,
            stage: last.stage,
            stageLabel: last.stage && stageWords(last.stage),
            queued: last.queued,
          }
        : null,
      queueLength: report.queueLength,
    };
  }

  /** Queues the failed nudges again; undefined when there is no campaign. */
  async resendFailures(): Promise<number | undefined> {
    return this.deps.nudges?.resendFailures();
  }

  async openEscalations(): Promise<OpenEscalations> {
    const found = await this.deps.escalations.unsettled(OPEN_ESCALATIONS_SHOWN + 1);
    return {
      // Only the closed-list fields: the user's words stay out of the tab.
      escalations: found.slice(0, OPEN_ESCALATIONS_SHOWN).map((e) => ({
        reference: e.reference,
        category: CATEGORY_LABELS[e.category],
        state: ESCALATION_STATE_WORDS[e.state as keyof typeof ESCALATION_STATE_WORDS] ?? e.state,
        createdAt: e.createdAt,
      })),
      more: found.length > OPEN_ESCALATIONS_SHOWN,
      shown: OPEN_ESCALATIONS_SHOWN,
    };
  }
}
