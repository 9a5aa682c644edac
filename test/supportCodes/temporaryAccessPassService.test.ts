import crypto from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import { SecretBox } from '../../src/adapters/crypto/secretBox';
import { DemoDirectory } from '../../src/adapters/demo/demoDirectory';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { DemoTemporaryAccessPasses } from '../../src/adapters/demo/demoTemporaryAccessPasses';
import type { Stores } from '../../src/adapters/storage';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import type { SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import { SupportCodeService } from '../../src/supportCodes/supportCodeService';
import {
  TemporaryAccessPassService,
  type GiveAnswer,
} from '../../src/supportCodes/temporaryAccessPassService';
import { SAMPLE_POLICY_PATH, TestClock } from '../support/conversationHarness';
import { captureLog, type CapturedLog } from '../support/logCapture';
import { sqlitePlace, type StoragePlace } from '../support/storagePlaces';

const DESK = DEMO_USERS.danielOkafor;
const OTHER_STAFF = DEMO_USERS.kateEllis;
const SAM = DEMO_USERS.samTaylor;

describe("the desk's Temporary Access Pass (service, demo issuer, SQLite)", () => {
  const sandbox = sinon.createSandbox();
  let place: StoragePlace;
  let stores: Stores;
  let clock: TestClock;
  let directory: DemoDirectory;
  let issuer: DemoTemporaryAccessPasses;
  let logs: CapturedLog;
  let policy: SchoolPolicy;
  let service: TemporaryAccessPassService;

  function serviceWith(changes: Partial<SchoolPolicy['temporaryAccessPass']> = {}) {
    policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
    policy = { ...policy, temporaryAccessPass: { ...policy.temporaryAccessPass, ...changes } };
    const desk = new SupportCodeService({
      store: stores.supportCodes,
      escalations: stores.escalations,
      directory,
      box: new SecretBox(crypto.randomBytes(32)),
      policy,
      clock,
      log: logs.log,
    });
    return new TemporaryAccessPassService({
      grants: stores.temporaryAccessPasses,
      issuer,
      desk,
      directory,
      policy,
      clock,
      log: logs.log,
    });
  }

  beforeEach(async () => {
    place = await sqlitePlace();
    stores = await place.open();
    clock = new TestClock(new Date('2026-11-30T10:00:00Z'));
    directory = new DemoDirectory(clock);
    logs = captureLog();
    issuer = new DemoTemporaryAccessPasses(clock, logs.log);
    service = serviceWith();
  });

  afterEach(async () => {
    sandbox.restore();
    await place.close();
  });

  const issued = (answer: GiveAnswer) => {
    if (answer.kind !== 'issued') throw new Error(`expected a pass, got ${JSON.stringify(answer)}`);
    return answer;
  };

  it('a pass Microsoft issued is shown to the desk even when its record cannot be written, and the fault is logged', async () => {
    const grantId = (await service.grantAfterVerify(DESK, SAM))!;
    sandbox.stub(stores.temporaryAccessPasses, 'settle').rejects(new Error('storage down'));
    const answer = issued(await service.give(DESK, grantId));
    expect(answer.pass).to.match(/^.{8}$/);
    // Claimed, so a second press still gives no second pass.
    expect((await service.give(DESK, grantId)).kind).to.equal('refused');
  });

  it('after a valid verify: one pass for the member who checked, with what to tell the pupil; recorded without the pass', async () => {
    const grantId = (await service.grantAfterVerify(DESK, SAM))!;
    expect(grantId).to.match(/^[A-Za-z0-9_-]{24}$/);
    clock.advance(2 * 60_000);
    const answer = issued(await service.give(DESK, grantId));
    expect(answer.pass).to.match(/^.{8}$/);
    expect(answer.user?.displayName).to.equal('Sam Taylor');
    expect(answer).to.deep.include({
      startsAt: '2026-11-30T10:02:00.000Z',
      expiresAt: '2026-11-30T11:02:00.000Z',
      usableOnce: true,
    });
    expect(answer.forThePerson).to.deep.equal({
      registrationUrl: 'https://aka.ms/mfasetup',
      expiresLocal: { date: '2026-11-30', time: '11:02' },
      lifetimeMinutes: 60,
      usableOnce: true,
    });
    expect(await stores.temporaryAccessPasses.get(grantId)).to.deep.equal({
      id: grantId,
      deskMemberId: DESK,
      userId: SAM,
      createdAt: '2026-11-30T10:00:00.000Z',
      via: 'supportCode',
      claimedAt: '2026-11-30T10:02:00.000Z',
      outcome: 'issued',
      settledAt: '2026-11-30T10:02:00.000Z',
    });
    // A second press gives no second pass.
    expect(await service.give(DESK, grantId)).to.deep.equal({ kind: 'refused', reason: 'alreadyGiven' });
    // Nothing stored holds the pass, and no log line has it (nor the grant id, which works as a key).
    expect((await place.dump()).includes(Buffer.from(answer.pass))).to.equal(false);
    const logged = logs.lines.join('\n');
    expect(logged).to.not.include(answer.pass);
    expect(logged).to.not.include(grantId);
    expect(logs.find(/temporary access pass issued/)).to.have.length(1);
    expect(logs.find(/temporary access pass issued/)[0]).to.deep.include({
      deskMemberId: DESK,
      userId: SAM,
      outcome: 'issued',
    });
  });

  it('two presses at once give one pass: Microsoft is asked once', async () => {
    const grantId = (await service.grantAfterVerify(DESK, SAM))!;
    const issue = sandbox.spy(issuer, 'issue');
    const answers = await Promise.all([service.give(DESK, grantId), service.give(DESK, grantId)]);
    expect(answers.map((a) => a.kind).sort()).to.deep.equal(['issued', 'refused']);
    expect(answers.find((a) => a.kind === 'refused')).to.deep.equal({
      kind: 'refused',
      reason: 'alreadyGiven',
    });
    expect(issue.callCount).to.equal(1);
  });

  it('a pupil pressing the button, another desk member, or a stale grant get no pass, and Microsoft is not asked', async () => {
    const grantId = (await service.grantAfterVerify(DESK, SAM))!;
    const issue = sandbox.spy(issuer, 'issue');
    expect(await service.give(SAM, grantId)).to.deep.equal({ kind: 'refused', reason: 'notDeskMember' });
    sandbox.stub(directory, 'isTransitiveMemberOf').callsFake((userId) => Promise.resolve(userId !== SAM));
    expect(await service.give(OTHER_STAFF, grantId)).to.deep.equal({
      kind: 'refused',
      reason: 'notYourGrant',
    });
    expect(await service.give(DESK, 'made-up-grant-id')).to.deep.equal({
      kind: 'refused',
      reason: 'notYourGrant',
    });
    clock.advance(10 * 60_000 + 1000);
    expect(await service.give(DESK, grantId)).to.deep.equal({ kind: 'refused', reason: 'tooOld' });
    expect(issue.callCount).to.equal(0);
    // None of these spent the grant.
    expect((await stores.temporaryAccessPasses.get(grantId))?.claimedAt).to.equal(undefined);
  });

  it('someone who has left the desk group since the check gets no pass', async () => {
    const grantId = (await service.grantAfterVerify(DESK, SAM))!;
    sandbox.stub(directory, 'isTransitiveMemberOf').resolves(false);
    // A fresh service: no remembered "member" answer.
    service = serviceWith();
    expect(await service.give(DESK, grantId)).to.deep.equal({ kind: 'refused', reason: 'notDeskMember' });
  });

  it('switched off in the policy: no grant, no pass, nothing recorded', async () => {
    service = serviceWith({ enabled: false });
    expect(service.enabled).to.equal(false);
    expect(await service.grantAfterVerify(DESK, SAM)).to.equal(undefined);
    expect(await service.grantInPerson(DESK, 'sam.taylor@kscs.org.uk')).to.deep.equal({
      kind: 'refused',
      reason: 'featureOff',
    });
    expect(await stores.temporaryAccessPasses.heldUserIds()).to.deep.equal(new Set());
  });

  it("Microsoft's refusal is passed on and spends the grant; an unavailable Graph leaves it for another press", async () => {
    const grantId = (await service.grantAfterVerify(DESK, SAM))!;
    const issue = sandbox.stub(issuer, 'issue');
    issue.onFirstCall().resolves({ kind: 'refused', reason: 'unavailable' });
    issue.onSecondCall().resolves({ kind: 'refused', reason: 'noPermission' });
    expect(await service.give(DESK, grantId)).to.deep.equal({ kind: 'refused', reason: 'unavailable' });
    expect((await stores.temporaryAccessPasses.get(grantId))?.claimedAt).to.equal(undefined);
    expect(await service.give(DESK, grantId)).to.deep.equal({ kind: 'refused', reason: 'noPermission' });
    expect(await stores.temporaryAccessPasses.get(grantId)).to.deep.include({ outcome: 'noPermission' });
    // Pressed again: the same reason, without asking Microsoft (the desk checks the person again once fixed).
    expect(await service.give(DESK, grantId)).to.deep.equal({ kind: 'refused', reason: 'noPermission' });
    expect(issue.callCount).to.equal(2);
    expect(issue.firstCall.args).to.deep.equal([SAM, { lifetimeMinutes: 60, usableOnce: true }]);
  });

  it('in person: `tap <upn>` needs the confirmation, which is recorded; then one pass', async () => {
    expect(await service.grantInPerson(DESK, 'nobody@kscs.org.uk')).to.deep.equal({
      kind: 'refused',
      reason: 'unknownUser',
    });
    const findByUpn = sandbox.spy(directory, 'findUserByUpn');
    expect(await service.grantInPerson(SAM, 'sam.taylor@kscs.org.uk')).to.deep.equal({
      kind: 'refused',
      reason: 'notDeskMember',
    });
    expect(findByUpn.callCount).to.equal(0);
    const asked = await service.grantInPerson(DESK, 'Sam.Taylor@kscs.org.uk');
    if (asked.kind !== 'confirmNeeded') throw new Error(JSON.stringify(asked));
    expect(asked.user.id).to.equal(SAM);
    expect(await service.give(DESK, asked.grantId)).to.deep.equal({
      kind: 'refused',
      reason: 'notConfirmedInPerson',
    });
    clock.advance(60_000);
    expect(await service.confirmInPerson(SAM, asked.grantId)).to.deep.equal({
      kind: 'refused',
      reason: 'notDeskMember',
    });
    expect(await service.confirmInPerson(DESK, asked.grantId)).to.deep.equal({ kind: 'confirmed' });
    expect(await service.confirmInPerson(DESK, asked.grantId)).to.deep.equal({
      kind: 'refused',
      reason: 'alreadyConfirmed',
    });
    expect(await stores.temporaryAccessPasses.get(asked.grantId)).to.deep.include({
      via: 'inPerson',
      deskMemberId: DESK,
      userId: SAM,
      confirmedInPersonAt: '2026-11-30T10:01:00.000Z',
    });
    const answer = issued(await service.give(DESK, asked.grantId));
    expect(logs.lines.join('\n')).to.not.include(answer.pass);
  });
});
