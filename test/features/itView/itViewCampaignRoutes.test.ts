/**
 * The IT tab's campaign and escalation routes over HTTP, against the bot's own stores (SQLite): the delivery
 * outcomes by stage as the ledger holds them, the resend to failures (a POST only, IT staff only), and the
 * escalations whose mail was given up on or is not settled yet, without the pupil's words.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import type { RunningApp } from '../../../src/app';
import type { Container } from '../../../src/container';
import type { NudgeState } from '../../../src/domain/campaign/nudgeDecision';
import type { CreateResult, Escalation, NewEscalation } from '../../../src/ports/escalationStore';
import type { PassSummary } from '../../../src/nudges/campaignPlanner';
import { withLastPass } from '../../../src/nudges/lastPasses';
import type { LedgerEntry } from '../../../src/ports/nudgeLedger';
import { tempDataDir } from '../../support/botProcess';
import { SMALL_PEOPLE } from '../../support/itView/smallSchool';
import { startSmallSchoolTab } from '../../support/itView/smallSchoolTab';
import { startTabIdentity, type TabIdentity } from '../../support/itView/tabIdentity';

const NOW = '2026-12-01T10:00:00.000Z';
/** What a pupil typed into the help form: it must never reach the tab. */
const WORDS = 'my sister has my old phone and the code goes to her';

const pupil = (n: number) => `9b000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let escalationCounter = 0;
/** A help request made after the test clock's now, so the running outbox does not send it meanwhile. */
function helpRequest(extra: Partial<NewEscalation> = {}): NewEscalation {
  escalationCounter++;
  return {
    id: `e5000000-0000-4000-8000-${String(escalationCounter).padStart(12, '0')}`,
    userId: SMALL_PEOPLE.dee,
    formId: `form-${escalationCounter}`,
    category: 'noTextOrCall',
    way: 'walkIn',
    words: { text: WORDS, truncated: false },
    step: 'first.app.scan',
    createdAt: `2026-12-01T11:${String(escalationCounter % 60).padStart(2, '0')}:00.000Z`,
    localDate: '2026-12-01',
    channelCopy: 'none',
    ...extra,
  };
}

const startTab = (identity: TabIdentity, dataDir: string, nudges?: false) =>
  startSmallSchoolTab(identity, dataDir, { now: NOW, nudges });

describe("IT's tab: the campaign's delivery, the resend to failures, and the open escalations", () => {
  let identity: TabIdentity;
  let app: RunningApp;
  let container: Container;
  let dataDir: string;
  let campaignId: string;
  let first: string;
  let second: string;
  let pupils: string;
  let staff: string;

  /** Ledger rows for pupils 1…n of `nudge`, each put in `state`. */
  async function rows(nudge: string, states: NudgeState[]): Promise<void> {
    const ledger = container.stores.nudgeLedger;
    for (const [i, state] of states.entries()) {
      const key = { campaignId, userId: pupil(i + 1), nudge };
      await ledger.claim([{ ...key, group: 'Year 7', at: NOW }]);
      const row = (await ledger.get(key))!;
      await ledger.update(key, row.etag, {
        state,
        attempts: 1,
        failures: state === 'failed' ? 3 : undefined,
        updatedAt: NOW,
      });
    }
  }

  before(async () => {
    identity = await startTabIdentity();
    dataDir = tempDataDir();
    ({ container, app } = await startTab(identity, dataDir));
    const nudges = container.nudges!;
    campaignId = nudges.deps.campaign.id;
    [first, second] = nudges.deps.campaign.stages.map((s) => s.key) as [string, string];
    await rows(first, ['sent', 'sent', 'sent', 'blocked', 'failed']);
    await rows(second, ['sent', 'notInstallable', 'skippedRegistered']);
    // A snooze's reminder counts in its stage.
    await rows(`${second}+s1`, ['failed']);
    // Yesterday's pupils' pass after school, then this morning's staff pass, as the planner records them.
    [pupils, staff] = nudges.deps.campaign.policy.targets.groups.map((g) => g.id) as [string, string];
    const pupilsPass = {
      at: '2026-11-30T16:00:00.000Z',
      stage: first,
      groups: [pupils],
      members: 6,
      queued: 5,
    };
    const staffPass = {
      at: '2026-12-01T09:00:00.000Z',
      stage: second,
      groups: [staff],
      members: 8,
      queued: 3,
      cardsToUpdate: 2,
    };
    const passes = [pupilsPass, staffPass].reduce<string | undefined>(
      (stored, pass) => withLastPass(stored, pass as PassSummary),
      undefined,
    );
    await container.stores.nudgeLedger.setMarker(campaignId, 'lastPasses', passes!);
    await container.stores.nudgeLedger.setMarker(campaignId, 'lastPass', JSON.stringify(staffPass));
  });
  after(async () => {
    await app?.stop();
    await identity?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, token?: string, method = 'GET') =>
    fetch(`http://127.0.0.1:${app.port}${path}`, {
      method,
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    });
  const ada = () => identity.token(SMALL_PEOPLE.ada);
  const failedRows = async () => {
    const found: LedgerEntry[] = [];
    for await (const page of container.stores.nudgeLedger.scan(campaignId, { states: ['failed'] }))
      found.push(...page);
    return found;
  };

  it('IT staff get the outcomes of each stage, in sending order, with each group’s last pass', async () => {
    const response = await call('/api/it/campaign', ada());
    expect(response.status).to.equal(200);
    expect(response.headers.get('cache-control')).to.equal('no-store');
    const body = (await response.json()) as {
      configured: boolean;
      stages: { key: string; label: string; counts: Record<string, number> }[];
      totals: Record<string, number>;
      lastPass: unknown;
      lastPasses: unknown[];
      outcomes: { key: string }[];
    };
    expect(body.configured).to.equal(true);
    expect(body.outcomes.map((o) => o.key)).to.deep.equal(['sent', 'blocked', 'notInstallable', 'failed']);
    expect(body.stages[0]).to.deep.include({
      key: first,
      counts: { sent: 3, blocked: 1, notInstallable: 0, failed: 1 },
    });
    expect(body.stages[1]).to.deep.include({
      key: second,
      counts: { sent: 1, blocked: 0, notInstallable: 1, failed: 1 },
    });
    expect(body.stages[0]!.label).to.match(/^\d+ days before$/);
    expect(body.stages.slice(2).every((s) => Object.values(s.counts).every((n) => n === 0))).to.equal(true);
    expect(body.totals).to.deep.equal({ sent: 4, blocked: 1, notInstallable: 1, failed: 2 });
    // Each group's last pass, newest first: the staff's this morning does not hide the pupils' yesterday.
    const staffPass = {
      at: '2026-12-01T09:00:00.000Z',
      stage: second,
      stageLabel: body.stages[1]!.label,
      queued: 3,
      cardsToUpdate: 2,
      groups: [{ id: staff, name: 'All staff' }],
    };
    expect(body.lastPasses).to.deep.equal([
      staffPass,
      {
        at: '2026-11-30T16:00:00.000Z',
        stage: first,
        stageLabel: body.stages[0]!.label,
        queued: 5,
        // Recorded before passes counted the reminders they change.
        cardsToUpdate: 0,
        groups: [{ id: pupils, name: 'All pupils' }],
      },
    ]);
    expect(body.lastPass).to.deep.equal(staffPass);
  });

  const refusals: [string, () => string | undefined, number][] = [
    ['no token', () => undefined, 401],
    ["a pupil's token", () => identity.token(SMALL_PEOPLE.dee), 403],
  ];
  for (const [who, token, status] of refusals) {
    it(`refuses ${who} (${status}) on the campaign, the resend and the escalations, with nothing in the answer and nothing queued`, async () => {
      const queueBefore = await container.stores.nudgeQueue.approximateCount();
      for (const [path, method] of [
        ['/api/it/campaign', 'GET'],
        ['/api/it/campaign/resend', 'POST'],
        ['/api/it/escalations', 'GET'],
      ] as const) {
        const response = await call(path, token(), method);
        expect(response.status, path).to.equal(status);
        const body = (await response.json()) as Record<string, unknown>;
        expect(Object.keys(body).sort(), path).to.deep.equal(['error', 'message']);
        expect(JSON.stringify(body), path).to.not.match(/\d|MFA-|sent|failed/);
      }
      expect(await failedRows()).to.have.length(2);
      expect(await container.stores.nudgeQueue.approximateCount()).to.equal(queueBefore);
    });
  }

  it('a GET of the resend is refused (a link or a prefetch queues nothing)', async () => {
    const response = await call('/api/it/campaign/resend', ada());
    expect(response.status).to.equal(405);
    expect(await failedRows()).to.have.length(2);
  });

  it("lists the escalations given up on, then those whose mail is not settled, newest first, without the pupil's words", async () => {
    const store = container.stores.escalations;
    const take = (r: CreateResult) => (r as { escalation: Escalation }).escalation;
    const newRef = (ref: string) => () => ref;
    const queued = take(await store.create(helpRequest({ category: 'signInNotMe' }), 99, newRef('MFA-Q1')));
    const composed = take(await store.create(helpRequest(), 99, newRef('MFA-C1')));
    await store.saveComposed(composed.id, {
      sender: 'desk@school.example',
      to: 'desk@school.example',
      subject: '[MFA-C1] Text or call not arriving',
      html: `<p>${WORDS}</p>`,
      internetMessageId: '<c1@school.example>',
      headers: [],
    });
    const sent = take(await store.create(helpRequest(), 99, newRef('MFA-S1')));
    await store.saveComposed(sent.id, {
      sender: 'desk@school.example',
      to: 'desk@school.example',
      subject: '[MFA-S1] Text or call not arriving',
      html: '<p>x</p>',
      internetMessageId: '<s1@school.example>',
      headers: [],
    });
    expect(await store.claimAttempt(sent.id, new Date('2026-12-01T12:00:00.000Z'))).to.equal(true);
    await store.markSent(sent.id, new Date('2026-12-01T12:00:01.000Z'));
    // Composed (the words are in the mail) before the outbox gave up on it.
    const failed = take(await store.create(helpRequest(), 99, newRef('MFA-F1')));
    await store.saveComposed(failed.id, {
      sender: 'desk@school.example',
      to: 'desk@school.example',
      subject: '[MFA-F1] Text or call not arriving',
      html: `<p>${WORDS}</p>`,
      internetMessageId: '<f1@school.example>',
      headers: [],
    });
    await store.markFailed(failed.id, '403 ErrorAccessDenied');

    const response = await call('/api/it/escalations', ada());
    expect(response.status).to.equal(200);
    const text = await response.text();
    expect(text).to.not.include(WORDS.slice(0, 20));
    expect(JSON.parse(text)).to.deep.equal({
      escalations: [
        // Given up on first: nothing more happens to it unless someone at the school acts.
        {
          reference: 'MFA-F1',
          category: 'Text or call not arriving',
          state: 'Mail not delivered: handle by hand',
          createdAt: failed.createdAt,
          givenUp: true,
        },
        {
          reference: 'MFA-C1',
          category: 'Text or call not arriving',
          state: 'mail not accepted yet (retrying)',
          createdAt: composed.createdAt,
          givenUp: false,
        },
        {
          reference: 'MFA-Q1',
          category: 'Sign-in request the user did not start (someone may have their password)',
          state: 'not mailed yet',
          createdAt: queued.createdAt,
          givenUp: false,
        },
      ],
      more: false,
      shown: 100,
    });
  });

  it('lists the newest 100 only, and says there are more', async () => {
    const store = container.stores.escalations;
    for (let i = 0; i < 100; i++) await store.create(helpRequest(), 999, () => `MFA-N${i}`);
    const body = (await (await call('/api/it/escalations', ada())).json()) as {
      escalations: unknown[];
      more: boolean;
    };
    expect(body.escalations).to.have.length(100);
    expect(body.more).to.equal(true);
  });

  it('a POST of the resend from IT staff queues the failed nudges again and answers how many', async () => {
    const queueBefore = await container.stores.nudgeQueue.approximateCount();
    const response = await call('/api/it/campaign/resend', ada(), 'POST');
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ queued: 2 });
    expect(await failedRows()).to.deep.equal([]);
    const again = [
      (await container.stores.nudgeLedger.get({ campaignId, userId: pupil(5), nudge: first }))!,
      (await container.stores.nudgeLedger.get({ campaignId, userId: pupil(1), nudge: `${second}+s1` }))!,
    ];
    expect(again.map((e) => [e.state, e.detail])).to.deep.equal([
      ['queued', 'resend'],
      ['queued', 'resend'],
    ]);
    expect(await container.stores.nudgeQueue.approximateCount()).to.equal(queueBefore + 2);
    const figures = (await (await call('/api/it/campaign', ada())).json()) as {
      totals: Record<string, number>;
    };
    expect(figures.totals.failed).to.equal(0);
    // Nothing left to resend: a second press queues none.
    expect(await (await call('/api/it/campaign/resend', ada(), 'POST')).json()).to.deep.equal({ queued: 0 });
  });

  describe('with no campaign in the policy', () => {
    let bare: { container: Container; app: RunningApp };
    let bareDir: string;
    before(async () => {
      bareDir = tempDataDir();
      bare = await startTab(identity, bareDir, false);
    });
    after(async () => {
      await bare?.app.stop();
      fs.rmSync(bareDir, { recursive: true, force: true });
    });

    it('the campaign route says none is set up, and the resend finds nothing to do', async () => {
      const at = (path: string) => `http://127.0.0.1:${bare.app.port}${path}`;
      const headers = { Authorization: `Bearer ${ada()}` };
      const figures = await fetch(at('/api/it/campaign'), { headers });
      expect(figures.status).to.equal(200);
      expect(await figures.json()).to.deep.equal({ configured: false });
      const resend = await fetch(at('/api/it/campaign/resend'), { method: 'POST', headers });
      expect(resend.status).to.equal(404);
      expect(await resend.json()).to.deep.equal({ error: 'NotFound', message: 'No campaign is set up.' });
    });
  });
});
