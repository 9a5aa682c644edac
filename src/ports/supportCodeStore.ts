/**
 * Support-code secrets (encrypted by the caller before they get here) and the audit of every check the
 * service desk makes. The audit also drives the rate limits, so limits survive a restart.
 */

export interface StoredSupportSecret {
  userId: string;
  /** The secret, encrypted at rest (an opaque string from the SecretBox). */
  sealed: string;
  createdAt: string;
  /** The last time step a check accepted, for replay protection. */
  lastAcceptedStep?: number;
}

export type CheckOutcome =
  'valid' | 'wrong' | 'replay' | 'malformed' | 'noCode' | 'unknownTarget' | 'rateLimited' | 'refused';

export interface SupportCodeCheck {
  at: string;
  /** Entra object id of whoever asked. */
  checkerId: string;
  /** Entra object id of the user checked, when it was resolved (never for refusals). */
  targetUserId?: string;
  /** How the target was named: by UPN or by escalation reference (the value itself is not kept). */
  targetKind?: 'upn' | 'reference';
  outcome: CheckOutcome;
}

export interface SupportCodeStore {
  getSecret(userId: string): Promise<StoredSupportSecret | undefined>;
  /** Stores `secret` unless the user already has one; returns the one that is stored either way. */
  createSecretIfAbsent(secret: StoredSupportSecret): Promise<StoredSupportSecret>;
  /** Replaces a user's secret that can no longer be opened (the key changed); keeps the last step used. */
  replaceSecret(userId: string, sealed: string, createdAt: string): Promise<void>;
  /**
   * Records `step` as used, only if it is newer than the last one used (compare-and-set). False means the
   * step was used meanwhile (a concurrent replay).
   */
  acceptStep(userId: string, step: number): Promise<boolean>;
  recordCheck(check: SupportCodeCheck): Promise<void>;
  /** Checks by `checkerId` since `since` (every outcome counts). */
  countByChecker(checkerId: string, since: Date): Promise<number>;
  /** Checks against `targetUserId` since `since`. */
  countByTarget(targetUserId: string, since: Date): Promise<number>;
  /** The audit, newest first (for IT; tests). */
  recentChecks(limit: number): Promise<SupportCodeCheck[]>;
  /** Deletes audit rows older than `cutoff`. */
  purgeChecksBefore(cutoff: Date): Promise<number>;
}
