import { expect } from 'chai';
import type { RegisteredMethod } from '../../src/domain/registration/methods';
import { createLogger } from '../../src/logging/logger';
import {
  ReportUnavailableError,
  type Directory,
  type LiveMethods,
  type RegistrationDetails,
} from '../../src/ports/directory';
import { RegistrationStatusService } from '../../src/status/registrationStatusService';
import { TestClock } from '../support/conversationHarness';

/** A directory that counts calls and answers from a table; `premium: false` refuses the report. */
class CountingDirectory implements Directory {
  readonly kind = 'demo' as const;
  calls = { row: 0, report: 0, live: 0 };
  premium = true;
  reportUpdated = '2026-11-30T07:00:00Z';
  constructor(
    private readonly clock: TestClock,
    readonly report: Map<string, RegisteredMethod[]>,
    readonly live: Map<string, RegisteredMethod[]>,
  ) {}
  private row(userId: string, methods: RegisteredMethod[]): RegistrationDetails {
    return {
      userId,
      methods,
      isMfaRegistered: false,
      isSsprRegistered: false,
      userType: 'member',
      lastUpdated: this.reportUpdated,
      source: 'report',
    };
  }
  getUser = () => Promise.resolve(undefined);
  findUserByUpn = () => Promise.resolve(undefined);
  isTransitiveMemberOf = () => Promise.resolve(false);
  existingUserIds = () => Promise.resolve(new Set<string>());
  async *transitiveMembers() {
    yield await Promise.resolve([]);
  }
  async registrationDetails(userId: string) {
    this.calls.row += 1;
    await new Promise((r) => setTimeout(r, 5));
    const methods = this.report.get(userId);
    return methods && this.row(userId, methods);
  }
  async *registrationReport() {
    this.calls.report += 1;
    if (!this.premium) throw new ReportUnavailableError();
    await new Promise((r) => setTimeout(r, 5));
    yield [...this.report.entries()].map(([id, m]) => this.row(id, m));
  }
  async liveMethods(userId: string): Promise<LiveMethods | undefined> {
    this.calls.live += 1;
    await new Promise((r) => setTimeout(r, 5));
    const methods = this.live.get(userId);
    if (!methods) return undefined;
    return { userId, methods, checkedAt: this.clock.now().toISOString(), includesSecurityQuestions: false };
  }
}

describe('Registration status service (cache, batching, invalidation)', () => {
  const app: RegisteredMethod = { kind: 'authenticatorApp' };
  const email: RegisteredMethod = { kind: 'email', onSchoolDomain: false };
  const questions: RegisteredMethod = { kind: 'securityQuestions' };
  let clock: TestClock;
  let directory: CountingDirectory;
  let service: RegistrationStatusService;

  beforeEach(() => {
    clock = new TestClock(new Date('2026-11-30T10:00:00Z'));
    const ids = Array.from({ length: 20 }, (_, i) => `u${i}`);
    directory = new CountingDirectory(
      clock,
      new Map(ids.map((id) => [id, [app, questions]])),
      new Map(ids.map((id) => [id, [app]])),
    );
    service = new RegistrationStatusService({ directory, clock, log: createLogger('silent') });
  });

  it('answers from the snapshot with no call at all once the report is read', async () => {
    await service.refresh('background');
    for (let i = 0; i < 20; i++) expect((await service.status(`u${i}`)).kind).to.equal('known');
    expect(directory.calls).to.deep.equal({ row: 0, report: 1, live: 0 });
  });

  it('one person costs one row; a crowd costs one pass over the report', async () => {
    await service.status('u1');
    expect(directory.calls).to.deep.equal({ row: 1, report: 0, live: 0 });
    await Promise.all(Array.from({ length: 19 }, (_, i) => service.status(`u${i + 1}`)));
    expect(directory.calls.report).to.equal(1);
    expect(directory.calls.row).to.be.at.most(3);
  });

  it('shares one call between concurrent requests for the same user', async () => {
    await Promise.all([service.liveCheck('u3'), service.liveCheck('u3'), service.liveCheck('u3')]);
    expect(directory.calls.live).to.equal(1);
  });

  it('gives one user 3 live looks per 2 minutes; past that, "I\'ve done it" gets their last look', async () => {
    directory.live.set('u6', [app]);
    for (let i = 0; i < 3; i++) await service.liveCheck('u6');
    directory.live.set('u6', [app, email]);
    clock.advance(60_000);
    const spent = await service.liveCheck('u6');
    expect(spent.kind === 'known' && spent.snapshot.methods).to.deep.equal([app]);
    expect(directory.calls.live).to.equal(3);
    clock.advance(60_000);
    const later = await service.liveCheck('u6');
    expect(later.kind === 'known' && later.snapshot.methods).to.deep.equal([app, email]);
    expect(directory.calls.live).to.equal(4);
    // Someone else's allowance is their own.
    await service.liveCheck('u7');
    expect(directory.calls.live).to.equal(5);
  });

  it('a live check replaces the cached answer, keeping the questions only the report sees', async () => {
    await service.refresh('background');
    directory.live.set('u2', [app, email]);
    const checked = await service.liveCheck('u2');
    expect(checked.kind === 'known' && checked.snapshot.methods).to.deep.equal([app, email, questions]);
    const later = await service.status('u2');
    expect(later.kind === 'known' && later.snapshot.source).to.equal('live');
    expect(directory.calls.row).to.equal(0);
  });

  it('goes back to Graph once the snapshot is older than it may be', async () => {
    await service.refresh('background');
    clock.advance(71 * 60_000);
    await service.status('u4');
    expect(directory.calls.row).to.equal(1);
  });

  it('a user nobody knows is unknown; a user missing from the report gets a live look', async () => {
    expect(await service.status('nobody')).to.deep.equal({ kind: 'unknownUser' });
    directory.live.set('new', [app]);
    const fresh = await service.status('new');
    expect(fresh.kind === 'known' && fresh.snapshot.source).to.equal('live');
  });

  it('stops reading the report in a tenant without it', async () => {
    directory.premium = false;
    await service.refresh('background');
    await service.refresh('background');
    expect(directory.calls.report).to.equal(1);
    const answer = await service.status('u5');
    expect(answer.kind).to.equal('known');
  });
});
