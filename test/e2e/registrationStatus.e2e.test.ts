import fs from 'node:fs';
import { expect } from 'chai';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { installActivity, testUser, textActivity, type ActivityOptions } from '../support/activities';
import { postActivity, startBot, stopCleanly, tempDataDir, type BotProcess } from '../support/botProcess';
import { cardsOf, headingOf } from '../support/cards';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { graphMethod } from '../support/graph/methodShapes';
import { TEST_APP } from '../support/graphTenant';
import { expectNoPersonalData } from '../support/personalData';
import { until } from '../support/until';

const SUPPORT_CODE_KEY = 'a1'.repeat(32);

/**
 * The headings of the cards the connector received for `conversationId`, and whether each answered an
 * activity the test posted (ids `activity-N`). botbuilder sends a proactive message as a reply to its own
 * continuation event (a random UUID), so a follow-up answers nothing the user sent.
 */
function seen(connector: ConnectorStandIn, conversationId: string) {
  return connector.received
    .filter((r) => r.conversationId === conversationId)
    .flatMap((r) =>
      cardsOf(r.activity).map((c) => ({
        heading: headingOf(c),
        reply: !!r.replyToId?.startsWith('activity-'),
      })),
    );
}

/** Waits until a log line of `bot` matches `pattern`; returns it parsed. */
async function logLine(
  bot: BotProcess,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const line = await until(() => bot.logs().find((l) => pattern.test(l)), {
    what: `a log line matching ${pattern}`,
    timeoutMs,
  });
  return JSON.parse(line) as Record<string, unknown>;
}

describe('Registration status end to end (bot process, Graph and connector stand-ins)', function () {
  this.timeout(60_000);
  let connector: ConnectorStandIn;
  let graph: GraphStandIn;
  let bot: BotProcess | undefined;
  let dataDir: string;

  beforeEach(async () => {
    connector = await ConnectorStandIn.start();
    dataDir = tempDataDir();
  });
  afterEach(async () => {
    if (bot) {
      const running = bot;
      bot = undefined;
      const logs = await stopCleanly(running);
      expectNoPersonalData(logs, {
        names: ['Pupil One', 'Sam Taylor'],
        upns: ['@kscs.org.uk'],
        emails: ['@example.com'],
      });
    }
    await connector.close();
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('with Microsoft Graph', () => {
    const pupilId = '6d000000-0000-4000-8000-000000000001';
    const pupil = testUser('Pupil One', pupilId);
    const inTenant = (): ActivityOptions => ({
      tenantId: TEST_APP.tenantId,
      serviceUrl: connector.serviceUrl,
    });
    const conversation = `a:personal-${pupilId}`;

    async function say(text: string, expectCards: number): Promise<void> {
      const before = seen(connector, conversation).length;
      const response = await postActivity(bot!, textActivity(pupil, text, inTenant()));
      expect(response.status).to.be.oneOf([200, 201]);
      await connector.waitFor(() => seen(connector, conversation).length >= before + expectCards, 15_000);
    }

    beforeEach(async () => {
      graph = await GraphStandIn.start();
      graph.addUser({
        id: pupilId,
        displayName: 'Pupil One',
        userPrincipalName: 'pupil.one@kscs.org.uk',
        methods: [graphMethod.password()],
      });
      bot = await startBot({
        ...graph.env,
        SUPPORT_CODE_KEY,
        DATA_DIR: dataDir,
        STATUS_IN_TURN_WAIT_MS: '800',
        GRAPH_REQUEST_TIMEOUT_MS: '5000',
      });
    });

    it('status from the report, "I\'ve done it" from a live look, and a proactive follow-up when Graph is slow', async () => {
      await postActivity(bot!, installActivity(pupil, inTenant()));
      await connector.waitFor(() => seen(connector, conversation).length >= 1);

      await say('status', 1);
      expect(seen(connector, conversation).at(-1)).to.deep.equal({
        heading: "You haven't started yet",
        reply: true,
      });

      graph.setMethods(pupilId, [graphMethod.authenticator(), graphMethod.email('pupil.one@example.com')]);
      await say("I've done it", 1);
      expect(seen(connector, conversation).at(-1)?.heading).to.equal("🎉 You're done!");

      // Graph answers slower than the turn waits: "checking…" now, the result as a proactive message.
      graph.tenant.server.failNext({ kind: 'delay', ms: 2000 }, { path: /authentication\/methods/ });
      await say('done', 2);
      expect(seen(connector, conversation).slice(-2)).to.deep.equal([
        { heading: 'Checking with Microsoft… ⏳', reply: true },
        { heading: "🎉 You're done!", reply: false },
      ]);

      expect(await logLine(bot!, /"msg":"proactive send"/)).to.include({ outcome: 'sent', userId: pupilId });
      await bot!.logLines('registration status from Microsoft Graph');
      await bot!.logLines('registration report snapshot refreshed');
      expect(graph.budget.violations).to.equal(0);
    });

    it('classifies a send the user blocked (403 ConversationBlockedByUser) and does not call it sent', async () => {
      await postActivity(bot!, installActivity(pupil, inTenant()));
      await connector.waitFor(() => seen(connector, conversation).length >= 1);
      graph.tenant.server.failNext({ kind: 'delay', ms: 2000 }, { path: /authentication\/methods/ });
      connector.server.failNext(
        {
          kind: 'status',
          status: 403,
          body: {
            error: {
              code: 'ConversationBlockedByUser',
              message: 'User blocked the conversation with the bot.',
            },
          },
        },
        { method: 'POST', path: /\/activities\/[0-9a-f]{8}-[0-9a-f-]{27}$/ },
      );
      await say("I've done it", 1);
      expect(await logLine(bot!, /proactive send/)).to.include({
        outcome: 'gone',
        reason: 'ConversationBlockedByUser',
        status: 403,
      });
      // Log lines travel through the process's stdout: this one may come a moment after the one above.
      const delivered = await until(() => bot!.logs().find((l) => l.includes('status follow-up delivered')), {
        what: 'the "status follow-up delivered" log line',
        timeoutMs: 10_000,
      });
      expect(delivered).to.match(/"delivery":"gone"/);
    });
    it('retries a follow-up the connector keeps throttling (429 + Retry-After) and then sends it', async () => {
      await postActivity(bot!, installActivity(pupil, inTenant()));
      await connector.waitFor(() => seen(connector, conversation).length >= 1);
      graph.tenant.server.failNext({ kind: 'delay', ms: 2000 }, { path: /authentication\/methods/ });
      connector.server.failNext(
        { kind: 'status', status: 429, retryAfterSeconds: 1 },
        // The connector client retries a 429 three times by itself; the fourth refusal reaches the bot.
        { method: 'POST', path: /\/activities\/[0-9a-f]{8}-[0-9a-f-]{27}$/, times: 4 },
      );
      await say("I've done it", 2);
      expect(seen(connector, conversation).at(-1)).to.deep.equal({
        heading: 'Not quite done yet',
        reply: false,
      });
      expect(await logLine(bot!, /"outcome":"throttled"/)).to.include({ retryAfterMs: 1000 });
      expect(await logLine(bot!, /status follow-up delivered/)).to.include({ delivery: 'sent' });
    });
  });

  describe('without Graph credentials', () => {
    it('runs on the demo school, says so loudly, and answers Sam from it', async () => {
      bot = await startBot({ DATA_DIR: dataDir });
      const sam = testUser('Sam Taylor', DEMO_USERS.samTaylor);
      const response = await postActivity(
        bot,
        textActivity(sam, 'status', { serviceUrl: connector.serviceUrl }),
      );
      expect(response.status).to.be.oneOf([200, 201]);
      await connector.waitFor((r) => r.length >= 1);
      const card = cardsOf(connector.received[0]!.activity)[0]!;
      expect(headingOf(card)).to.equal("You haven't started yet");
      expect(bot.logs().join('\n')).to.contain('*** DEMO DIRECTORY ***');
      const health = (await (await fetch(`${bot.url}/healthz`)).json()) as { directory: string };
      expect(health.directory).to.equal('demo');
    });
  });
});
