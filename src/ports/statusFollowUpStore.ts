/**
 * Users told "checking…" who are owed a follow-up message with their status. Durable, so a restart
 * between the promise and the follow-up does not leave a pupil waiting forever.
 */
import type { PersonalData } from './personalData';

export interface StatusFollowUp {
  userId: string;
  /** `status`: report data is enough; `done`: the user said "I've done it" and wants a live check. */
  kind: 'status' | 'done';
  /** ISO time the user asked. */
  requestedAt: string;
}

export interface StatusFollowUpStore extends PersonalData<StatusFollowUp> {
  /** Records (or refreshes) the follow-up owed to `userId`; a `done` is never downgraded to `status`. */
  add(followUp: StatusFollowUp): Promise<void>;
  /** Every follow-up still owed, oldest first. */
  list(): Promise<StatusFollowUp[]>;
  remove(userId: string): Promise<void>;
  /** Deletes follow-ups asked for before `cutoff` (owed so long that the answer is no use any more). */
  purgeRequestedBefore(cutoff: Date): Promise<number>;
}
