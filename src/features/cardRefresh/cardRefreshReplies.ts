/**
 * The card a status card or a nudge becomes when it is shown again. Teams asks each time a pupil opens the chat
 * (for the ids the card names), so the answer comes from what the bot already holds, never from a call to Graph:
 * the registration report it re-reads every hour (STATUS_REPORT_REFRESH_MINUTES) and the looks already taken (a
 * pupil's own "I've done it"). Then:
 * - registered: "You're all set", the card the campaign would change it to;
 * - still to do, a nudge of the current campaign: the same nudge, with today's days left and what is missing now;
 * - still to do, a status card (or a nudge whose campaign is over): the status card as it is now;
 * - nothing held about them, or less than "all set" for a card that said it (what this process holds may be older
 *   than what made that card), or a nudge of a pupil whose own check found them done (the campaign is changing it):
 *   no card, and the transport answers so that the client keeps the one it shows.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import { nudgeRefresh, refreshable, statusRefresh } from '../../cards/cardRefresh';
import type { GuideProgress } from '../../domain/guide/progress';
import { evaluateRegistration } from '../../domain/registration/evaluateRegistration';
import type { Logger } from '../../logging/logger';
import type { Clock } from '../../ports/clock';
import type { RegistrationStatusService } from '../../status/registrationStatusService';
import { nudgeCard, type NudgeView } from '../campaign/nudgeCards';
import type { ViewContext } from '../shared/wording';
import { statusCard } from '../status/statusCards';
import type { RefreshRequest } from './cardRefreshVerbs';

/** A nudge as it stands in the campaign, without what the registration decides. */
export type NudgeStanding = Omit<NudgeView, 'evaluation' | 'progress' | 'hint'>;

export interface NudgeViews {
  /**
   * The nudge's standing; `registered` when the pupil's own check found them done; undefined when it is not one
   * of this user's in a campaign still running.
   */
  standingOf(
    userId: string,
    nudge: { campaign: string; nudge: string },
  ): Promise<NudgeStanding | 'registered' | undefined>;
}

/**
 * How long a live look answers for a user the report has no row for (no Entra ID P1, or a new account): the
 * report's own hour, so that neither source is trusted for longer than the other.
 */
const LIVE_LOOK_TRUSTED_MS = 60 * 60_000;

export interface CardRefreshRepliesDeps {
  status: Pick<RegistrationStatusService, 'snapshotFor'>;
  nudges?: NudgeViews;
  clock: Clock;
  log: Logger;
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
    const kept = (why: string): AdaptiveCardJson[] => {
      log.info({ userId, of: request.of, outcome: 'kept', why }, 'card refresh');
      return [];
    };
    const snapshot = this.deps.status.snapshotFor(userId, { liveMaxAgeMs: LIVE_LOOK_TRUSTED_MS });
    if (!snapshot) return kept('nothingHeld');
    const evaluation = evaluateRegistration(snapshot.methods, ctx.methods);
    // A card that said "all set" is never built again as less: what this process holds may be older than what
    // made it (a live look in another instance, a restart, a report that has not caught up).
    if (request.done && !evaluation.complete) return kept('shownDone');
    const statusNow = (): AdaptiveCardJson =>
      refreshable(
        statusCard({ evaluation, snapshot, afterCheck: false, progress, now: this.deps.clock.now() }, ctx),
        statusRefresh(evaluation.complete),
      );
    if (evaluation.complete || request.of === 'status' || !request.campaign || !request.nudge) {
      log.info({ userId, of: request.of, outcome: 'status', complete: evaluation.complete }, 'card refresh');
      return [statusNow()];
    }
    const target = { campaign: request.campaign, nudge: request.nudge };
    const standing = await this.deps.nudges?.standingOf(userId, target);
    // Their own check found them done, in some process: the campaign is changing this card to say so.
    if (standing === 'registered') return kept('checkedDone');
    if (!standing) {
      log.info({ userId, of: request.of, outcome: 'status', complete: false }, 'card refresh');
      return [statusNow()];
    }
    log.info({ userId, of: request.of, outcome: 'nudge' }, 'card refresh');
    return [
      refreshable(
        nudgeCard({ ...standing, evaluation, progress, hint: request.hint }, ctx),
        nudgeRefresh(target.campaign, target.nudge, request.hint),
      ),
    ];
  }
}
