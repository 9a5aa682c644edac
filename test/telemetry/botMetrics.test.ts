import fs from 'node:fs';
import { expect } from 'chai';
import { startApp, type RunningApp } from '../../src/app';
import { createContainer } from '../../src/container';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { sqliteStores, type Stores } from '../../src/adapters/storage';
import { loadConfig } from '../../src/config/env';
import type { StoredConversationReference } from '../../src/ports/conversationReferenceStore';
import { createBotAdapter } from '../../src/teams/botAdapter';
import { BotMessenger } from '../../src/teams/botMessenger';
import { BotMetrics, METRIC } from '../../src/telemetry/botMetrics';
import { executeActivity, installActivity, testUser, textActivity } from '../support/activities';
import { postActivity, tempDataDir } from '../support/botProcess';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { graphDirectoryOn } from '../support/graph/graphDirectoryOn';
import { requireToken, startGraphTenant, type GraphTenant } from '../support/graphTenant';
import { captureLog } from '../support/logCapture';
import { MetricsProbe, pointWith, type Point } from '../support/metricsProbe';

/** True when no attribute of any series holds one of `secrets` (ids, names, UPNs). */
function attributesFree(points: Map<string, Point[]>, secrets: string[]): boolean {
  const values = [...points.values()].flat().flatMap((p) => Object.values(p.attributes).map(String));
  return !values.some((value) => secrets.some((secret) => value.includes(secret)));
}

describe("the bot's metrics, read through an in-memory reader", () => {
  let probe: MetricsProbe;
  let connector: ConnectorStandIn;

  beforeEach(async () => {
    probe = new MetricsProbe();
    connector = await ConnectorStandIn.start();
  });
  afterEach(async () => {
    await connector.close();
    await probe.shutdown();
  });

  describe('from the running app', () => {
    let app: RunningApp;
    let dataDir: string;
    let url: string;

    beforeEach(async () => {
      dataDir = tempDataDir();
      // The sample policy has a campaign: the queue gauge is on. The scheduler stays off (nothing is sent).
      const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', NUDGE_SCHEDULER: 'off' });
      app = await startApp(
        await createContainer(config, { log: captureLog('warn').log, meterProvider: probe.provider }),
      );
      url = `http://127.0.0.1:${app.port}`;
    });
    afterEach(async () => {
      await app.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('times each turn by activity kind, card verb and outcome, and names nobody', async () => {
      const pupil = testUser('Robin Quill');
      const options = { serviceUrl: connector.serviceUrl };
      expect((await postActivity({ url }, installActivity(pupil, options))).status).to.equal(200);
      const invoke = await postActivity(
        { url },
        executeActivity(pupil, 'guide.start', { verb: 'guide.start' }, options),
      );
      expect(invoke.body).to.contain('Choose your first method');
      await postActivity({ url }, textActivity(pupil, 'help', options));
      // A verb the bot does not know is not written down as the client spelt it.
      await postActivity(
        { url },
        executeActivity(pupil, 'robin.quill@school', { verb: 'robin.quill@school' }, options),
      );
      expect((await postActivity({ url }, {})).status).to.equal(400);

      const all = await probe.collect();
      const turns = all.get(METRIC.turnDuration) ?? [];
      const count = (attributes: Record<string, string>) =>
        (pointWith(turns, attributes)?.value as { count: number } | undefined)?.count;
      expect(count({ activity: 'installationUpdate', verb: 'none', outcome: 'ok' })).to.equal(1);
      expect(count({ activity: 'invoke', verb: 'guide.start', outcome: 'ok' })).to.equal(1);
      expect(count({ activity: 'message', verb: 'none', outcome: 'ok' })).to.equal(1);
      expect(count({ activity: 'invoke', verb: 'other', outcome: 'ok' })).to.equal(1);
      expect(count({ activity: 'none', verb: 'none', outcome: 'rejected' })).to.equal(1);
      const invokeTime = pointWith(turns, { activity: 'invoke', verb: 'guide.start', outcome: 'ok' })!
        .value as {
        sum: number;
      };
      expect(invokeTime.sum).to.be.above(0).and.below(10_000);
      expect(attributesFree(all, [pupil.aadObjectId, 'Robin', 'Quill', 'robin.quill'])).to.equal(true);
    });

    it("times each reply's wait for the send budget, the budget's own hold apart, by kind", async () => {
      const pupil = testUser('Robin Quill');
      const options = { serviceUrl: connector.serviceUrl };
      await postActivity({ url }, installActivity(pupil, options));
      await postActivity({ url }, textActivity(pupil, 'help', options));
      await postActivity({ url }, textActivity(pupil, 'status', options));
      const sent = connector.server.requestsTo(/activities/).length;
      expect(sent, 'replies sent through the connector').to.be.at.least(3);

      const waits = (await probe.collect()).get(METRIC.sendWait) ?? [];
      const of = (part: string) =>
        pointWith(waits, { kind: 'reply', part })?.value as { count: number; sum: number };
      expect(of('waited').count).to.equal(sent);
      expect(of('held').count).to.equal(sent);
      // Nothing else sends: no reply was kept waiting by the budget, and each wait is the table's answer only.
      expect(of('held').sum).to.equal(0);
      expect(of('waited').sum)
        .to.be.above(0)
        .and.below(sent * 1000);
      expect([...new Set(waits.map((p) => p.attributes.kind))]).to.deep.equal(['reply']);
    });

    it('samples the nudge queue and the escalations by state at each collection', async () => {
      // A second connection to the app's database, as another process would open it.
      const stores: Stores = sqliteStores(SqliteDatabase.open(dataDir));
      try {
        const job = (n: number) => ({
          campaignId: 'c1',
          userId: `00000000-0000-4000-8000-00000000000${n}`,
          nudge: 'd7',
        });
        await stores.nudgeQueue.enqueue([job(1), job(2), job(3)]);
        const escalation = (n: number) => ({
          id: `00000000-0000-4000-9000-00000000000${n}`,
          userId: `00000000-0000-4000-8000-00000000000${n}`,
          formId: `form-${n}`,
          category: 'appWontScan' as const,
          way: 'walkIn' as const,
          step: 'first.app.scan' as const,
          createdAt: new Date().toISOString(),
          localDate: '2026-11-30',
          channelCopy: 'none' as const,
        });
        await stores.escalations.create(escalation(1), 3, () => 'MFA-AAA1');
        const failed = await stores.escalations.create(escalation(2), 3, () => 'MFA-AAA2');
        await stores.escalations.markFailed((failed as { escalation: { id: string } }).escalation.id, '403');

        const depth = async () => (await probe.points(METRIC.nudgeQueueDepth)).map((p) => p.value);
        expect(await depth()).to.deep.equal([3]);
        const escalations = await probe.points(METRIC.escalations);
        const byState = Object.fromEntries(escalations.map((p) => [p.attributes.state, p.value]));
        expect(byState).to.deep.equal({ queued: 1, composed: 0, sent: 0, failed: 1 });

        // Sampled when collected, not when changed.
        await stores.nudgeQueue.enqueue([job(4), job(5)]);
        expect(await depth()).to.deep.equal([5]);
      } finally {
        stores.close();
      }
    });
  });

  it('counts proactive sends by outcome (sent, throttled, gone with the reason, no conversation) and card changes apart', async () => {
    const { log } = captureLog('error');
    const messenger = new BotMessenger({
      adapter: createBotAdapter(loadConfig({}), log),
      references: { get: () => Promise.resolve(undefined) } as never,
      botAppId: '',
      log,
      metrics: new BotMetrics(probe.provider),
    });
    const pupil = testUser('Robin Quill');
    const reference: StoredConversationReference = {
      userId: pupil.aadObjectId,
      tenantId: 'tenant',
      conversationId: 'a:chat-1',
      serviceUrl: connector.serviceUrl,
      reference: {
        channelId: 'msteams',
        serviceUrl: connector.serviceUrl,
        conversation: { id: 'a:chat-1', conversationType: 'personal' },
        bot: { id: '28:bot', name: '' },
        user: { id: pupil.teamsId, aadObjectId: pupil.aadObjectId },
      },
      updatedAt: new Date().toISOString(),
    };
    const card = { type: 'AdaptiveCard' as const, version: '1.2', body: [] };
    connector.server.failNext({
      kind: 'status',
      status: 403,
      body: { error: { code: 'ConversationBlockedByUser', message: 'blocked' } },
    });
    expect((await messenger.sendToUser(pupil.aadObjectId, [card], { reference })).kind).to.equal('gone');
    // The connector client retries a 429 itself three times before the send gives up as throttled.
    connector.server.failNext({ kind: 'status', status: 429, retryAfterSeconds: 0 }, { times: 4 });
    expect((await messenger.sendToUser(pupil.aadObjectId, [card], { reference })).kind).to.equal('throttled');
    expect(connector.server.requestsTo(/activities/).map((r) => r.status)).to.deep.equal([
      403, 429, 429, 429, 429,
    ]);
    const sent = await messenger.sendToUser(pupil.aadObjectId, [card], { reference });
    expect((await messenger.sendToUser(pupil.aadObjectId, [card], { reference })).kind).to.equal('sent');
    expect((await messenger.sendToUser(pupil.aadObjectId, [card])).kind).to.equal('noConversation');
    // The first of those changed in place (a campaign's "You're all set"): counted as an update, not a message.
    const [activityId] = sent.kind === 'sent' ? sent.activityIds : [];
    expect((await messenger.updateCard(pupil.aadObjectId, activityId!, card, { reference })).kind).to.equal(
      'sent',
    );

    const sends = await probe.points(METRIC.proactiveSends);
    expect(sends.map((p) => [p.attributes, p.value])).to.have.deep.members([
      [{ outcome: 'gone', reason: 'ConversationBlockedByUser', message: 'new' }, 1],
      [{ outcome: 'throttled', message: 'new' }, 1],
      [{ outcome: 'sent', message: 'new' }, 2],
      [{ outcome: 'noConversation', message: 'new' }, 1],
      [{ outcome: 'sent', message: 'update' }, 1],
    ]);
  });

  describe('from the Graph requester', () => {
    let tenant: GraphTenant;
    beforeEach(async () => {
      tenant = await startGraphTenant();
    });
    afterEach(() => tenant.close());

    it('counts Graph requests by endpoint family and status, and the 429s, without the ids', async () => {
      const userId = '0a0b0c0d-1111-4222-8333-444455556666';
      tenant.server.route(
        'GET',
        '/v1.0/users/:id',
        requireToken(tenant.tokens, (req) => ({
          status: 200,
          body: { id: req.params.id, userPrincipalName: 'robin.quill@school.example', accountEnabled: true },
        })),
      );
      tenant.server.failNext({ kind: 'status', status: 429, retryAfterSeconds: 0 }, { path: /\/users\// });
      const graph = graphDirectoryOn(tenant.server, {
        schoolDomains: ['school.example'],
        log: captureLog('error').log,
        metrics: new BotMetrics(probe.provider),
      });
      try {
        expect((await graph.directory.getUser(userId))?.id).to.equal(userId);
      } finally {
        graph.close();
      }
      expect(tenant.server.requestsTo(/\/users\//).map((r) => r.status)).to.deep.equal([429, 200]);

      const all = await probe.collect();
      expect((all.get(METRIC.graphRequests) ?? []).map((p) => [p.attributes, p.value])).to.have.deep.members([
        [{ endpoint: 'users', status: 429 }, 1],
        [{ endpoint: 'users', status: 200 }, 1],
      ]);
      expect((all.get(METRIC.graphThrottled) ?? []).map((p) => [p.attributes, p.value])).to.deep.equal([
        [{ endpoint: 'users' }, 1],
      ]);
      expect(attributesFree(all, [userId, 'robin.quill'])).to.equal(true);
    });
  });
});
