/**
 * Issues a Temporary Access Pass for a user: a time-limited pass Microsoft accepts instead of their other
 * methods, so someone who lost their only phone can sign in once and set up a new one. The outcome is
 * classified, never thrown. The pass exists only in the `issued` outcome: nothing may store or log it.
 */

/** What the desk asks for; the tenant's Temporary Access Pass policy must allow both. */
export interface PassRequest {
  lifetimeMinutes: number;
  usableOnce: boolean;
}

/** Why no pass was issued, in the words the desk's answer is chosen by. */
export type PassRefusalReason =
  /** The app lacks UserAuthenticationMethod.ReadWrite.All (Graph: 403 Authorization_RequestDenied). */
  | 'noPermission'
  /** Temporary Access Pass is switched off in the tenant's authentication methods policy (or for this user). */
  | 'disabledByPolicy'
  /** The lifetime asked for is outside what the tenant's Temporary Access Pass policy allows. */
  | 'lifetimeOutsidePolicy'
  /** No such user in the tenant (any more). */
  | 'userNotFound'
  /** Graph busy, throttled, unreachable or answering in a way not understood: trying again later may work. */
  | 'unavailable';

export type PassOutcome =
  | {
      kind: 'issued';
      /** The pass itself: shown once to the desk member who asked, never stored or logged. */
      pass: string;
      /** From when it works, and until when (ISO times). */
      startsAt: string;
      expiresAt: string;
      usableOnce: boolean;
    }
  | { kind: 'refused'; reason: PassRefusalReason };

export interface TemporaryAccessPassIssuer {
  /** Which adapter this is, for logs and the health check. */
  readonly kind: 'graph' | 'demo';
  /**
   * Issues a pass for `userId` (Entra object id). A user has at most one usable pass: a new one replaces the
   * one they had. Never throws.
   */
  issue(userId: string, request: PassRequest): Promise<PassOutcome>;
}

/** When a pass that starts at `startsAt` and lasts `lifetimeMinutes` stops working (ISO). */
export function passExpiry(startsAt: string, lifetimeMinutes: number): string {
  return new Date(Date.parse(startsAt) + lifetimeMinutes * 60_000).toISOString();
}
