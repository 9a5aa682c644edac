/**
 * The IT tab's next reminder over HTTP, against the bot's own stores (SQLite) and the small school: which stage
 * goes out next and on which day (the sample policy's calendar moves and merges stages), when each target
 * group's window opens for it, and how many of each group it would reach, decided as the planner decides
 * (registered, disabled, blocked, a live "done", an email look that found the school address). Counted by hand:
 *
 * - All pupils (Years 7 and 8): Amy (app + an email a look found on the school domain: owed), Ben (mobile +
 *   email: phone-only, but the policy leaves him out: not owed), Cal (app only, but a live "I've done it": not owed), Dee (nothing; sent the two
 *   earlier stages: owed), Eve (nothing, blocked the bot: not owed), Fay (disabled: not owed), Gus (no report
 *   row; blocked the bot but spoke to it again since: owed) → 3 owed, 1 of them on their school email.
 * - All staff: Sid (office phone only: owed), Ada (app + an email nobody has looked at: to check), Dee (counted
 *   with pupils, the first target group she is met in) → 1 owed.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import sinon from 'sinon';
import { startApp, type RunningApp } from '../../../src/app';
import { SAMPLE_SCHOOL_CONFIG } from '../../../src/config/env';
import { loadSchoolPolicy } from '../../../src/config/loadSchoolPolicy';
import { createContainer, type Container } from '../../../src/container';
import type { NudgeState } from '../../../src/domain/campaign/nudgeDecision';
import { encodeEmailCheck } from '../../../src/domain/registration/emailCheck';
import { emailCheckedMarker, registeredMarker } from '../../../src/nudges/campaignContext';
import { tempDataDir } from '../../support/botProcess';
import { TestClock } from '../../support/conversationHarness';
import { SMALL_GROUPS, SMALL_PEOPLE, SmallSchoolDirectory } from '../../support/itView/smallSchool';
import { startTabIdentity, tabAppConfig, type TabIdentity } from '../../support/itView/tabIdentity';
import { captureLog } from '../../support/logCapture';

/** Tuesday 5 January 2027, 10:00 in London: the 7-day reminder went out yesterday. */
const NOW = '2027-01-05T10:00:00.000Z';
const P = SMALL_PEOPLE;

interface NextFigures {
  stage: string;
  label: string;
  sendOn: string;
  moved?: string;
  mergedWith: string[];
  owed: number;
  groups: {
    id: string;
    name: string;
    windows: string[];
    opensAt: string | null;
    opensOn: string | null;
    opensTime: string | null;
    owed: number;
    schoolEmail: number;
    toCheck: number;
  }[];
}

describe("IT's tab: the next reminder, when it goes and whom it would reach", () => {
  let identity: TabIdentity;
  let app: RunningApp;
  let container: Container;
  let clock: TestClock;
  let directory: SmallSchoolDirectory;
  let dataDir: string;

  async function row(userId: string, nudge: string, state: NudgeState, at: string): Promise<void> {
    const ledger = container.stores.nudgeLedger;
    const key = { campaignId: container.nudges!.deps.campaign.id, userId, nudge };
    await ledger.claim([{ ...key, group: 'Year 8', at }]);
    await ledger.update(key, (await ledger.get(key))!.etag, { state, attempts: 1, updatedAt: at });
  }

  before(async () => {
    identity = await startTabIdentity();
    dataDir = tempDataDir();
    clock = new TestClock(new Date(NOW));
    // Dee is in the staff group too (a pupil helping in the office): counted once, with pupils, whose windows she keeps.
    directory = new SmallSchoolDirectory({ [SMALL_GROUPS.allStaff]: [P.dee] });
    // The sample policy, leaving Ben out of the campaign.
    const sample = loadSchoolPolicy(SAMPLE_SCHOOL_CONFIG);
    const campaign = sample.campaign!;
    const policy = {
      ...sample,
      campaign: { ...campaign, targets: { ...campaign.targets, exclude: { groups: [], users: [P.ben] } } },
    };
    container = await createContainer(tabAppConfig(identity, dataDir), {
      log: captureLog('fatal').log,
      clock,
      policy,
      directory: { directory },
    });
    app = await startApp(container);
    const campaignId = container.nudges!.deps.campaign.id;
    const ledger = container.stores.nudgeLedger;
    await row(P.dee, 'd14', 'sent', '2026-12-18T15:45:00.000Z');
    await row(P.dee, 'd7', 'sent', '2027-01-04T15:45:00.000Z');
    await row(P.eve, 'd7', 'blocked', '2027-01-04T15:45:00.000Z');
    await row(P.gus, 'd14', 'blocked', '2026-12-18T15:45:00.000Z');
    await container.stores.references.save({
      userId: P.gus,
      tenantId: 'tenant',
      conversationId: 'a:gus',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      reference: {},
      updatedAt: '2027-01-04T16:00:00.000Z',
    });
    await ledger.setMarker(campaignId, registeredMarker(P.cal), '2027-01-04T12:00:00.000Z');
    // Amy's look was taken against her report row as it is (the small school's rows are of 30 November, 08:00).
    await ledger.setMarker(
      campaignId,
      emailCheckedMarker(P.amy),
      encodeEmailCheck({
        reportAsOf: '2026-11-30T08:00:00.000Z',
        schoolAddress: true,
        checkedAt: '2027-01-04T15:00:00.000Z',
      }),
    );
  });
  after(async () => {
    await app?.stop();
    await identity?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const next = async (token = identity.token(P.ada)) => {
    const response = await fetch(`http://127.0.0.1:${app.port}/api/it/campaign`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).to.equal(200);
    return ((await response.json()) as { next: NextFigures | null }).next;
  };

  it('names the next stage and its school day, when each group gets it, and how many it would reach', async () => {
    // Thursday 7 January, 19:30: the 7-day reminder's windows have all shut before the next stage's day.
    clock.set('2027-01-07T19:30:00.000Z');
    const perUserBefore = directory.calls.perUser;
    expect(await next()).to.deep.equal({
      stage: 'd1',
      label: '1 day before',
      // Sunday 10 January is no school day: the reminder goes out on Friday 8, with the 3-day one.
      sendOn: '2027-01-08',
      moved: 'moved from Sunday 10 January 2027 (weekend)',
      mergedWith: ['3 days before'],
      owed: 4,
      groups: [
        {
          id: SMALL_GROUPS.allPupils,
          name: 'All pupils',
          windows: ['Mon–Fri 15:45–19:00', 'Sat 09:30–12:00'],
          opensAt: '2027-01-08T15:45:00.000Z',
          opensOn: '2027-01-08',
          opensTime: '15:45',
          owed: 3,
          schoolEmail: 1,
          toCheck: 0,
        },
        {
          id: SMALL_GROUPS.allStaff,
          name: 'All staff',
          windows: ['Mon–Fri 08:30–16:00'],
          opensAt: '2027-01-08T08:30:00.000Z',
          opensOn: '2027-01-08',
          opensTime: '08:30',
          owed: 1,
          schoolEmail: 0,
          toCheck: 1,
        },
      ],
    });
    // From the report and the ledger: no call about any one person.
    expect(directory.calls.perUser).to.equal(perUserBefore);
  });

  it('the day after a stage, while its windows still open before the next: its catch-up is next', async () => {
    // Tuesday 5 January, 10:00: the 7-day reminder (Monday) stays current until Friday's stage, and the planner
    // sends it to whoever has not had it (Dee got it; Eve blocked the bot): staff now, pupils at 15:45.
    clock.set(NOW);
    const figures = (await next())!;
    expect(figures).to.deep.include({ stage: 'd7', label: '7 days before', sendOn: '2027-01-04', owed: 3 });
    expect(figures.groups.map((g) => [g.name, g.opensAt, g.owed, g.schoolEmail, g.toCheck])).to.deep.equal([
      ['All pupils', '2027-01-05T15:45:00.000Z', 2, 1, 0],
      ['All staff', '2027-01-05T10:00:00.000Z', 1, 0, 1],
    ]);
  });

  it("on the day, after staff's window has shut: the stage is still next for pupils, staff get none of it", async () => {
    // Monday 11 January (the deadline), 17:00: staff's window shut at 16:00, pupils' is open until 19:00.
    clock.set('2027-01-11T17:00:00.000Z');
    const figures = (await next())!;
    expect(figures).to.deep.include({ stage: 'd0', label: 'on the day', sendOn: '2027-01-11', owed: 3 });
    expect(figures.groups.map((g) => [g.name, g.opensAt, g.owed, g.toCheck])).to.deep.equal([
      // Open now: owed now.
      ['All pupils', '2027-01-11T17:00:00.000Z', 3, 0],
      ['All staff', null, 0, 0],
    ]);
  });

  it('with every stage past, there is no next reminder', async () => {
    clock.set('2027-01-11T19:00:00.000Z');
    expect(await next()).to.equal(null);
  });

  describe('one forecast answers every asker for five minutes', () => {
    const sandbox = sinon.createSandbox();
    afterEach(() => sandbox.restore());

    it('reads the ledger once for two askers, and again once five minutes have passed', async () => {
      const histories = sandbox.spy(container.stores.nudgeLedger, 'histories');
      clock.set('2027-01-05T11:00:00.000Z');
      const [first, second] = await Promise.all([next(), next()]);
      expect(second).to.deep.equal(first);
      // One read per target group with anyone owed (pupils, staff).
      expect(histories.callCount).to.equal(2);
      clock.set('2027-01-05T11:04:59.000Z');
      await next();
      expect(histories.callCount).to.equal(2);
      clock.set('2027-01-05T11:05:00.000Z');
      expect((await next())!.owed).to.equal(3);
      expect(histories.callCount).to.equal(4);
    });
  });

  it('refuses a pupil (403) and no token (401) with no figure', async () => {
    clock.set(NOW);
    for (const [headers, status] of [
      [{ Authorization: `Bearer ${identity.token(P.dee)}` }, 403],
      [{}, 401],
    ] as const) {
      const response = await fetch(`http://127.0.0.1:${app.port}/api/it/campaign`, { headers });
      expect(response.status).to.equal(status);
      const text = await response.text();
      expect(Object.keys(JSON.parse(text) as object).sort()).to.deep.equal(['error', 'message']);
      expect(text).to.not.match(/\d|d1|pupils/i);
    }
  });
});
