/**
 * Which nudges already in a registered user's chat still say "you haven't set up": each one sent whose message
 * id Teams gave back (snoozed ones too: the snooze is answered with a new message, the reminder stays), until
 * its card has been replaced or given up on. One queued earlier counts again once it has waited
 * `requeueAfterMs` (its message was lost, or a crash came between the mark and the message).
 */
import type { NudgeState } from './nudgeDecision';

/**
 * Where bringing a sent nudge's card up to date stands: queued, shown ("done"), or gone: not tried again (the
 * chat or the message is no longer there, the bot may not write there, or the update kept failing).
 */
export type DoneCardState = 'queued' | 'shown' | 'gone';

/** The parts of a nudge's ledger row that decide it. */
export interface SentCard {
  state: NudgeState;
  activityId?: string;
  doneCard?: DoneCardState;
  /** ISO; when `doneCard` last changed. */
  doneCardAt?: string;
}

/** A reminder that is in the chat with an id to change it by: sent, or sent and then snoozed. */
export function holdsCard(row: Pick<SentCard, 'state' | 'activityId'>): boolean {
  return (row.state === 'sent' || row.state === 'snoozed') && !!row.activityId;
}

export function cardsToShowDone<T extends SentCard>(history: T[], now: Date, requeueAfterMs: number): T[] {
  return history.filter((row) => {
    if (!holdsCard(row)) return false;
    if (row.doneCard === undefined) return true;
    const queuedAt = Date.parse(row.doneCardAt ?? '');
    return row.doneCard === 'queued' && !(now.getTime() - queuedAt < requeueAfterMs);
  });
}
