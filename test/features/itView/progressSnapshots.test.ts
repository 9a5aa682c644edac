import { expect } from 'chai';
import { SqliteDatabase } from '../../../src/adapters/sqlite/sqliteDatabase';
import { SqliteProgressSnapshotStore } from '../../../src/adapters/sqlite/sqliteProgressSnapshotStore';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import { ProgressSnapshotJob } from '../../../src/features/itView/progressSnapshotJob';
import type { EmailCheck } from '../../../src/domain/registration/emailCheck';
import { SchoolProgressService } from '../../../src/features/itView/schoolProgressService';
import { RegistrationStatusService } from '../../../src/status/registrationStatusService';
import { tempDataDir } from '../../support/botProcess';
import { SAMPLE_POLICY_PATH, TestClock } from '../../support/conversationHarness';
import { SMALL_GROUPS, SMALL_PEOPLE, SmallSchoolDirectory } from '../../support/itView/smallSchool';
import { captureLog, type CapturedLog } from '../../support/logCapture';
import fs from 'node:fs';

describe("IT's view: the daily counts behind the trend", () => {
  let dir: string;
  let database: SqliteDatabase;
  let days: SqliteProgressSnapshotStore;
  let clock: TestClock;
  let captured: CapturedLog;
  let directory: SmallSchoolDirectory;

  const build = (policy = loadSchoolPolicy(SAMPLE_POLICY_PATH), emailChecks?: Map<string, EmailCheck>) => {
    const status = new RegistrationStatusService({
      directory,
      clock,
      log: captured.log,
      options: { refreshEveryMs: 0 },
    });
    const progress = new SchoolProgressService({
      policy,
      directory,
      status,
      days,
      clock,
      log: captured.log,
      emailChecks: emailChecks && (() => Promise.resolve(emailChecks)),
    });
    return { progress, job: new ProgressSnapshotJob({ progress, log: captured.log }) };
  };

  beforeEach(() => {
    dir = tempDataDir();
    database = SqliteDatabase.open(dir);
    days = new SqliteProgressSnapshotStore(database);
    clock = new TestClock(new Date('2026-12-01T09:00:00Z'));
    captured = captureLog('info');
    directory = new SmallSchoolDirectory();
  });
  afterEach(() => {
    database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("records the school's day in its own time zone; a later count the same day replaces it, the next day adds one", async () => {
    const { job, progress } = build();
    clock.set('2026-06-01T09:00:00Z');
    await job.runOnce();
    clock.set('2026-06-01T22:30:00Z'); // 23:30 on 1 June in London (summer time)
    await job.runOnce();
    clock.set('2026-06-01T23:30:00Z'); // 00:30 on 2 June in London
    await job.runOnce();
    const trend = await progress.trend();
    expect(trend.days.map((d) => [d.date, d.takenAt])).to.deep.equal([
      ['2026-06-01', '2026-06-01T22:30:00.000Z'],
      ['2026-06-02', '2026-06-01T23:30:00.000Z'],
    ]);
    const school = trend.days[0]!.groups[0]!;
    expect(school).to.deep.equal({
      id: 'school',
      name: 'Whole school',
      kind: 'school',
      counts: { complete: 2, phoneOnly: 2, partly: 1, notStarted: 2, unknown: 1, total: 8 },
    });
    // Counts only: nobody's id or name is kept.
    expect(JSON.stringify(trend.days)).to.not.match(/7e000000|Ben Brook|Dee/);
  });

  it("a pupil the campaign's look found on their school address counts as not done, while the look holds", async () => {
    const onSchoolAddress = (reportAsOf: string): Map<string, EmailCheck> =>
      new Map([
        [SMALL_PEOPLE.amy, { reportAsOf, schoolAddress: true, checkedAt: '2026-11-30T09:00:00.000Z' }],
      ]);
    const amyIn = async (checks: Map<string, EmailCheck>) => {
      const view = await build(undefined, checks).progress.view();
      return view.people.find((p) => p.userId === SMALL_PEOPLE.amy);
    };
    // Taken against Amy's report row (app and an email): she is partly done, her email the reason.
    expect(await amyIn(onSchoolAddress('2026-11-30T08:00:00.000Z'))).to.deep.include({
      category: 'partly',
      missing: ['emailOnSchoolDomain', 'secondMethodMissing'],
    });
    // Taken against an older row: it says nothing about today's, and the report's view stands.
    expect(await amyIn(onSchoolAddress('2026-11-01T08:00:00.000Z'))).to.deep.include({
      category: 'complete',
    });
  });

  it("the campaign's left-out people (by id, or in an excluded group) are in no count and no list", async () => {
    const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
    const campaign = policy.campaign!;
    const { progress } = build({
      ...policy,
      campaign: {
        ...campaign,
        targets: {
          ...campaign.targets,
          // Ben by id; Ada as the IT staff group's member.
          exclude: { users: [SMALL_PEOPLE.ben], groups: [{ id: SMALL_GROUPS.itStaff, name: 'IT staff' }] },
        },
      },
    });
    const view = await progress.view();
    const counts = new Map(view.groups.map((g) => [g.name, g.counts]));
    // Ben was Year 7's and the school's one phone-only pupil; Ada was All staff's complete one.
    expect(counts.get('Whole school')).to.deep.equal({
      complete: 1,
      phoneOnly: 1,
      partly: 1,
      notStarted: 2,
      unknown: 1,
      total: 6,
    });
    expect(counts.get('Year 7')).to.deep.include({ complete: 1, phoneOnly: 0, partly: 1, total: 2 });
    expect(counts.get('All pupils')).to.deep.include({ phoneOnly: 0, total: 5 });
    expect(counts.get('All staff')).to.deep.include({ complete: 0, phoneOnly: 1, total: 1 });
    const listed = view.people.map((p) => p.userId);
    expect(listed).to.have.length(6);
    expect(listed).to.not.include.members([SMALL_PEOPLE.ben]);
    expect(listed).to.not.include.members([SMALL_PEOPLE.ada]);
  });

  it('a school whose policy lists no groups records nothing', async () => {
    const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
    const { job } = build({ ...policy, campaign: undefined });
    await job.runOnce();
    expect(await days.list()).to.deep.equal([]);
    expect(directory.calls.groupListing).to.equal(0);
  });

  it('a school with no IT staff group (nobody sees the trend) records nothing and asks Graph nothing', async () => {
    const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
    const { job } = build({ ...policy, groups: { ...policy.groups, itStaff: undefined } });
    await job.runOnce();
    expect(await days.list()).to.deep.equal([]);
    expect(directory.calls).to.deep.equal({ membership: 0, groupListing: 0, reportPasses: 0, perUser: 0 });
  });

  it('a count that fails is logged (no names) and does not throw; the next one records', async () => {
    const { job } = build();
    const listing = directory.transitiveMembers.bind(directory);
    let failing = true;
    directory.transitiveMembers = (groupId: string) => {
      if (failing) throw new Error('directory down for Dee Dale');
      return listing(groupId);
    };
    await job.runOnce();
    expect(await days.list()).to.deep.equal([]);
    const warned = captured.find(/daily progress not recorded/);
    expect(warned).to.have.length(1);
    expect(captured.lines.join('\n')).to.not.include('Dee Dale');
    failing = false;
    await job.runOnce();
    expect((await days.list()).map((d) => d.date)).to.deep.equal(['2026-12-01']);
  });
});
