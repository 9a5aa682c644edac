/**
 * The people behind a number with what was done about each: their last nudge (from the campaign's ledger) and
 * their help requests still open, over HTTP against the bot's own stores (SQLite), in the list and the CSV. One
 * scan of the ledger and one read of each escalation list per answer, however many people are listed.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import sinon from 'sinon';
import type { RunningApp } from '../../../src/app';
import type { Container } from '../../../src/container';
import type { NudgeState } from '../../../src/domain/campaign/nudgeDecision';
import { tempDataDir } from '../../support/botProcess';
import { SMALL_GROUPS, SMALL_PEOPLE } from '../../support/itView/smallSchool';
import { startSmallSchoolTab } from '../../support/itView/smallSchoolTab';
import { startTabIdentity, type TabIdentity } from '../../support/itView/tabIdentity';

const NOW = '2026-12-01T10:00:00.000Z';
const WORDS = 'my sister has my old phone and the code goes to her';
const P = SMALL_PEOPLE;

const startTab = (identity: TabIdentity, dataDir: string, nudges?: false) =>
  startSmallSchoolTab(identity, dataDir, { now: NOW, nudges });

/** Stores a help request of `userId` (after the clock's now: the running outbox leaves it queued). */
async function helpRequest(container: Container, n: number, userId: string, reference: string) {
  const created = await container.stores.escalations.create(
    {
      id: `e5000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      userId,
      formId: `form-${n}`,
      category: 'noTextOrCall',
      way: 'walkIn',
      words: { text: WORDS, truncated: false },
      step: 'first.app.scan',
      createdAt: `2026-12-01T11:0${n}:00.000Z`,
      localDate: '2026-12-01',
      channelCopy: 'none',
    },
    3,
    () => reference,
  );
  expect(created.kind).to.equal('created');
  return `e5000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

describe("IT's tab: each person's last nudge and open escalations in the people list and its CSV", () => {
  let identity: TabIdentity;
  const dataDirs: string[] = [];
  const running: RunningApp[] = [];
  let sandbox: sinon.SinonSandbox;

  before(async () => {
    identity = await startTabIdentity();
  });
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());
  after(async () => {
    for (const app of running) await app.stop();
    await identity?.close();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function school(nudges?: false) {
    const dataDir = tempDataDir();
    dataDirs.push(dataDir);
    const started = await startTab(identity, dataDir, nudges);
    running.push(started.app);
    return started;
  }

  const get = (app: RunningApp, path: string) =>
    fetch(`http://127.0.0.1:${app.port}${path}`, {
      headers: { Authorization: `Bearer ${identity.token(P.ada)}` },
    });

  describe('with a campaign', () => {
    let app: RunningApp;
    let container: Container;
    let stages: string[];

    /** A ledger row of `userId` for `nudge`, claimed at `claimedAt`, put in `state` at `at`. */
    async function nudged(userId: string, nudge: string, state: NudgeState, claimedAt: string, at: string) {
      const ledger = container.stores.nudgeLedger;
      const key = { campaignId: container.nudges!.deps.campaign.id, userId, nudge };
      await ledger.claim([{ ...key, group: 'All pupils', at: claimedAt }]);
      await ledger.update(key, (await ledger.get(key))!.etag, { state, attempts: 1, updatedAt: at });
    }

    before(async () => {
      ({ app, container } = await school());
      stages = container.nudges!.deps.campaign.stages.map((s) => s.key);
      const [d14, d7] = stages as [string, string];
      // Ben: 14 days before sent, then 7 days before blocked (the last).
      await nudged(P.ben, d14, 'sent', '2026-11-20T07:00:00.000Z', '2026-11-20T16:00:00.000Z');
      await nudged(P.ben, d7, 'blocked', '2026-11-30T07:00:00.000Z', '2026-11-30T16:05:00.000Z');
      // Cal: sent and snoozed, then the snooze's reminder failed (it counts in its stage).
      await nudged(P.cal, d14, 'snoozed', '2026-11-20T07:00:00.000Z', '2026-11-20T16:00:00.000Z');
      await nudged(P.cal, `${d14}+s1`, 'failed', '2026-11-20T16:10:00.000Z', '2026-11-21T16:00:00.000Z');
      // Dee: could not install, then a later stage skipped (she never got it): the install is her last.
      await nudged(P.dee, d14, 'notInstallable', '2026-11-20T07:00:00.000Z', '2026-11-20T15:50:00.000Z');
      await nudged(P.dee, d7, 'skippedRegistered', '2026-11-30T07:00:00.000Z', '2026-11-30T16:00:00.000Z');
      // Sid (staff): queued now.
      await nudged(P.sid, d7, 'queued', '2026-12-01T07:00:00.000Z', '2026-12-01T07:00:00.000Z');

      // Dee: one given up on, one not mailed yet; Eve: one mailed (settled, not open).
      const deeGivenUp = await helpRequest(container, 1, P.dee, 'MFA-DEE1');
      await container.stores.escalations.markFailed(deeGivenUp, '403 ErrorAccessDenied');
      await helpRequest(container, 2, P.dee, 'MFA-DEE2');
      const eveSent = await helpRequest(container, 3, P.eve, 'MFA-EVE1');
      await container.stores.escalations.markSent(eveSent, new Date(NOW));
    });

    it('lists each person with their last nudge (stage, day, outcome) and open references; nothing for the rest', async () => {
      const response = await get(app, `/api/it/people?group=${SMALL_GROUPS.year7}`);
      expect(response.status).to.equal(200);
      const { people } = (await response.json()) as { people: Record<string, unknown>[] };
      expect(
        people.map(({ name, lastNudge, openEscalations }) => ({ name, lastNudge, openEscalations })),
      ).to.deep.equal([
        { name: 'Amy Able', lastNudge: null, openEscalations: [] },
        {
          name: 'Ben Brook',
          lastNudge: {
            stage: stages[1],
            stageLabel: '7 days before',
            on: '2026-11-30',
            outcome: 'blocked',
            outcomeLabel: 'blocked',
          },
          openEscalations: [],
        },
        {
          name: 'Cal Cole',
          lastNudge: {
            stage: stages[0],
            stageLabel: '14 days before',
            on: '2026-11-21',
            outcome: 'failed',
            outcomeLabel: 'failed',
          },
          openEscalations: [],
        },
      ]);

      const year8 = (await (await get(app, `/api/it/people?group=${SMALL_GROUPS.year8}`)).json()) as {
        people: { name: string; lastNudge: unknown; openEscalations: string[] }[];
      };
      expect(year8.people.map((p) => [p.name, p.lastNudge, p.openEscalations])).to.deep.equal([
        ['=HYPERLINK("http://x.example","Eve")', null, []],
        [
          'Dee Dale',
          {
            stage: stages[0],
            stageLabel: '14 days before',
            on: '2026-11-20',
            outcome: 'notInstallable',
            outcomeLabel: 'could not install',
          },
          ['MFA-DEE1', 'MFA-DEE2'],
        ],
        ['Gus Gray', null, []],
      ]);
      expect(JSON.stringify(year8)).to.not.include(WORDS);
    });

    it('the CSV has the same in its own columns', async () => {
      const csv = await get(app, `/api/it/people.csv?category=phoneOnly`);
      expect(csv.status).to.equal(200);
      const lines = Buffer.from(await csv.arrayBuffer())
        .toString('utf8')
        .slice(1)
        .split('\r\n');
      expect(lines).to.deep.equal([
        '"Name","Year or department","Progress","What is missing","Groups","Last nudge","Last nudge on","Last nudge outcome","Open escalations"',
        '"Ben Brook","Year 7","phone-only","a method other than texts or calls","Year 7; All pupils","7 days before","2026-11-30","blocked",""',
        '"Sid Smith","Science","phone-only","second method; a method other than texts or calls","All staff","7 days before","2026-12-01","queued",""',
        '',
      ]);
      const notStarted = (await (await get(app, `/api/it/people.csv?category=notStarted`)).text()).split(
        '\r\n',
      );
      expect(notStarted.find((l) => l.startsWith('"Dee Dale"'))).to.equal(
        '"Dee Dale","Year 8","not started","nothing registered","Year 8; All pupils","14 days before","2026-11-20","could not install","MFA-DEE1; MFA-DEE2"',
      );
    });

    it('reads the ledger once and each escalation list once per answer, never per person', async () => {
      const entries = sandbox.spy(container.nudges!.service, 'entries');
      const ledger = container.stores.nudgeLedger;
      const perPerson = [
        sandbox.spy(ledger, 'history'),
        sandbox.spy(ledger, 'histories'),
        sandbox.spy(ledger, 'get'),
      ];
      const givenUp = sandbox.spy(container.stores.escalations, 'givenUp');
      const unsettled = sandbox.spy(container.stores.escalations, 'unsettled');
      expect((await get(app, '/api/it/people')).status).to.equal(200);
      expect((await get(app, '/api/it/people.csv')).status).to.equal(200);
      expect(entries.callCount).to.equal(2);
      expect(givenUp.callCount).to.equal(2);
      expect(unsettled.callCount).to.equal(2);
      expect(perPerson.map((s) => s.callCount)).to.deep.equal([0, 0, 0]);
    });

    it('the escalation store failing costs these columns, said so, not the list', async () => {
      sandbox.stub(container.stores.escalations, 'givenUp').rejects(new Error('storage down'));
      const response = await get(app, `/api/it/people?group=${SMALL_GROUPS.year7}`);
      expect(response.status).to.equal(200);
      const answer = (await response.json()) as {
        people: { name: string; lastNudge: unknown; openEscalations: unknown[] }[];
        followUpsUnavailable: boolean;
      };
      expect(answer.followUpsUnavailable).to.equal(true);
      expect(answer.people.map((p) => [p.name, p.lastNudge, p.openEscalations])).to.deep.equal([
        ['Amy Able', null, []],
        ['Ben Brook', null, []],
        ['Cal Cole', null, []],
      ]);
    });

    it('the next reminder failing to count costs that block, said so, not the delivery figures', async () => {
      sandbox.stub(container.nudges!.service, 'nextReminder').rejects(new Error('Graph down'));
      const response = await get(app, '/api/it/campaign');
      expect(response.status).to.equal(200);
      const figures = (await response.json()) as {
        next: unknown;
        nextUnavailable: boolean;
        totals: Record<string, number>;
      };
      expect([figures.next, figures.nextUnavailable]).to.deep.equal([null, true]);
      // Ben's 14 days before (sent), his 7 days before (blocked), Dee's install, Cal's reminder after a snooze.
      expect(figures.totals).to.deep.include({ sent: 1, blocked: 1, notInstallable: 1, failed: 1 });
    });
  });

  it('with no campaign: no last nudge for anyone, open escalations still listed', async () => {
    const { app, container } = await school(false);
    await helpRequest(container, 4, P.ben, 'MFA-BEN1');
    const { people } = (await (await get(app, `/api/it/people?group=${SMALL_GROUPS.year7}`)).json()) as {
      people: { name: string; lastNudge: unknown; openEscalations: string[] }[];
    };
    expect(people.map((p) => [p.name, p.lastNudge, p.openEscalations])).to.deep.equal([
      ['Amy Able', null, []],
      ['Ben Brook', null, ['MFA-BEN1']],
      ['Cal Cole', null, []],
    ]);
  });
});
