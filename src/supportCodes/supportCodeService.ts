/**
 * Support codes: a user shows a short-lived code from their own chat; a member of the service-desk group
 * checks it with `verify <upn or reference> <code>` before resetting anything. Secrets are made on first use
 * and sealed at rest; every check by a desk member is recorded (who, whom, when, outcome) and the record
 * drives the rate limits, per checker and per person checked. Anyone outside the desk group gets the same
 * refusal whatever they typed: the target is not even looked up, so the answer cannot tell whether a user or
 * a reference exists.
 */
import crypto from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { parseReference } from '../domain/escalation/reference';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import { checkSupportCode, currentSupportCode } from '../domain/supportCodes/totp';
import type { SecretBox } from '../adapters/crypto/secretBox';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { Directory, DirectoryUser } from '../ports/directory';
import type { EscalationStore } from '../ports/escalationStore';
import type { CheckOutcome, SupportCodeStore } from '../ports/supportCodeStore';

/** Bytes of a new secret (RFC 4226 recommends 160 bits; otplib needs at least 16). */
const SECRET_BYTES = 20;
/** Desk-membership answers remembered at once: the desk plus the pupils who type `verify` by chance. */
const MAX_MEMBERSHIP_ANSWERS = 5000;
/** How long a "not a member" answer is trusted: someone just added to the desk group waits this long at most. */
const NON_MEMBER_TRUST_MS = 60_000;

export type VerifyAnswer =
  | { kind: 'refused' }
  | { kind: 'rateLimited'; scope: 'checker' | 'target' }
  | { kind: 'unknownTarget' }
  | { kind: 'noCode'; user: DirectoryUser }
  | { kind: 'valid'; user: DirectoryUser; reference?: string }
  | { kind: 'invalid'; user: DirectoryUser; reason: 'wrong' | 'replay' | 'malformed' };

export interface SupportCodeServiceDeps {
  store: SupportCodeStore;
  escalations: EscalationStore;
  directory: Directory;
  box: SecretBox;
  policy: SchoolPolicy;
  clock: Clock;
  log: Logger;
}

export class SupportCodeService {
  /** Desk membership answers, by checker id, with when they were learnt (most recently used kept). */
  private readonly membership = new LRUCache<string, { member: boolean; at: number }>({
    max: MAX_MEMBERSHIP_ANSWERS,
  });

  constructor(private readonly deps: SupportCodeServiceDeps) {}

  /** The user's current code, creating their secret on first use. */
  async codeFor(userId: string): Promise<{ code: string; secondsLeft: number }> {
    const secret = await this.secretOf(userId);
    const code = await currentSupportCode(secret, this.deps.clock.now().getTime());
    this.deps.log.info({ userId }, 'support code shown');
    return code;
  }

  /** A desk member's check of `target` (a UPN or an escalation reference) and `code`. */
  async verify(checkerId: string, target: string, code: string): Promise<VerifyAnswer> {
    const { store, clock, log, policy } = this.deps;
    const now = clock.now();
    const at = now.toISOString();
    const since = new Date(now.getTime() - policy.supportCodes.windowMinutes * 60_000);
    if (!(await this.isDeskMember(checkerId))) {
      // Recorded up to the checker's limit per window: enough to see someone trying, not a table to fill.
      if ((await store.countByChecker(checkerId, since)) < policy.supportCodes.maxChecksPerChecker) {
        await store.recordCheck({ at, checkerId, outcome: 'refused' });
        log.warn(
          { checkerId, outcome: 'refused' },
          'support code check refused: not in the service desk group',
        );
      }
      return { kind: 'refused' };
    }
    if ((await store.countByChecker(checkerId, since)) >= policy.supportCodes.maxChecksPerChecker) {
      await store.recordCheck({ at, checkerId, outcome: 'rateLimited' });
      log.warn({ checkerId, outcome: 'rateLimited', scope: 'checker' }, 'support code check');
      return { kind: 'rateLimited', scope: 'checker' };
    }
    const reference = parseReference(target);
    const targetKind = reference ? 'reference' : 'upn';
    const resolved = await this.resolve(target, reference);
    const record = async (outcome: CheckOutcome, targetUserId?: string) => {
      await store.recordCheck({ at, checkerId, targetUserId, targetKind, outcome });
      log.info({ checkerId, targetUserId, targetKind, outcome }, 'support code check');
    };
    if (!resolved) {
      await record('unknownTarget');
      return { kind: 'unknownTarget' };
    }
    const { user } = resolved;
    if ((await store.countByTarget(user.id, since)) >= policy.supportCodes.maxChecksPerTarget) {
      await record('rateLimited', user.id);
      return { kind: 'rateLimited', scope: 'target' };
    }
    const stored = await store.getSecret(user.id);
    const secret = stored && this.open(stored.sealed, user.id);
    if (!stored || !secret) {
      await record('noCode', user.id);
      return { kind: 'noCode', user };
    }
    const check = await checkSupportCode(secret, code, now.getTime(), stored.lastAcceptedStep);
    if (!check.valid) {
      await record(check.reason, user.id);
      return { kind: 'invalid', user, reason: check.reason };
    }
    // Compare-and-set: of two checks racing with the same code, one wins and the other is a replay.
    if (!(await store.acceptStep(user.id, check.timeStep))) {
      await record('replay', user.id);
      return { kind: 'invalid', user, reason: 'replay' };
    }
    await record('valid', user.id);
    return { kind: 'valid', user, reference: reference && resolved.reference };
  }

  private async resolve(
    target: string,
    reference: string | undefined,
  ): Promise<{ user: DirectoryUser; reference?: string } | undefined> {
    const { directory, escalations } = this.deps;
    if (reference) {
      const escalation = await escalations.findByReference(reference);
      if (!escalation) return undefined;
      const user = await directory.getUser(escalation.userId, { priority: 'interactive' });
      return user && { user, reference };
    }
    if (!/^[^\s@]+@[^\s@]+$/.test(target)) return undefined;
    const user = await directory.findUserByUpn(target, { priority: 'interactive' });
    return user && { user };
  }

  /**
   * Membership of the policy's service-desk group: a "yes" is trusted for `membershipCacheMinutes`, a "no" for
   * a minute at most, so a new desk member is not kept waiting and a pupil's repeated tries cost no Graph calls.
   */
  async isDeskMember(userId: string): Promise<boolean> {
    const group = this.deps.policy.groups.serviceDesk;
    if (!group) return false;
    const now = this.deps.clock.now().getTime();
    const known = this.membership.get(userId);
    const trustedForMs = this.deps.policy.supportCodes.membershipCacheMinutes * 60_000;
    if (known && now - known.at < (known.member ? trustedForMs : Math.min(trustedForMs, NON_MEMBER_TRUST_MS)))
      return known.member;
    const member = await this.deps.directory.isTransitiveMemberOf(userId, group, { priority: 'interactive' });
    this.membership.set(userId, { member, at: now });
    return member;
  }

  /** The user's secret, made on first use; one that no longer opens (the key changed) is replaced. */
  private async secretOf(userId: string): Promise<Uint8Array> {
    const { store, box, clock } = this.deps;
    const fresh = crypto.randomBytes(SECRET_BYTES);
    let stored = await store.getSecret(userId);
    if (!stored) {
      stored = await store.createSecretIfAbsent({
        userId,
        sealed: box.seal(fresh, userId),
        createdAt: clock.now().toISOString(),
      });
      this.deps.log.info({ userId }, 'support code secret created');
    }
    const secret = this.open(stored.sealed, userId);
    if (secret) return secret;
    this.deps.log.warn({ userId }, 'support code secret could not be opened (key changed?); replaced');
    await store.replaceSecret(userId, box.seal(fresh, userId), clock.now().toISOString());
    return fresh;
  }

  /** The plain secret, or undefined when it does not open with this key. */
  private open(sealed: string, userId: string): Uint8Array | undefined {
    try {
      return this.deps.box.open(sealed, userId);
    } catch {
      return undefined;
    }
  }
}
