import type { GuideProgress } from '../domain/guide/progress';
import type { PersonalData } from './personalData';
import type { Versioned } from './versioned';

/** What is kept per user: guide progress plus the timestamps the conversation needs. */
export interface StoredUserProgress extends GuideProgress {
  /** ISO time of the user's last action, for retention. */
  updatedAt: string;
  /** ISO time the welcome (or welcome back) card was last sent, so install events don't send it twice. */
  welcomedAt?: string;
  /** The language the user chose on the language card (a catalogue's locale); it wins over Teams' own. */
  language?: string;
}

/** Per-user guide progress, keyed by Entra object id, with optimistic concurrency. */
export interface UserProgressStore extends PersonalData<StoredUserProgress & { userId: string }> {
  get(userId: string): Promise<Versioned<StoredUserProgress> | undefined>;
  /**
   * Writes `value`. With `etag`, only if the record is still at that version; without, only if there is
   * no record yet. Returns the new etag; throws ConcurrencyError when the condition fails.
   */
  put(userId: string, value: StoredUserProgress, etag?: string): Promise<string>;
  /** Deletes the progress of users with no activity since `cutoff`; returns how many were deleted. */
  purgeInactiveSince(cutoff: Date): Promise<number>;
}
