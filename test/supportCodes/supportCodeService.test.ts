import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { generate } from 'otplib';
import { SecretBox } from '../../src/adapters/crypto/secretBox';
import { DemoDirectory } from '../../src/adapters/demo/demoDirectory';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { SqliteEscalationStore } from '../../src/adapters/sqlite/sqliteEscalationStore';
import { SqliteSupportCodeStore } from '../../src/adapters/sqlite/sqliteSupportCodeStore';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { createLogger } from '../../src/logging/logger';
import { SupportCodeService } from '../../src/supportCodes/supportCodeService';
import { tempDataDir } from '../support/botProcess';
import { SAMPLE_POLICY_PATH, TestClock } from '../support/conversationHarness';

const DESK = DEMO_USERS.danielOkafor;
const SAM = DEMO_USERS.samTaylor;
const PUPIL = DEMO_USERS.priyaShah;

describe('Support codes: the service desk check', () => {
  let dataDir: string;
  let database: SqliteDatabase;
  let store: SqliteSupportCodeStore;
  let escalations: SqliteEscalationStore;
  let directory: DemoDirectory;
  let clock: TestClock;
  let service: SupportCodeService;
  let box: SecretBox;
  const sandbox = sinon.createSandbox();

  beforeEach(() => {
    dataDir = tempDataDir('mfa-buddy-codes-');
    database = SqliteDatabase.open(dataDir);
    store = new SqliteSupportCodeStore(database);
    escalations = new SqliteEscalationStore(database);
    clock = new TestClock(new Date('2026-11-30T10:00:05Z'));
    directory = new DemoDirectory(clock);
    box = new SecretBox(crypto.randomBytes(32));
    service = new SupportCodeService({
      store,
      escalations,
      directory,
      box,
      policy: loadSchoolPolicy(SAMPLE_POLICY_PATH),
      clock,
      log: createLogger('silent'),
    });
  });
  afterEach(() => {
    sandbox.restore();
    database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
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

  it('makes a secret on first use, keeps it sealed (not in the database file), and reuses it', async () => {
    const first = await service.codeFor(SAM);
    expect(first.code).to.equal(await samsCodeNow());
    expect(first.secondsLeft).to.equal(25);
    const stored = await store.getSecret(SAM);
    expect(stored!.sealed).to.match(/^v1:/);
    expect((await service.codeFor(SAM)).code).to.equal(first.code);
    const raw = box.open(stored!.sealed, SAM);
    const files = fs.readdirSync(dataDir).map((f) => fs.readFileSync(path.join(dataDir, f)));
    for (const file of files) expect(file.includes(Buffer.from(raw))).to.equal(false);
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
    expect(await service.verify(DESK, 'sam.taylor@kscs.org.uk', wrong)).to.deep.include({ reason: 'wrong' });
    expect(await service.verify(DESK, 'sam.taylor@kscs.org.uk', await samsCodeNow(-2))).to.deep.include({
      reason: 'wrong',
    });
    expect(await service.verify(DESK, 'nobody@kscs.org.uk', right)).to.deep.equal({ kind: 'unknownTarget' });
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
    const rekeyed = new SupportCodeService({
      store,
      escalations,
      directory,
      box,
      policy: loadSchoolPolicy(SAMPLE_POLICY_PATH),
      clock,
      log: createLogger('silent'),
    });
    expect((await rekeyed.verify(DESK, 'sam.taylor@kscs.org.uk', '123456')).kind).to.equal('noCode');
    const code = await rekeyed.codeFor(SAM);
    expect(code.code).to.equal(await samsCodeNow());
    expect((await rekeyed.verify(DESK, 'sam.taylor@kscs.org.uk', code.code)).kind).to.equal('valid');
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
