/**
 * Support-code secrets (encrypted by the caller before they get here) and the audit of every check the
 * service desk makes. The audit also drives the rate limits, so limits survive a restart.
 */
import { SUPPORT_CODE_PERIOD_SECONDS } from '../domain/supportCodes/totp';
import type { PersonalData } from './personalData';

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

/** What an export says about a user's support-code secret: that there is one, never the secret. */
export interface SupportSecretPresence {
  kind: 'supportCodeSecret';
  presentSince: string;
  /** When the desk last accepted one of the user's codes (ISO), if ever. */
  lastAcceptedAt?: string;
}

/** A check in an export, from the person's side: the other party's id is not theirs to see. */
export interface ExportedCheck {
  kind: 'supportCodeCheck';
  at: string;
  /** `checker`: this person checked someone's code; `checked`: someone checked this person's code. */
  role: 'checker' | 'checked';
  targetKind?: SupportCodeCheck['targetKind'];
  outcome: CheckOutcome;
}

/** Export and erase cover the user's secret and every check they made or that was made on them. */
export interface SupportCodeStore extends PersonalData<SupportSecretPresence | ExportedCheck> {
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
  /**
   * Deletes secrets made before `cutoff` whose last accepted step (if any) is before `cutoffStep`: nobody has
   * had a code checked for the whole period. A user who asks for a code later simply gets a new secret.
   */
  purgeSecretsUnusedSince(cutoff: Date, cutoffStep: number): Promise<number>;
}

/** The export's line for a stored secret: when it was made and last used, never the secret. */
export function secretPresence(secret: StoredSupportSecret): SupportSecretPresence {
  const presence: SupportSecretPresence = { kind: 'supportCodeSecret', presentSince: secret.createdAt };
  if (secret.lastAcceptedStep !== undefined) {
    presence.lastAcceptedAt = new Date(
      secret.lastAcceptedStep * SUPPORT_CODE_PERIOD_SECONDS * 1000,
    ).toISOString();
  }
  return presence;
}

/** A check as `userId` may see it: their role in it, without the other party's id. */
export function checkAsSeenBy(userId: string, check: SupportCodeCheck): ExportedCheck {
  const exported: ExportedCheck = {
    kind: 'supportCodeCheck',
    at: check.at,
    role: check.checkerId === userId ? 'checker' : 'checked',
    outcome: check.outcome,
  };
  if (check.targetKind) exported.targetKind = check.targetKind;
  return exported;
}
