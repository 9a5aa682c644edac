/** Answers "Remind me later" on a nudge: the campaign records the snooze, this says what happened. */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { GuideProgress } from '../../domain/guide/progress';
import type { Logger } from '../../logging/logger';
import { cannotSnoozeCard, snoozedCard } from './nudgeCards';
import type { ViewContext } from '../shared/wording';

/** What a snooze came to (decided by the campaign's NudgeService). */
export type SnoozeResult =
  | { kind: 'snoozed'; until: Date; snoozesLeft: number }
  | { kind: 'noneLeft' }
  /** Not the current campaign, or no such nudge: nothing to put off. */
  | { kind: 'over' };

export interface Snoozer {
  snooze(userId: string, nudge: { campaign: string; nudge: string }): Promise<SnoozeResult>;
}

export class NudgeReplies {
  constructor(private readonly deps: { snoozer: Snoozer; log: Logger }) {}

  async snooze(
    userId: string,
    nudge: { campaign: string; nudge: string },
    ctx: ViewContext,
    progress: GuideProgress | undefined,
  ): Promise<AdaptiveCardJson[]> {
    const result = await this.deps.snoozer.snooze(userId, nudge);
    this.deps.log.info({ userId, nudge: nudge.nudge, outcome: result.kind }, 'nudge snoozed');
    if (result.kind === 'snoozed') return [snoozedCard(result.until, result.snoozesLeft, progress, ctx)];
    return [cannotSnoozeCard(result.kind, progress, ctx)];
  }
}
