import fs from 'node:fs';
import http from 'node:http';
import { expect } from 'chai';
import sinon from 'sinon';
import type { TurnContext } from 'botbuilder';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config/env';
import { createContainer, type Container } from '../src/container';
import { tempDataDir } from './support/botProcess';
import { expectRejection } from './support/expectRejection';
import { captureLog } from './support/logCapture';

/** The composition root on the demo school and SQLite in a temporary DATA_DIR (the sample policy has a campaign). */
describe('the container', () => {
  let dataDir: string;
  let container: Container | undefined;

  beforeEach(() => {
    dataDir = tempDataDir('mfa-buddy-container-');
  });
  afterEach(async () => {
    await container?.stop();
    container = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const build = (env: Record<string, string>, nudges?: false) =>
    createContainer(loadConfig({ DATA_DIR: dataDir, SUPPORT_CODE_KEY: 'ab'.repeat(32), ...env }), {
      log: captureLog('fatal').log,
      nudges,
    });

  it('runs every background job of the bot, the campaign timer only when NUDGE_SCHEDULER is on', async () => {
    container = await build({ NUDGE_SCHEDULER: 'on' });
    expect(container.jobs).to.deep.equal([
      'retention',
      'reportRefresh',
      'progressSnapshots',
      'nudgeScheduler',
      'statusFollowUps',
      'escalationOutbox',
    ]);
    await container.stop();
    container = await build({ NUDGE_SCHEDULER: 'off' });
    expect(container.jobs).to.not.include('nudgeScheduler');
    expect(container.nudges, 'the campaign itself is still there, for snoozes').to.not.equal(undefined);
  });

  it('has no campaign at all when told so, whatever the policy says', async () => {
    container = await build({ NUDGE_SCHEDULER: 'on' }, false);
    expect(container.nudges).to.equal(undefined);
    expect(container.jobs).to.not.include('nudgeScheduler');
  });

  it("answers a failed turn in the language Teams reports, with the school's desk", async () => {
    container = await build({ NUDGE_SCHEDULER: 'off' }, false);
    const sent: unknown[] = [];
    for (const locale of ['en-GB', 'pl-PL', 'ur-PK', 'fr-FR']) {
      const context = {
        activity: { type: 'message', locale },
        sendActivity: (activity: unknown) => Promise.resolve(void sent.push(activity)),
      } as unknown as TurnContext;
      await container.adapter.onTurnError(context, new Error('storage down'));
    }
    const english =
      'Sorry, something went wrong on my side. Please try again in a minute. If it keeps happening, IT Support ' +
      'can help: room 3L23 (Monday to Friday, 8:30am to 4pm), or email ITServiceDesk@kenstimpson.org.uk.';
    expect(sent).to.deep.equal([
      english,
      'Przepraszam, coś poszło nie tak po mojej stronie. Spróbuj ponownie za minutę. Jeśli to się powtarza, ' +
        'pomoże ci dział IT (IT Support): sala 3L23 (poniedziałek – piątek, 8:30–16:00) albo e-mail ' +
        'ITServiceDesk@kenstimpson.org.uk.',
      sent[2],
      english,
    ]);
    expect(sent[2]).to.match(
      /^معاف کیجیے، میری طرف کچھ غلط ہو گیا۔.*کمرہ 3L23 \(پیر سے جمعہ، .*ITServiceDesk@kenstimpson\.org\.uk/,
    );
  });

  it('stopped after its jobs ran, closes the storage; stopped without starting (the command line), too', async () => {
    container = await build({ NUDGE_SCHEDULER: 'on' });
    await container.start();
    await container.stores.ping(1000);
    await container.stop();
    await expectClosed(container);

    container = await build({ NUDGE_SCHEDULER: 'off' });
    await container.stop();
    await expectClosed(container);
  });

  it('a bot whose jobs fail to start leaves nothing running: the port is closed, the storage is closed', async () => {
    container = await build({ PORT: '0', HOST: '127.0.0.1', NUDGE_SCHEDULER: 'off' });
    // The server the app opens, seen as it listens (port 0: the system's choice, which no other file can take).
    const listening = sinon.spy(http.Server.prototype, 'listen');
    const failing = sinon
      .stub(container.stores.escalations, 'interrupted')
      .rejects(new Error('storage blip'));
    try {
      await expectRejection(startApp(container), 'storage blip');
    } finally {
      failing.restore();
      listening.restore();
    }
    await expectClosed(container);
    const servers = listening.thisValues as http.Server[];
    expect(servers, 'servers the app opened').to.have.length(1);
    expect(servers[0]!.listening, 'the port after a failed start').to.equal(false);
  });
});

async function expectClosed(container: Container): Promise<void> {
  const answer = await container.stores.ping(1000).then(
    () => 'answered',
    () => 'closed',
  );
  expect(answer, 'the storage after stop').to.equal('closed');
}
