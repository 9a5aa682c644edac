/**
 * Which nudges already in a registered user's chat still say "you haven't set up": each sent nudge whose
 * message id Teams gave back, until its card has been replaced (or found gone). One queued earlier counts
 * again once it has waited `requeueAfterMs` (its update was lost or ran out of tries).
 */
import type { NudgeState } from './nudgeDecision';

/** Where bringing a sent nudge's card up to date stands: queued, shown ("done"), or gone (not tried again). */
export type DoneCardState = 'queued' | 'shown' | 'gone';

/** The parts of a nudge's ledger row that decide it. */
export interface SentCard {
  state: NudgeState;
  activityId?: string;
  doneCard?: DoneCardState;
  /** ISO; when `doneCard` last changed. */
  doneCardAt?: string;
}

export function cardsToShowDone<T extends SentCard>(history: T[], now: Date, requeueAfterMs: number): T[] {
  return history.filter((row) => {
    if (row.state !== 'sent' || !row.activityId) return false;
    if (row.doneCard === undefined) return true;
    const queuedAt = Date.parse(row.doneCardAt ?? '');
    return row.doneCard === 'queued' && !(now.getTime() - queuedAt < requeueAfterMs);
  });
}
