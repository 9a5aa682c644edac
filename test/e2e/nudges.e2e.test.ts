/**
 * Campaign nudges in the running bot (NUDGE_SCHEDULER=on): the built bot process, the Graph stand-in (members,
 * the report, app installs; an install makes the stand-in send the bot an installationUpdate, as Teams does)
 * and the Teams connector stand-in. The policy is made for today, so the bot's real clock is inside the window.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { installActivity, submitActivity, testUser } from '../support/activities';
import { postActivity, startBot, stopCleanly, tempDataDir, type BotProcess } from '../support/botProcess';
import { cardsOf, headingOf } from '../support/cards';
import { MANIFEST_ID, TARGET_GROUP } from '../support/campaignRig';
import { openNowPolicy } from '../nudges/campaignPolicyFixture';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { graphMethod } from '../support/graph/methodShapes';
import { addTeamsAppsRoutes } from '../support/graph/teamsAppsRoutes';
import { TEST_APP } from '../support/graphTenant';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { expectNoPersonalData } from '../support/personalData';
import { until } from '../support/until';

describe('Nudges in the running bot (scheduler on, Graph and Teams connector stand-ins)', function () {
  this.timeout(60_000);
  let graph: GraphStandIn;
  let connector: ConnectorStandIn;
  let bot: BotProcess | undefined;
  let dataDir: string;

  afterEach(async () => {
    if (bot) {
      const running = bot;
      bot = undefined;
      const logs = await stopCleanly(running, 3000);
      expectNoPersonalData(logs, { names: ['Installed Pupil', 'Chatty Pupil'], upns: ['@kscs.org.uk'] });
    }
    await connector?.close();
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('nudges a user who has the bot, installs it for one who has not, and answers "Remind me tomorrow"', async () => {
    dataDir = tempDataDir();
    graph = await GraphStandIn.start();
    connector = await ConnectorStandIn.start();
    const chatty = testUser('Chatty Pupil', '6e000000-0000-4000-8000-000000000001');
    const fresh = testUser('Installed Pupil', '6e000000-0000-4000-8000-000000000002');
    const done = testUser('Done Pupil', '6e000000-0000-4000-8000-000000000003');
    for (const [u, methods] of [
      [chatty, [graphMethod.password()]],
      [fresh, [graphMethod.password()]],
      [done, [graphMethod.password(), graphMethod.authenticator(), graphMethod.email('d@example.com')]],
    ] as const) {
      graph.addUser({
        id: u.aadObjectId,
        displayName: u.name,
        givenName: u.name.split(' ')[0],
        userPrincipalName: `${u.aadObjectId}@kscs.org.uk`,
        methods: [...methods],
      });
    }
    graph.groups.set(TARGET_GROUP, [chatty.aadObjectId, fresh.aadObjectId, done.aadObjectId]);
    const inTenant = { tenantId: TEST_APP.tenantId, serviceUrl: connector.serviceUrl };
    const apps = addTeamsAppsRoutes(graph, {
      manifestId: MANIFEST_ID,
      // Teams tells the bot that it was installed, from the user's new chat.
      onInstalled: (userId) => {
        const user = [chatty, fresh, done].find((u) => u.aadObjectId === userId)!;
        setTimeout(() => void postActivity(bot!, installActivity(user, inTenant)), 100);
      },
    });

    const policy = openNowPolicy();
    const policyFile = path.join(dataDir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(policy));

    bot = await startBot({
      ...graph.env,
      SUPPORT_CODE_KEY: 'a1'.repeat(32),
      DATA_DIR: dataDir,
      SCHOOL_CONFIG: policyFile,
      TEAMS_APP_ID: MANIFEST_ID,
      TEAMS_SERVICE_URL: connector.serviceUrl,
      NUDGE_SCHEDULER: 'on',
      NUDGE_PLAN_EVERY_SECONDS: '1',
      NUDGE_INSTALL_WAIT_SECONDS: '3',
      NUDGE_VISIBILITY_TIMEOUT_SECONDS: '20',
    });
    // Chatty opened the bot before the campaign (the scheduler's first pass may already be under way).
    await postActivity(bot, installActivity(chatty, inTenant));
    const headings = (u: typeof chatty) =>
      connector
        .activitiesIn(`a:personal-${u.aadObjectId}`)
        .flatMap((a) => cardsOf(a).map((c) => ({ heading: headingOf(c), card: c })));
    await connector.waitFor(() => headings(chatty).length >= 2 && headings(fresh).length >= 2, 30_000);

    expect(headings(chatty).map((h) => h.heading)).to.include('⚠️ Last chance, Chatty: tomorrow');
    expect(apps.installed.has(fresh.aadObjectId)).to.equal(true);
    // The install brought the welcome (from Teams' installationUpdate), then the nudge through that chat.
    expect(headings(fresh).map((h) => h.heading)).to.deep.equal([
      'Hi Installed! 👋',
      '⚠️ Last chance, Installed: tomorrow',
    ]);
    expect(headings(done)).to.deep.equal([]);
    expect(apps.installed.has(done.aadObjectId)).to.equal(false);

    const nudge = headings(chatty).find((h) => h.heading.startsWith('⚠️'))!.card;
    const snooze = nudge.buttons.find((b) => b.title === 'Remind me tomorrow')!;
    const before = headings(chatty).length;
    await postActivity(bot, submitActivity(chatty, snooze.data, inTenant));
    await connector.waitFor(() => headings(chatty).length > before);
    expect(headings(chatty).at(-1)!.heading).to.equal("OK, I'll remind you later ⏰");
    // Logs are written asynchronously: the line may follow the reply.
    const snoozed = await until(() => bot!.logs().find((l) => l.includes('nudge snoozed')), {
      what: 'the "nudge snoozed" log line',
      timeoutMs: 5000,
    });
    expect(snoozed).to.match(/"outcome":"snoozed"/);
    expect(bot.logs().join('\n')).to.match(/"msg":"campaign pass"/);
  });
});
