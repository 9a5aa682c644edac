/**
 * The IT tab in Chromium against the running bot: signed in with a token from a stand-in identity provider,
 * handed to the page by a stand-in of the Teams JavaScript library (the page itself only ever asks
 * microsoftTeams.authentication.getAuthToken(), as in Teams).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, type RunningApp } from '../../../src/app';
import { createContainer, type Container } from '../../../src/container';
import type { PassSummary } from '../../../src/nudges/campaignPlanner';
import { withLastPass } from '../../../src/nudges/lastPasses';
import { ROOT, tempDataDir } from '../../support/botProcess';
import { TestClock } from '../../support/conversationHarness';
import { SMALL_PEOPLE, SmallSchoolDirectory } from '../../support/itView/smallSchool';
import { startTabIdentity, tabAppConfig, type TabIdentity } from '../../support/itView/tabIdentity';
import { captureLog } from '../../support/logCapture';
import { launchChromium, offlinePage } from '../../support/playground/browser';

/** What the page sees of Teams: initialize() resolves and getAuthToken() gives `token`. */
/**
 * The Teams library as the tab meets it inside Teams: each getAuthToken call gives the next of `tokens` (the last
 * one again after that); `null` is a Teams whose sign-on fails (the app's single sign-on not set up).
 */
function teamsStandIn(tokens: string | string[] | null): string {
  const getAuthToken =
    tokens === null
      ? `() => Promise.reject(new Error('consent_required'))`
      : `() => Promise.resolve(tokens[Math.min(calls++, tokens.length - 1)])`;
  return `let calls = 0; const tokens = ${JSON.stringify(tokens === null ? [] : [tokens].flat())};
  window.microsoftTeams = {
    app: { initialize: () => Promise.resolve() },
    authentication: { getAuthToken: ${getAuthToken} },
  };`;
}

declare const document: { body: { dataset: Record<string, string> } };
interface ChartLike {
  data: { labels: string[]; datasets: { label: string; data: (number | null)[] }[] };
  getDatasetMeta(i: number): { data: { x: number; y: number }[] };
}
declare const window: { Chart: { getChart(id: string): ChartLike | undefined } };

describe("IT's tab in the browser", function () {
  this.timeout(90_000);
  let identity: TabIdentity;
  let app: RunningApp;
  let dataDir: string;
  let browser: Browser;
  let container: Container;

  before(async () => {
    identity = await startTabIdentity();
    dataDir = tempDataDir();
    const config = tabAppConfig(identity, dataDir);
    container = await createContainer(config, {
      log: captureLog('fatal').log,
      clock: new TestClock(new Date('2026-12-01T10:00:00Z')),
      directory: { directory: new SmallSchoolDirectory() },
    });
    app = await startApp(container);
    // The day's count behind the trend, as the job makes it at start.
    await container.itView.progress.recordToday();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    await identity?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The tab opened with `token` handed over by the Teams stand-in (none: the real library, outside Teams). */
  async function openTab(
    token?: string | string[] | null,
    setUp?: (context: BrowserContext) => Promise<unknown>,
  ): Promise<Page & { problems: string[] }> {
    const { context, page } = await offlinePage(browser);
    await setUp?.(context);
    // Script errors and anything the Content-Security-Policy blocked (Chromium reports both on the console).
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    if (token !== undefined)
      await context.route('**/tab/vendor/teams.min.js', (route) =>
        route.fulfill({ contentType: 'text/javascript', body: teamsStandIn(token) }),
      );
    await page.goto(`http://127.0.0.1:${app.port}/tab/progress`);
    return Object.assign(page, { problems });
  }

  it('IT staff see the figures as charts with the numbers beside them, and the trend', async () => {
    const page = await openTab(identity.token(SMALL_PEOPLE.ada));
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    expect(await page.locator('#summary').innerText()).to.match(/^2 of 8 people are done \(25%\)\./);
    expect(await page.locator('#phoneWarning').innerText()).to.include(
      '2 people sign in with texts or calls only',
    );
    const rows = await page.locator('#groupsTable tbody tr').allInnerTexts();
    const cells = (row: string) => row.split('\t').map((c) => c.trim());
    expect(cells(rows[0]!)).to.deep.equal(['Whole school', '2 (25%)', '2', '1', '2', '1', '8']);
    expect(cells(rows.find((r) => r.startsWith('Year 7'))!)).to.deep.equal([
      'Year 7',
      '1 (33%)',
      '1',
      '1',
      '0',
      '0',
      '3',
    ]);

    const chart = await page.evaluate(() => window.Chart.getChart('groupsChart')!.data);
    expect(chart.labels.slice(0, 3)).to.deep.equal(['Whole school', 'Year 7', 'Year 8']);
    expect(chart.datasets.map((d) => d.label)).to.deep.equal([
      'done',
      'phone-only',
      'partly',
      'not started',
      'not known yet',
    ]);
    // Whole school, bar by bar: the same numbers as the table.
    expect(chart.datasets.map((d) => d.data[0])).to.deep.equal([2, 2, 1, 2, 1]);
    const trend = await page.evaluate(() => window.Chart.getChart('trendChart')!.data);
    expect(trend.labels).to.deep.equal(['2026-12-01']);
    expect(trend.datasets.map((d) => [d.label, d.data[0]])).to.deep.equal([
      ['done', 2],
      ['phone-only', 2],
      ['reminder sent', null],
    ]);
    expect(page.problems).to.deep.equal([]);
  });

  it('clicking a bar lists who is behind it; the list filters, and downloads as CSV for Excel', async () => {
    const page = await openTab(identity.token(SMALL_PEOPLE.ada));
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    // The "not started" segment of Year 8's bar, clicked where Chart.js drew it.
    const at = await page.evaluate(() => window.Chart.getChart('groupsChart')!.getDatasetMeta(3).data[2]!);
    const box = (await page.locator('#groupsChart').boundingBox())!;
    await page.mouse.click(box.x + at.x - 2, box.y + at.y);
    await page.locator('#people').waitFor({ state: 'visible' });
    expect(await page.locator('#peopleHeading').innerText()).to.equal('Year 8: not started (2)');
    const names = async () =>
      (await page.locator('#peopleTable tbody tr').allInnerTexts()).map((r) => r.split('\t')[0]);
    expect(await names()).to.deep.equal(['=HYPERLINK("http://x.example","Eve")', 'Dee Dale']);
    await page.locator('#filter').fill('dee');
    // The filter redraws once typing pauses.
    await page.locator('#peopleTable[data-filter="dee"]').waitFor({ state: 'attached' });
    expect(await names()).to.deep.equal(['Dee Dale']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv').click()]);
    const csv = fs.readFileSync(await download.path());
    expect([...csv.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).to.include(
      `"'=HYPERLINK(""http://x.example"",""Eve"")","Year 8","not started"`,
    );
  });

  it('the campaign section shows the outcomes by stage and each group’s last pass; Resend to failures queues them again and says how many', async () => {
    const ledger = container.stores.nudgeLedger;
    const campaign = container.nudges!.deps.campaign;
    const stage = campaign.stages[0]!.key;
    const outcomes = ['sent', 'sent', 'blocked', 'failed', 'failed'] as const;
    for (const [i, state] of outcomes.entries()) {
      const key = {
        campaignId: campaign.id,
        userId: `9b000000-0000-4000-8000-00000000000${i}`,
        nudge: stage,
      };
      await ledger.claim([{ ...key, group: 'Year 7', at: '2026-12-01T09:00:00.000Z' }]);
      await ledger.update(key, (await ledger.get(key))!.etag, {
        state,
        updatedAt: '2026-12-01T09:00:00.000Z',
      });
    }
    await container.stores.escalations.create(
      {
        id: 'e5000000-0000-4000-8000-000000000001',
        userId: SMALL_PEOPLE.dee,
        formId: 'form-1',
        category: 'lockedOut',
        way: 'walkIn',
        words: { text: 'locked out since the weekend', truncated: false },
        step: 'first.app.scan',
        // After the test clock's now: the running outbox leaves it queued.
        createdAt: '2026-12-01T11:00:00.000Z',
        localDate: '2026-12-01',
        channelCopy: 'none',
      },
      3,
      () => 'MFA-7K2Q',
    );

    // The staff's pass this morning and the pupils' yesterday after school, as the planner records them.
    const [pupils, staff] = campaign.policy.targets.groups.map((g) => g.id) as [string, string];
    const pupilsPass = { at: '2026-11-30T16:00:00.000Z', stage, groups: [pupils], members: 6, queued: 5 };
    const staffPass = {
      at: '2026-12-01T09:00:00.000Z',
      stage,
      groups: [staff],
      members: 8,
      queued: 3,
      cardsToUpdate: 2,
    };
    await ledger.setMarker(
      campaign.id,
      'lastPasses',
      withLastPass(withLastPass(undefined, pupilsPass as PassSummary), staffPass as PassSummary),
    );

    const page = await openTab(identity.token(SMALL_PEOPLE.ada));
    await page.waitForFunction(() => document.body.dataset.campaignReady === 'true');
    const cells = async (stageKey: string) =>
      (await page.locator(`#stagesTable tr[data-stage="${stageKey}"]`).innerText())
        .split('\t')
        .map((c) => c.trim());
    expect((await cells(stage)).slice(1)).to.deep.equal(['2', '1', '0', '2']);
    expect((await cells('all')).slice(1)).to.deep.equal(['2', '1', '0', '2']);
    // A line per group's last pass, newest first, then the queue.
    const passes = await page.locator('#lastPass p').allInnerTexts();
    expect(passes).to.have.length(3);
    expect(passes[0]).to.match(
      /^Last pass for All staff 1 Dec 2026, \d\d:\d\d \(.+\): 3 queued, 2 earlier reminders to show "You're all set"\.$/,
    );
    expect(passes[1]).to.match(/^Last pass for All pupils 30 Nov 2026, \d\d:\d\d \(.+\): 5 queued\.$/);
    expect(passes[2]).to.match(/^Waiting in the queue: \d+\.$/);
    const escalations = await page.locator('#escalationsTable tbody tr').allInnerTexts();
    expect(escalations).to.have.length(1);
    expect(escalations[0]!.split('\t').slice(0, 3)).to.deep.equal([
      'MFA-7K2Q',
      'Locked out',
      'not mailed yet',
    ]);
    expect(await page.locator('body').innerText()).to.not.include('locked out since the weekend');

    // Every request the page makes to the resend.
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/it/campaign/resend')) posts.push(request.method());
    });
    // The button asks first, in the page (Teams blocks window.confirm); Cancel sends nothing.
    await page.locator('#resend').click();
    await page.locator('#resendConfirm').waitFor({ state: 'visible' });
    expect(await page.locator('#resendQuestion').innerText()).to.equal('Send again to 2 people?');
    expect(await page.locator('#resend').isDisabled()).to.equal(true);
    await page.locator('#resendNo').click();
    expect(await page.locator('#resendConfirm').isHidden()).to.equal(true);
    expect(await page.locator('#resend').isEnabled()).to.equal(true);
    expect((await cells(stage)).slice(1)).to.deep.equal(['2', '1', '0', '2']);

    // Confirm sends, once; the resend is held on its way until the button has been seen disabled.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/it/campaign/resend', async (route) => {
      await held;
      await route.continue();
    });
    await page.locator('#resend').click();
    await page.locator('#resendYes').click();
    expect(await page.locator('#resendConfirm').isHidden()).to.equal(true);
    expect(await page.locator('#resend').isDisabled()).to.equal(true);
    release();
    await page.locator('#resendResult', { hasText: 'queued again' }).waitFor();
    expect(await page.locator('#resendResult').innerText()).to.equal('2 nudges queued again.');
    await page
      .locator(`#stagesTable tr[data-stage="${stage}"] td:nth-child(5)`, { hasText: /^0$/ })
      .waitFor();
    expect((await cells(stage)).slice(1)).to.deep.equal(['2', '1', '0', '0']);
    // Nothing failed any more: nothing to resend.
    expect(await page.locator('#resend').isDisabled()).to.equal(true);
    const requeued = [];
    for await (const rows of ledger.scan(campaign.id, { states: ['queued'] })) requeued.push(...rows);
    expect(requeued.map((r) => r.detail)).to.deep.equal(['resend', 'resend']);
    // One POST in all: the one confirmed (a Cancel that posted, or a second post, shows here).
    expect(posts).to.deep.equal(['POST']);
    expect(page.problems).to.deep.equal([]);
  });

  it('the campaign section names the next reminder, when each group gets it and whom it would reach; a mail given up on is listed first', async () => {
    // The small school on Tuesday 1 December: the 14-day reminder (with the 21-day one) goes out on the last day
    // of term. Pupils: Ben, Cal, Dee, Eve and Gus are owed it; Amy's email is not checked yet; Fay is disabled.
    // Staff: Sid is owed it; Ada's email is not checked yet.
    const store = container.stores.escalations;
    const created = await store.create(
      {
        id: 'e5000000-0000-4000-8000-000000000002',
        userId: SMALL_PEOPLE.eve,
        formId: 'form-2',
        category: 'lockedOut',
        way: 'walkIn',
        words: { text: 'my phone was stolen on the bus', truncated: false },
        step: 'first.app.scan',
        createdAt: '2026-12-01T11:30:00.000Z',
        localDate: '2026-12-01',
        channelCopy: 'none',
      },
      3,
      () => 'MFA-9GUP',
    );
    expect(created.kind).to.equal('created');
    await store.markFailed('e5000000-0000-4000-8000-000000000002', '403 ErrorAccessDenied');

    const page = await openTab(identity.token(SMALL_PEOPLE.ada));
    await page.waitForFunction(() => document.body.dataset.campaignReady === 'true');
    expect(await page.locator('#nextStage').innerText()).to.equal(
      '14 days before, on Friday 18 December 2026 (moved from Monday 28 December 2026 (holiday after Autumn term); sent as one with 21 days before): it would reach 6 people now.',
    );
    const rows = (await page.locator('#nextTable tbody tr').allInnerTexts()).map((r) =>
      r.split('\t').map((c) => c.trim()),
    );
    expect(rows).to.deep.equal([
      ['All pupils', 'Friday 18 December 2026, from 15:45', 'Mon–Fri 15:45–19:00; Sat 09:30–12:00', '5', '1'],
      ['All staff', 'Friday 18 December 2026, from 08:30', 'Mon–Fri 08:30–16:00', '1', '1'],
    ]);

    const first = page.locator('#escalationsTable tbody tr').first();
    expect((await first.innerText()).split('\t').slice(0, 3)).to.deep.equal([
      'MFA-9GUP',
      'Locked out',
      'Mail not delivered: handle by hand',
    ]);
    expect(await first.getAttribute('class')).to.equal('given-up');
    expect(await page.locator('#escalationsNote').innerText()).to.match(
      /^1 help request never reached the service desk mailbox: follow up by hand\./,
    );
    expect(await page.locator('body').innerText()).to.not.include('stolen on the bus');
    expect(page.problems).to.deep.equal([]);

    // The README's picture of the tab: the sample school at IT's desktop width, figures and campaign in view.
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      const file = path.join(ROOT, 'docs', 'screenshots', 'tab', 'it-progress.desktop.png');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, fullPage: true });
    }
  });

  it("the people list shows each person's last nudge and open escalations", async () => {
    const ledger = container.stores.nudgeLedger;
    const campaign = container.nudges!.deps.campaign;
    const [d14, d7] = campaign.stages.map((s) => s.key) as [string, string];
    for (const [nudge, state, at] of [
      [d14, 'sent', '2026-11-20T16:00:00.000Z'],
      [d7, 'blocked', '2026-11-30T16:05:00.000Z'],
    ] as const) {
      const key = { campaignId: campaign.id, userId: SMALL_PEOPLE.ben, nudge };
      await ledger.claim([{ ...key, group: 'All pupils', at }]);
      await ledger.update(key, (await ledger.get(key))!.etag, { state, updatedAt: at });
    }
    await container.stores.escalations.create(
      {
        id: 'e5000000-0000-4000-8000-000000000003',
        userId: SMALL_PEOPLE.ben,
        formId: 'form-3',
        category: 'lockedOut',
        way: 'walkIn',
        words: { text: 'my phone fell in the canal', truncated: false },
        step: 'first.app.scan',
        createdAt: '2026-12-01T11:45:00.000Z',
        localDate: '2026-12-01',
        channelCopy: 'none',
      },
      3,
      () => 'MFA-BEN3',
    );

    const page = await openTab(identity.token(SMALL_PEOPLE.ada));
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    // Whole school: phone-only.
    await page.locator('#groupsTable tbody tr').first().locator('button').nth(1).click();
    await page.locator('#people').waitFor({ state: 'visible' });
    expect(await page.locator('#peopleTable thead th').allInnerTexts()).to.deep.equal([
      'Name',
      'Year or department',
      'Progress',
      'What is missing',
      'Last nudge',
      'Open escalations',
    ]);
    const rows = (await page.locator('#peopleTable tbody tr').allInnerTexts()).map((r) =>
      r.split('\t').map((c) => c.trim()),
    );
    expect(rows.map((r) => [r[0], r[4], r[5]])).to.deep.equal([
      ['Ben Brook', '7 days before · blocked · 30 Nov 2026', 'MFA-BEN3'],
      ['Sid Smith', '', ''],
    ]);
    expect(await page.locator('#peopleCapped').isHidden()).to.equal(true);
    expect(await page.locator('body').innerText()).to.not.include('canal');
    expect(page.problems).to.deep.equal([]);
  });

  it('a list of thousands draws 500 rows and says so; the filter searches them all', async () => {
    // A trust's list: 1,200 people, as the route would answer it.
    const many = Array.from({ length: 1200 }, (_, i) => ({
      name: `Pupil ${String(i + 1).padStart(4, '0')}`,
      yearGroup: 'Year 7',
      category: 'notStarted',
      progress: 'not started',
      missing: ['nothing registered'],
      lastNudge: null,
      openEscalations: [],
    }));
    const page = await openTab(identity.token(SMALL_PEOPLE.ada), (context) =>
      context.route('**/api/it/people?*', (route) =>
        route.fulfill({ contentType: 'application/json', body: JSON.stringify({ people: many }) }),
      ),
    );
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await page.locator('#groupsTable tbody tr').first().locator('button').nth(3).click();
    await page.locator('#people').waitFor({ state: 'visible' });
    expect(await page.locator('#peopleHeading').innerText()).to.equal('Whole school: not started (1200)');
    expect(await page.locator('#peopleTable tbody tr').count()).to.equal(500);
    expect(await page.locator('#peopleCapped').innerText()).to.equal(
      'Showing 500 of 1,200 — export the CSV for all',
    );
    // Beyond the rows drawn: the filter finds it, and the note goes.
    await page.locator('#filter').fill('pupil 1150');
    await page.locator('#peopleTable[data-filter="pupil 1150"]').waitFor({ state: 'attached' });
    expect(await page.locator('#peopleTable tbody tr').allInnerTexts()).to.have.length(1);
    expect(await page.locator('#peopleTable tbody tr').first().innerText()).to.match(/^Pupil 1150\t/);
    expect(await page.locator('#peopleCapped').isHidden()).to.equal(true);
    // 700 match "pupil 0" and "pupil 1": still capped, counted over the filtered.
    await page.locator('#filter').fill('pupil 0');
    await page.locator('#peopleTable[data-filter="pupil 0"]').waitFor({ state: 'attached' });
    expect(await page.locator('#peopleCapped').innerText()).to.equal(
      'Showing 500 of 999 — export the CSV for all',
    );
    expect(page.problems).to.deep.equal([]);
  });

  it('with no campaign in the policy the section says so, and has no button', async () => {
    // The answer a bot without a campaign gives (the route test checks that the bot gives it).
    const page = await openTab(identity.token(SMALL_PEOPLE.ada), (context) =>
      context.route('**/api/it/campaign', (route) =>
        route.fulfill({ contentType: 'application/json', body: JSON.stringify({ configured: false }) }),
      ),
    );
    await page.waitForFunction(() => document.body.dataset.campaignReady === 'true');
    expect(await page.locator('#campaignNone').isVisible()).to.equal(true);
    expect(await page.locator('#campaignNone').innerText()).to.equal(
      "No campaign is set up in the school's policy.",
    );
    expect(await page.locator('#resend').isVisible()).to.equal(false);
  });

  const refused: [string, (i: TabIdentity) => string][] = [
    ["a pupil's token", (i) => i.token(SMALL_PEOPLE.dee)],
    ['an expired token', (i) => i.token(SMALL_PEOPLE.ada, { exp: Math.floor(Date.now() / 1000) - 600 })],
    [
      "a foreign tenant's token",
      (i) => i.token(SMALL_PEOPLE.ada, { tid: '0b0b0b0b-1111-4222-8333-444444444444' }),
    ],
  ];
  for (const [who, token] of refused) {
    it(`with ${who} the page says the tab is for IT staff, and shows no figure`, async () => {
      const page = await openTab(token(identity));
      await page.locator('#refused').waitFor({ state: 'visible' });
      expect(await page.locator('#content').isHidden()).to.equal(true);
      expect(await page.locator('body').innerText()).to.not.match(/Whole school|Year 7|\d+ of \d+/);
    });
  }

  it('in Teams but signed in to nothing (single sign-on not set up): says so, not "open it in Teams"', async () => {
    const page = await openTab(null);
    await page.locator('#signInFailed').waitFor({ state: 'visible' });
    expect(await page.locator('#signInFailed').innerText()).to.match(
      /^Teams could not sign you in to this tab\./,
    );
    expect(await page.locator('#outside').isHidden()).to.equal(true);
    expect(await page.locator('#content').isHidden()).to.equal(true);
  });

  it('a sign-in that ends while the tab is open: a click says so where the list would be, the figures stay', async () => {
    const expired = identity.token(SMALL_PEOPLE.ada, { exp: Math.floor(Date.now() / 1000) - 600 });
    // The page's first two calls (its own check, then the figures) get a good token; the click an expired one.
    const page = await openTab([identity.token(SMALL_PEOPLE.ada), identity.token(SMALL_PEOPLE.ada), expired]);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await page.locator('#groupsTable button').first().click();
    await page.locator('#people').waitFor({ state: 'visible' });
    expect(await page.locator('#peopleHeading').innerText()).to.equal(
      'Your sign-in has ended: close the tab and open it again.',
    );
    expect(await page.locator('#content').isVisible()).to.equal(true);
    // Chromium logs the refused request itself; nothing else may go wrong on the page.
    expect(page.problems.filter((p) => !/status of 401/.test(p))).to.deep.equal([]);
  });

  it('outside Teams the page says to open it in Teams', async () => {
    const page = await openTab();
    await page.locator('#outside').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('#outside').innerText()).to.match(/^Open this page in Teams\./);
    expect(await page.locator('#content').isHidden()).to.equal(true);
  });
});
