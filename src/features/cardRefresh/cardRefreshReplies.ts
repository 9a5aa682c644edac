/**
 * The card a status card or a nudge becomes when it is shown again. Teams asks each time a pupil opens the chat
 * (for the ids the card names), so the answer comes from what the bot already knows (the registration report,
 * or a look already taken) within a short wait, never from a look of its own at Graph's people pace:
 * - registered since: "You're all set", the card the campaign would change it to;
 * - still to do, a nudge of the current campaign: the same nudge, with today's days left and what is missing now;
 * - still to do, a status card (or a nudge whose campaign is over): the status card as it is now;
 * - not known in time: no card, and the transport answers so that the client keeps the one it shows.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { refreshable, type RefreshOf } from '../../cards/cardRefresh';
import type { GuideProgress } from '../../domain/guide/progress';
import { evaluateRegistration } from '../../domain/registration/evaluateRegistration';
import type { Logger } from '../../logging/logger';
import type { Clock } from '../../ports/clock';
import type { RegistrationStatusService } from '../../status/registrationStatusService';
import { nudgeCard, type NudgeView } from '../campaign/nudgeCards';
import { TIMED_OUT, within } from '../shared/within';
import type { ViewContext } from '../shared/wording';
import { statusCard } from '../status/statusCards';

/** A nudge as it stands in the campaign, without what the registration decides. */
export type NudgeStanding = Omit<NudgeView, 'evaluation' | 'progress' | 'hint'>;

export interface NudgeViews {
  /** The nudge's standing, or undefined when it is not one of the current campaign's for this user. */
  standingOf(userId: string, nudge: { campaign: string; nudge: string }): Promise<NudgeStanding | undefined>;
}

export interface CardRefreshRepliesDeps {
  status: Pick<RegistrationStatusService, 'status'>;
  nudges?: NudgeViews;
  clock: Clock;
  log: Logger;
  /** How long a refresh waits for what the bot knows (default 2 s: Teams shows the old card meanwhile). */
  waitMs?: number;
}

export interface RefreshRequest {
  of: 'status' | 'nudge';
  campaign?: string;
  nudge?: string;
  hint?: 'morning' | 'evening' | 'today';
}

export class CardRefreshReplies {
  constructor(private readonly deps: CardRefreshRepliesDeps) {}

  async refresh(
    userId: string,
    request: RefreshRequest,
    ctx: ViewContext,
    progress: GuideProgress | undefined,
  ): Promise<AdaptiveCardJson[]> {
    const { log } = this.deps;
    const looked = await within(
      this.deps.status.status(userId).catch(() => undefined),
      this.deps.waitMs ?? 2000,
    );
    if (looked === TIMED_OUT || looked?.kind !== 'known') {
      log.info({ userId, of: request.of, outcome: 'kept' }, 'card refresh');
      return [];
    }
    const evaluation = evaluateRegistration(looked.snapshot.methods, ctx.methods);
    const statusNow = (): AdaptiveCardJson =>
      refreshable(
        statusCard(
          { evaluation, snapshot: looked.snapshot, afterCheck: false, progress, now: this.deps.clock.now() },
          ctx,
        ),
        { of: 'status' },
      );
    if (evaluation.complete || request.of === 'status' || !request.campaign || !request.nudge) {
      log.info({ userId, of: request.of, outcome: 'status', complete: evaluation.complete }, 'card refresh');
      return [statusNow()];
    }
    const target = { campaign: request.campaign, nudge: request.nudge };
    const standing = await this.deps.nudges?.standingOf(userId, target);
    if (!standing) {
      log.info({ userId, of: request.of, outcome: 'status', complete: false }, 'card refresh');
      return [statusNow()];
    }
    log.info({ userId, of: request.of, outcome: 'nudge' }, 'card refresh');
    const what: RefreshOf = { of: 'nudge', ...target, ...(request.hint ? { hint: request.hint } : {}) };
    return [refreshable(nudgeCard({ ...standing, evaluation, progress, hint: request.hint }, ctx), what)];
  }
}
