import fs from 'node:fs';
import { expect } from 'chai';
import { installActivity, submitActivity, testUser, textActivity } from '../support/activities';
import {
  postActivity,
  runBotExpectingFailure,
  startBot,
  tempDataDir,
  type BotProcess,
} from '../support/botProcess';
import { cardsOf, headingOf } from '../support/cards';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { expectNoPersonalData } from '../support/personalData';

describe('the built bot as a process, over HTTP', () => {
  let connector: ConnectorStandIn;
  let bot: BotProcess;
  let dataDir: string;

  beforeEach(async () => {
    connector = await ConnectorStandIn.start();
    dataDir = tempDataDir();
    bot = await startBot({ DATA_DIR: dataDir });
  });

  afterEach(async () => {
    await bot.stop();
    await connector.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers an install with the welcome card, as a reply in the same Teams conversation', async () => {
    const user = testUser('Alex Morgan');
    const install = installActivity(user, { serviceUrl: connector.serviceUrl });
    const response = await postActivity(bot, install);
    expect(response.status).to.equal(200);

    await connector.waitFor((r) => r.length >= 1);
    const [reply] = connector.received;
    expect(reply!.conversationId).to.equal(install.conversation!.id);
    expect(reply!.replyToId).to.equal(install.id);
    expect(reply!.activity.conversation?.tenantId).to.equal(install.conversation!.tenantId);
    expect(reply!.activity.recipient?.aadObjectId).to.equal(user.aadObjectId);
    const [card] = cardsOf(reply!.activity);
    expect(headingOf(card!)).to.equal('Hi Alex! 👋');
    expect(card!.card.version).to.equal('1.2');
  });

  it('a reply Teams refuses with 429 goes again after its Retry-After; the 429 is an error in the log, naming a reply', async () => {
    const user = testUser('Alex Morgan');
    connector.server.failNext(
      { kind: 'status', status: 429, retryAfterSeconds: 1 },
      { method: 'POST', path: /\/activities/ },
    );
    const install = installActivity(user, { serviceUrl: connector.serviceUrl });
    const started = Date.now();
    expect((await postActivity(bot, install)).status).to.equal(200);
    await connector.waitFor((r) => r.length >= 1);
    // Delivered once, on the second try, no sooner than the Retry-After.
    expect(connector.received.map((r) => r.replyToId)).to.deep.equal([install.id]);
    expect(connector.received[0]!.at - started).to.be.at.least(1000);
    expect(connector.server.requestsTo(/\/activities/, 'POST')).to.have.length(2);
    const refused = (await bot.logLines('Teams refused a send (429)')).map(
      (l) => JSON.parse(l) as { level: number; sendKind: string; retryAfterMs: number },
    );
    expect(refused.map((r) => [r.level, r.sendKind, r.retryAfterMs])).to.deep.equal([[50, 'reply', 1000]]);
  });

  it('walks a user forward with card submits and keeps their place across a restart', async () => {
    const user = testUser('Alex Morgan');
    const options = { serviceUrl: connector.serviceUrl };
    await postActivity(bot, submitActivity(user, { verb: 'guide.start' }, options));
    await postActivity(
      bot,
      submitActivity(user, { verb: 'guide.choose', from: 'chooseFirst', choice: 'app' }, options),
    );
    await connector.waitFor((r) => r.length >= 2);
    expect(connector.received.flatMap((r) => cardsOf(r.activity)).map(headingOf)).to.deep.equal([
      'Choose your first method',
      'Get the Microsoft Authenticator app',
    ]);

    expect(await bot.stop()).to.equal(0);
    bot = await startBot({ DATA_DIR: dataDir });
    await postActivity(bot, textActivity(user, 'hi', options));
    await connector.waitFor((r) => r.length >= 3);
    const [card] = cardsOf(connector.received[2]!.activity);
    expect(headingOf(card!)).to.equal('Welcome back, Alex!');
    expect(card!.texts).to.include('You were at: **Get the Authenticator app**.');
  });

  it('gives no service to another tenant and logs the tenant id only', async () => {
    const user = testUser('Eve Outsider');
    const foreign = textActivity(user, 'hello', {
      serviceUrl: connector.serviceUrl,
      tenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    });
    const response = await postActivity(bot, foreign);
    expect(response.status).to.equal(200);
    // The turn was over when the 200 came back: anything it sent had been sent. A message of our own
    // afterwards proves the bot is alive, and its answer is the only one the connector got.
    const own = textActivity(testUser('Sam Pupil'), 'hello', { serviceUrl: connector.serviceUrl });
    await postActivity(bot, own);
    await connector.waitFor((r) => r.length >= 1);
    expect(connector.received.map((r) => r.conversationId)).to.deep.equal([own.conversation!.id]);
    const [refusal] = await bot.logLines('activity from another tenant refused');
    expect(refusal).to.contain('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
    expect(refusal).to.not.contain('Eve');
  });

  it('answers Action.Execute in the HTTP response with the next card', async () => {
    const user = testUser('Alex Morgan');
    const invoke = {
      ...textActivity(user, '', { serviceUrl: connector.serviceUrl }),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'guide.start', data: { verb: 'guide.start' } } },
    };
    const response = await postActivity(bot, invoke);
    expect(response.status).to.equal(200);
    const body = JSON.parse(response.body) as { type: string; value: Record<string, unknown> };
    expect(body.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(body.value)).to.contain('Choose your first method');
  });

  it('rejects a body that is not an activity with 400, and keeps serving', async () => {
    const response = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '"just a string"',
    });
    expect(response.status).to.equal(400);
    const health = await fetch(`${bot.url}/healthz`);
    expect(await health.json()).to.deep.include({ status: 'ok', storage: 'sqlite' });
  });

  it('serves the privacy notice the Teams manifest links to', async () => {
    const response = await fetch(`${bot.url}/privacy`);
    expect(response.status).to.equal(200);
    const html = await response.text();
    expect(html).to.contain('Ken Stimpson Community School');
    expect(html).to.contain(
      'How long: your place in the guide 120 days after you last used it; how to message you 180 days; a request for help 30 days',
    );
    expect(html).to.contain('When you leave the school, everything is deleted the next day.');
    expect(html).to.match(/never asks for, and never keeps, your password/);
  });

  it('keeps names and typed text out of its logs', async () => {
    const user = testUser('Zebedee Unusualname');
    await postActivity(bot, textActivity(user, 'my secret words here', { serviceUrl: connector.serviceUrl }));
    await connector.waitFor((r) => r.length >= 1);
    expectNoPersonalData(bot.logs(), {
      names: ['Zebedee', 'Unusualname'],
      typed: ['secret words'],
      ids: [user.aadObjectId],
    });
  });
});

describe('starting and stopping the bot', () => {
  it('requires a Bot Framework token on every request once BOT_ID is set', async () => {
    const dataDir = tempDataDir();
    const bot = await startBot({
      DATA_DIR: dataDir,
      BOT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      BOT_PASSWORD: 'not-used-in-this-test',
      TENANT_ID: '5c4f0d3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f',
    });
    try {
      const user = testUser();
      const noToken = await postActivity(bot, textActivity(user, 'hello'));
      expect(noToken.status).to.equal(401);
      const badToken = await postActivity(bot, textActivity(user, 'hello'), {
        Authorization: 'Bearer not-a-jwt',
      });
      expect(badToken.status).to.equal(401);
    } finally {
      await bot.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a bad variable, naming it, with exit code 2', async () => {
    const result = await runBotExpectingFailure({ PORT: 'not-a-port' });
    expect(result.code).to.equal(2);
    expect(result.output).to.match(/PORT .*\(got "not-a-port"\)/);
  });

  it('refuses to listen beyond loopback without BOT_ID', async () => {
    const result = await runBotExpectingFailure({ HOST: '0.0.0.0' });
    expect(result.code).to.equal(2);
    expect(result.output).to.match(/HOST is 0\.0\.0\.0 but BOT_ID is empty/);
  });

  it('refuses real Graph without BOT_ID, naming BOT_ID, with exit code 2', async () => {
    const result = await runBotExpectingFailure({
      TENANT_ID: '7d3c9a1e-2b4f-4e6a-8c1d-9f0e1a2b3c4d',
      GRAPH_CLIENT_ID: '0b5e8f2a-6c3d-4a1b-9e7f-1d2c3b4a5f6e',
      GRAPH_CLIENT_SECRET: 'a-secret',
      SUPPORT_CODE_KEY: 'ab'.repeat(32),
    });
    expect(result.code).to.equal(2);
    expect(result.output).to.match(/BOT_ID is required when GRAPH_CLIENT_ID is set/);
    expect(result.output).to.not.contain('a-secret');
  });

  it('refuses a school policy file with mistakes, listing them', async () => {
    const dir = tempDataDir();
    const file = `${dir}/school.yaml`;
    fs.writeFileSync(file, 'school:\n  name: X\n  domains: [not a domain]\n  timeZone: Nowhere/Land\n');
    try {
      const result = await runBotExpectingFailure({ SCHOOL_CONFIG: file, DATA_DIR: dir });
      expect(result.code).to.equal(2);
      expect(result.output).to.match(/SCHOOL_CONFIG \(.*school\.yaml\) school\.timeZone/);
      expect(result.output).to.match(/registration/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const dataDir = tempDataDir();
    const bot = await startBot({ DATA_DIR: dataDir });
    expect(await bot.stop()).to.equal(0);
    expect(bot.logs().some((l) => l.includes('"signal":"SIGTERM"'))).to.equal(true);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
