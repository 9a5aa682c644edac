/**
 * What every SupportCodeStore must do, on SQLite and on Azure Tables (Azurite), store by store and through
 * the support-code service: secrets made once and kept sealed, a step accepted once (no replay, also when two
 * instances check the same code at the same moment), and an audit that counts checks for the rate limits.
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import { generate } from 'otplib';
import { SecretBox } from '../../src/adapters/crypto/secretBox';
import { DemoDirectory } from '../../src/adapters/demo/demoDirectory';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import type { EscalationStore } from '../../src/ports/escalationStore';
import type { SupportCodeCheck, SupportCodeStore } from '../../src/ports/supportCodeStore';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { createLogger } from '../../src/logging/logger';
import { SupportCodeService } from '../../src/supportCodes/supportCodeService';
import { SAMPLE_POLICY_PATH, TestClock } from '../support/conversationHarness';
import type { NewPlace, StoragePlace } from '../support/storagePlaces';

const DESK = DEMO_USERS.danielOkafor;
const SAM = DEMO_USERS.samTaylor;
const PUPIL = DEMO_USERS.priyaShah;

export function describeSupportCodeContracts(backend: string, newPlace: NewPlace): void {
  describe(`support code store contract: ${backend}`, () => {
    let place: StoragePlace;
    let store: SupportCodeStore;
    let other: SupportCodeStore;
    beforeEach(async () => {
      place = await newPlace();
      store = (await place.open()).supportCodes;
      other = (await place.open()).supportCodes;
    });
    afterEach(() => place.close());

    const secret = (sealed: string) => ({ userId: SAM, sealed, createdAt: '2026-11-30T10:00:00.000Z' });

    it('stores one secret per user: of several made at once on two instances, every caller gets the first', async () => {
      expect(await store.getSecret(SAM)).to.equal(undefined);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other : store).createSecretIfAbsent(secret(`v1:sealed-${i}`)),
        ),
      );
      expect(new Set(results.map((r) => r.sealed)).size).to.equal(1);
      expect((await other.getSecret(SAM))?.sealed).to.equal(results[0]!.sealed);
      expect(await store.getSecret(PUPIL)).to.equal(undefined);
    });

    it('accepts a step once: of 6 checks of one step at once on two instances, exactly one; never an older one', async () => {
      await store.createSecretIfAbsent(secret('v1:first'));
      const accepted = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).acceptStep(SAM, 59_000_000)),
      );
      expect(accepted.filter(Boolean)).to.have.length(1);
      expect(await store.acceptStep(SAM, 58_999_999)).to.equal(false);
      expect(await other.acceptStep(SAM, 59_000_001)).to.equal(true);
      expect((await store.getSecret(SAM))?.lastAcceptedStep).to.equal(59_000_001);
      // A replaced secret (the key changed) keeps the last step used.
      await other.replaceSecret(SAM, 'v1:second', '2026-12-01T10:00:00.000Z');
      expect(await store.getSecret(SAM)).to.deep.equal({
        userId: SAM,
        sealed: 'v1:second',
        createdAt: '2026-12-01T10:00:00.000Z',
        lastAcceptedStep: 59_000_001,
      });
      expect(await store.acceptStep(SAM, 59_000_001)).to.equal(false);
      // No secret, nothing to accept.
      expect(await store.acceptStep(PUPIL, 59_000_002)).to.equal(false);
    });

    it('counts checks per checker and per person checked since a time, lists them newest first, purges by age', async () => {
      const check = (at: string, checkerId: string, targetUserId?: string): SupportCodeCheck => ({
        at,
        checkerId,
        targetUserId,
        targetKind: targetUserId ? 'upn' : undefined,
        outcome: targetUserId ? 'wrong' : 'refused',
      });
      const checks = [
        check('2026-11-29T23:50:00.000Z', DESK, SAM),
        check('2026-11-30T00:05:00.000Z', DESK, SAM),
        check('2026-11-30T00:05:00.000Z', PUPIL),
        check('2026-11-30T00:10:00.000Z', DESK, PUPIL),
        check('2026-11-30T00:10:00.000Z', PUPIL),
      ];
      for (const [i, c] of checks.entries()) await (i % 2 ? other : store).recordCheck(c);
      const since = (iso: string) => new Date(iso);
      expect(await store.countByChecker(DESK, since('2026-11-29T23:50:00.000Z'))).to.equal(3);
      expect(await store.countByChecker(DESK, since('2026-11-29T23:50:00.001Z'))).to.equal(2);
      expect(await store.countByChecker(PUPIL, since('2026-11-29T00:00:00.000Z'))).to.equal(2);
      expect(await other.countByTarget(SAM, since('2026-11-29T23:00:00.000Z'))).to.equal(2);
      expect(await other.countByTarget(SAM, since('2026-11-30T00:00:00.000Z'))).to.equal(1);
      expect(await other.countByTarget(DESK, since('2026-11-01T00:00:00.000Z'))).to.equal(0);

      const recent = await store.recentChecks(4);
      expect(recent.map((c) => c.at)).to.deep.equal([
        '2026-11-30T00:10:00.000Z',
        '2026-11-30T00:10:00.000Z',
        '2026-11-30T00:05:00.000Z',
        '2026-11-30T00:05:00.000Z',
      ]);
      // Recorded in the same millisecond: the later one first.
      expect(recent[0]).to.deep.equal({ ...checks[4], targetUserId: undefined, targetKind: undefined });
      expect(recent[1]).to.deep.equal(checks[3]);

      expect(await store.purgeChecksBefore(since('2026-11-30T00:05:00.000Z'))).to.equal(1);
      expect((await other.recentChecks(10)).map((c) => c.at)).to.not.include('2026-11-29T23:50:00.000Z');
      expect(await store.purgeChecksBefore(since('2026-11-30T00:05:00.000Z'))).to.equal(0);
      expect(await store.countByChecker(DESK, since('2026-11-01T00:00:00.000Z'))).to.equal(2);
    });
  });

  describe(`support codes: the service desk check (${backend})`, () => {
    let place: StoragePlace;
    let store: SupportCodeStore;
    let escalations: EscalationStore;
    let directory: DemoDirectory;
    let clock: TestClock;
    let service: SupportCodeService;
    let box: SecretBox;
    const sandbox = sinon.createSandbox();

    beforeEach(async () => {
      place = await newPlace();
      ({ supportCodes: store, escalations } = await place.open());
      clock = new TestClock(new Date('2026-11-30T10:00:05Z'));
      directory = new DemoDirectory(clock);
      box = new SecretBox(crypto.randomBytes(32));
      service = serviceWith(box);
    });

    /** The service on this test's stores, directory and clock, sealing with `key`. */
    function serviceWith(key: SecretBox): SupportCodeService {
      return new SupportCodeService({
        store,
        escalations,
        directory,
        box: key,
        policy: loadSchoolPolicy(SAMPLE_POLICY_PATH),
        clock,
        log: createLogger('silent'),
      });
    }
    afterEach(async () => {
      sandbox.restore();
      await place.close();
    });

    /** Sam's code at the clock's current time, as another device would compute it. */
    async function samsCodeNow(offsetSteps = 0): Promise<string> {
      const stored = await store.getSecret(SAM);
      const secret = box.open(stored!.sealed, SAM);
      return generate({
        secret,
        epoch: Math.floor(clock.now().getTime() / 1000) + offsetSteps * 30,
        period: 30,
      });
    }

    it('makes a secret on first use, keeps it sealed (not in storage in the clear), and reuses it', async () => {
      const first = await service.codeFor(SAM);
      expect(first.code).to.equal(await samsCodeNow());
      expect(first.secondsLeft).to.equal(25);
      const stored = await store.getSecret(SAM);
      expect(stored!.sealed).to.match(/^v1:/);
      expect((await service.codeFor(SAM)).code).to.equal(first.code);
      const raw = Buffer.from(box.open(stored!.sealed, SAM));
      const dump = await place.dump();
      for (const form of [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('base64'))]) {
        expect(dump.includes(form)).to.equal(false);
      }
      // A sealed secret moved onto another user's row does not open.
      expect(() => box.open(stored!.sealed, PUPIL)).to.throw();
    });

    it('a desk member checks a code by UPN: valid once, then refused as a replay within its window', async () => {
      await service.codeFor(SAM);
      const code = await samsCodeNow();
      const valid = await service.verify(DESK, 'sam.taylor@kscs.org.uk', code);
      expect(valid).to.deep.include({ kind: 'valid' });
      expect(valid.kind === 'valid' && valid.user.displayName).to.equal('Sam Taylor');
      clock.advance(10_000);
      expect(await service.verify(DESK, 'SAM.TAYLOR@kscs.org.uk', code)).to.deep.include({
        kind: 'invalid',
        reason: 'replay',
      });
      // The next step's code is fine.
      clock.advance(30_000);
      expect((await service.verify(DESK, 'sam.taylor@kscs.org.uk', await samsCodeNow())).kind).to.equal(
        'valid',
      );
      const audit = await store.recentChecks(10);
      expect(audit.map((c) => c.outcome)).to.deep.equal(['valid', 'replay', 'valid']);
      expect(audit[0]).to.deep.include({ checkerId: DESK, targetUserId: SAM, targetKind: 'upn' });
    });

    it('a wrong code, a code from two steps ago, and no code yet are each told apart for the desk', async () => {
      expect(await service.verify(DESK, 'sam.taylor@kscs.org.uk', '123456')).to.deep.include({
        kind: 'noCode',
      });
      await service.codeFor(SAM);
      const right = await samsCodeNow();
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
      expect(await service.verify(DESK, 'sam.taylor@kscs.org.uk', wrong)).to.deep.include({
        reason: 'wrong',
      });
      expect(await service.verify(DESK, 'sam.taylor@kscs.org.uk', await samsCodeNow(-2))).to.deep.include({
        reason: 'wrong',
      });
      expect(await service.verify(DESK, 'nobody@kscs.org.uk', right)).to.deep.equal({
        kind: 'unknownTarget',
      });
      expect(await service.verify(DESK, 'MFA-XXXX', right)).to.deep.equal({ kind: 'unknownTarget' });
    });

    it('a non-member gets the same refusal whether the user exists or not, and nothing is looked up', async () => {
      await service.codeFor(SAM);
      const getUser = sandbox.spy(directory, 'getUser');
      const byUpn = sandbox.spy(directory, 'findUserByUpn');
      const code = await samsCodeNow();
      const answers = [];
      for (const target of ['sam.taylor@kscs.org.uk', 'nobody@kscs.org.uk', 'MFA-7K2Q', 'garbage']) {
        answers.push(await service.verify(PUPIL, target, code));
      }
      expect(answers).to.deep.equal(Array(4).fill({ kind: 'refused' }));
      expect(getUser.callCount + byUpn.callCount).to.equal(0);
      const audit = await store.recentChecks(10);
      expect(
        audit.every((c) => c.outcome === 'refused' && c.targetUserId === undefined && c.checkerId === PUPIL),
      ).to.equal(true);
      // And the right code was not used up by the refused attempts.
      expect((await service.verify(DESK, 'sam.taylor@kscs.org.uk', code)).kind).to.equal('valid');
    });

    it('rate-limits checks per person checked, whoever checks, and per checker', async () => {
      await service.codeFor(SAM);
      for (let i = 0; i < 5; i++) await service.verify(DESK, 'sam.taylor@kscs.org.uk', '000000');
      // Even the right code is refused now: six digits must not be guessable by trying.
      expect(await service.verify(DESK, 'sam.taylor@kscs.org.uk', await samsCodeNow())).to.deep.equal({
        kind: 'rateLimited',
        scope: 'target',
      });
      // Every check counts against the checker (10 per 15 minutes), refused ones too.
      for (let i = 0; i < 4; i++) await service.verify(DESK, 'priya.shah@kscs.org.uk', '000000');
      expect(await service.verify(DESK, 'jordan.lee@kscs.org.uk', '000000')).to.deep.equal({
        kind: 'rateLimited',
        scope: 'checker',
      });
      // The window passes.
      clock.advance(15 * 60_000 + 1000);
      expect((await service.verify(DESK, 'sam.taylor@kscs.org.uk', await samsCodeNow())).kind).to.equal(
        'valid',
      );
    });

    it('a secret that no longer opens (the key changed) reads as "no code", and is replaced when the user asks', async () => {
      await service.codeFor(SAM);
      box = new SecretBox(crypto.randomBytes(32));
      const rekeyed = serviceWith(box);
      expect((await rekeyed.verify(DESK, 'sam.taylor@kscs.org.uk', '123456')).kind).to.equal('noCode');
      const code = await rekeyed.codeFor(SAM);
      expect(code.code).to.equal(await samsCodeNow());
      expect((await rekeyed.verify(DESK, 'sam.taylor@kscs.org.uk', code.code)).kind).to.equal('valid');
    });

    it("records a non-member's refusals up to the per-checker limit per window, and no more", async () => {
      for (let i = 0; i < 40; i++) {
        expect(await service.verify(PUPIL, 'sam.taylor@kscs.org.uk', '000000')).to.deep.equal({
          kind: 'refused',
        });
      }
      expect((await store.recentChecks(100)).filter((c) => c.checkerId === PUPIL)).to.have.length(10);
      clock.advance(15 * 60_000 + 1000);
      await service.verify(PUPIL, 'sam.taylor@kscs.org.uk', '000000');
      expect((await store.recentChecks(100)).filter((c) => c.checkerId === PUPIL)).to.have.length(11);
    });

    it('trusts a "not a member" answer for a minute only, so someone just added to the desk gets in', async () => {
      const member = sandbox.stub(directory, 'isTransitiveMemberOf').resolves(false);
      expect((await service.verify(PUPIL, 'sam.taylor@kscs.org.uk', '000000')).kind).to.equal('refused');
      member.resolves(true);
      clock.advance(30_000);
      expect((await service.verify(PUPIL, 'sam.taylor@kscs.org.uk', '000000')).kind).to.equal('refused');
      clock.advance(30_001);
      expect((await service.verify(PUPIL, 'sam.taylor@kscs.org.uk', '000000')).kind).to.equal('noCode');
      expect(member.callCount).to.equal(2);
    });

    it('caches desk membership briefly', async () => {
      const member = sandbox.spy(directory, 'isTransitiveMemberOf');
      await service.verify(DESK, 'x@kscs.org.uk', '000000');
      await service.verify(DESK, 'x@kscs.org.uk', '000000');
      expect(member.callCount).to.equal(1);
      clock.advance(5 * 60_000 + 1);
      await service.verify(DESK, 'x@kscs.org.uk', '000000');
      expect(member.callCount).to.equal(2);
    });
  });
}
