/**
 * The desk's Temporary Access Pass. A desk member's valid `verify` (or an in-person check they confirm, after
 * `tap <upn>`) makes a grant; pressing *Give a Temporary Access Pass* spends it: Microsoft issues the person a
 * pass, which goes back to that desk member's chat only, with what to tell the person. One grant gives one
 * pass at most (the claim is a compare-and-set), only to the member who made it, only while they are in the
 * desk group and only for `temporaryAccessPass.verifiedWithinMinutes` after the check. Every grant is kept
 * as the record of who gave whom a pass and when; the pass itself is never stored or logged.
 */
import crypto from 'node:crypto';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import {
  passInstructions,
  whyNotConfirm,
  whyNotGive,
  type ConfirmRefusal,
  type GiveRefusal,
  type PassInstructions,
} from '../domain/supportCodes/temporaryAccessPass';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { Directory, DirectoryUser } from '../ports/directory';
import type { TemporaryAccessPassGrantStore } from '../ports/temporaryAccessPassGrants';
import type { PassRefusalReason, TemporaryAccessPassIssuer } from '../ports/temporaryAccessPasses';

/** Bytes of a grant id: it travels in a card button, so it must not be guessable. */
const GRANT_ID_BYTES = 18;

export type InPersonAnswer =
  /** The desk member must now confirm they checked this person's identity in person. */
  | { kind: 'confirmNeeded'; grantId: string; user: DirectoryUser }
  | { kind: 'refused'; reason: 'featureOff' | 'notDeskMember' | 'unknownUser' };

export type ConfirmAnswer = { kind: 'confirmed' } | { kind: 'refused'; reason: ConfirmRefusal };

export type GiveAnswer =
  | {
      kind: 'issued';
      /** For the desk member's own chat only. */
      pass: string;
      startsAt: string;
      expiresAt: string;
      usableOnce: boolean;
      /** Whom it is for (undefined when the directory could not say just now). */
      user?: DirectoryUser;
      forThePerson: PassInstructions;
    }
  | { kind: 'refused'; reason: GiveRefusal | PassRefusalReason };

export interface TemporaryAccessPassServiceDeps {
  grants: TemporaryAccessPassGrantStore;
  issuer: TemporaryAccessPassIssuer;
  /** Desk membership, as the support-code check answers it (SupportCodeService). */
  desk: { isDeskMember(userId: string): Promise<boolean> };
  directory: Directory;
  policy: SchoolPolicy;
  clock: Clock;
  log: Logger;
  /** Makes grant ids (tests may fix them); random by default. */
  newGrantId?: () => string;
}

export class TemporaryAccessPassService {
  constructor(private readonly deps: TemporaryAccessPassServiceDeps) {}

  /** Whether the desk is offered passes at all (the policy's switch). */
  get enabled(): boolean {
    return this.deps.policy.temporaryAccessPass.enabled;
  }

  /**
   * After `verify` accepted `userId`'s code for `deskMemberId` (a desk member: verify checked): the grant id for
   * the answer's button, or undefined when the feature is off.
   */
  async grantAfterVerify(deskMemberId: string, userId: string): Promise<string | undefined> {
    if (!this.enabled) return undefined;
    const grantId = await this.createGrant(deskMemberId, userId, 'supportCode');
    this.deps.log.info({ deskMemberId, userId, via: 'supportCode' }, 'temporary access pass granted');
    return grantId;
  }

  /**
   * `tap <upn>`: the person cannot show a code (no Teams), so the desk member checks them in person and must
   * confirm that before any pass. A non-member gets the same refusal whatever they typed, and nobody is
   * looked up for them.
   */
  async grantInPerson(deskMemberId: string, upn: string): Promise<InPersonAnswer> {
    const { directory, log } = this.deps;
    if (!this.enabled) return { kind: 'refused', reason: 'featureOff' };
    if (!(await this.deps.desk.isDeskMember(deskMemberId))) {
      log.warn({ deskMemberId, outcome: 'notDeskMember' }, 'temporary access pass in person refused');
      return { kind: 'refused', reason: 'notDeskMember' };
    }
    const user = /^[^\s@]+@[^\s@]+$/.test(upn)
      ? await directory.findUserByUpn(upn.trim(), { priority: 'interactive' })
      : undefined;
    if (!user) return { kind: 'refused', reason: 'unknownUser' };
    const grantId = await this.createGrant(deskMemberId, user.id, 'inPerson');
    log.info(
      { deskMemberId, userId: user.id, via: 'inPerson' },
      'temporary access pass in person: to confirm',
    );
    return { kind: 'confirmNeeded', grantId, user };
  }

  /** The desk member confirms they checked the person's identity in person; the time is recorded. */
  async confirmInPerson(deskMemberId: string, grantId: string): Promise<ConfirmAnswer> {
    const { grants, clock, log } = this.deps;
    const now = clock.now();
    const grant = await this.grantFor(deskMemberId, grantId);
    const refusal = whyNotConfirm(
      this.deps.policy.temporaryAccessPass,
      await this.asker(deskMemberId),
      grant,
      now,
    );
    const confirmed = !refusal && (await grants.confirmInPerson(grantId, now.toISOString()));
    const outcome = refusal ?? (confirmed ? 'confirmed' : 'alreadyConfirmed');
    log.info({ deskMemberId, userId: grant?.userId, outcome }, 'temporary access pass in-person check');
    return outcome === 'confirmed' ? { kind: 'confirmed' } : { kind: 'refused', reason: outcome };
  }

  /** The desk member's press of *Give a Temporary Access Pass* on `grantId`. */
  async give(deskMemberId: string, grantId: string): Promise<GiveAnswer> {
    const { grants, issuer, policy, clock, log } = this.deps;
    const now = clock.now();
    const grant = await this.grantFor(deskMemberId, grantId);
    const refusal = whyNotGive(policy.temporaryAccessPass, await this.asker(deskMemberId), grant, now);
    // Compare-and-set: of two presses (or two instances), one claims the grant and the other is a second press.
    const claimed = !refusal && grant && (await grants.claim(grantId, now.toISOString()));
    if (!claimed || !grant) {
      // A grant Microsoft refused stays refused, for the same reason (the desk checks the person again once fixed).
      const settledRefusal = grant?.outcome !== 'issued' ? grant?.outcome : undefined;
      const reason =
        refusal === 'alreadyGiven' && settledRefusal ? settledRefusal : (refusal ?? 'alreadyGiven');
      log.warn({ deskMemberId, userId: grant?.userId, outcome: reason }, 'temporary access pass refused');
      return { kind: 'refused', reason };
    }
    const { userId } = grant;
    const { lifetimeMinutes, usableOnce } = policy.temporaryAccessPass;
    const outcome = await issuer.issue(userId, { lifetimeMinutes, usableOnce });
    const settledAt = clock.now().toISOString();
    if (outcome.kind === 'refused') {
      // Nothing was issued: an unavailable Graph may be asked again with the same grant; other refusals stand.
      await this.recordOutcome(deskMemberId, userId, () =>
        outcome.reason === 'unavailable'
          ? grants.release(grantId)
          : grants.settle(grantId, outcome.reason, settledAt),
      );
      log.warn(
        { deskMemberId, userId, outcome: outcome.reason },
        'temporary access pass refused by Microsoft',
      );
      return { kind: 'refused', reason: outcome.reason };
    }
    // The pass exists at Microsoft now: the desk must see it even if the record cannot be written.
    await this.recordOutcome(deskMemberId, userId, () => grants.settle(grantId, 'issued', settledAt));
    log.info(
      { deskMemberId, userId, via: grant.via, outcome: 'issued', expiresAt: outcome.expiresAt },
      'temporary access pass issued',
    );
    return {
      kind: 'issued',
      pass: outcome.pass,
      startsAt: outcome.startsAt,
      expiresAt: outcome.expiresAt,
      usableOnce: outcome.usableOnce,
      user: await this.userOrNothing(userId),
      forThePerson: passInstructions(policy, outcome),
    };
  }

  /**
   * Cancel on the in-person check: the grant is claimed and settled as cancelled, so its Confirm button can
   * give no pass afterwards. Returns why not when the grant is not this member's to cancel or already used.
   */
  async cancel(deskMemberId: string, grantId: string): Promise<GiveRefusal> {
    const { grants, clock, log } = this.deps;
    const now = clock.now().toISOString();
    if (!(await this.asker(deskMemberId)).isDeskMember) return 'notDeskMember';
    const grant = await this.grantFor(deskMemberId, grantId);
    if (!grant) return 'notYourGrant';
    // Claimed before: a second Cancel (or a double tap) finds it cancelled already, which is no pass given.
    if (!(await grants.claim(grantId, now)))
      return grant.outcome === 'cancelled' ? 'cancelled' : 'alreadyGiven';
    await grants.settle(grantId, 'cancelled', now);
    log.info({ deskMemberId, userId: grant.userId, outcome: 'cancelled' }, 'temporary access pass in person');
    return 'cancelled';
  }

  /** Writes how a give ended; a storage fault is logged, not thrown, once Microsoft has answered. */
  private async recordOutcome(
    deskMemberId: string,
    userId: string,
    write: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.deps.log.error(
        { deskMemberId, userId, err: { message: (error as Error).message } },
        'temporary access pass: could not record how it ended',
      );
    }
  }

  private async createGrant(deskMemberId: string, userId: string, via: 'supportCode' | 'inPerson') {
    const id = this.deps.newGrantId?.() ?? crypto.randomBytes(GRANT_ID_BYTES).toString('base64url');
    await this.deps.grants.create({
      id,
      deskMemberId,
      userId,
      via,
      createdAt: this.deps.clock.now().toISOString(),
    });
    return id;
  }

  /** The grant, when `deskMemberId` made it: another member's grant reads as none at all. */
  private async grantFor(deskMemberId: string, grantId: string) {
    const grant = await this.deps.grants.get(grantId);
    return grant?.deskMemberId === deskMemberId ? grant : undefined;
  }

  private async asker(id: string) {
    return { id, isDeskMember: this.enabled && (await this.deps.desk.isDeskMember(id)) };
  }

  /** Whom the pass is for, for the desk's answer: the pass is issued already, so a directory hiccup is no failure. */
  private async userOrNothing(userId: string): Promise<DirectoryUser | undefined> {
    try {
      return await this.deps.directory.getUser(userId, { priority: 'interactive' });
    } catch {
      return undefined;
    }
  }
}
