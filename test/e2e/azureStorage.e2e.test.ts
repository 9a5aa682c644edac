import crypto from 'node:crypto';
import { expect } from 'chai';
import { installActivity, submitActivity, testUser, textActivity } from '../support/activities';
import { startAzurite, type Azurite } from '../support/azurite';
import { postActivity, startBot, tempDataDir, type BotProcess } from '../support/botProcess';
import { cardsOf, headingOf } from '../support/cards';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { AzureStorageAccount, parseStorageConnection } from '../../src/adapters/azure/azureStorageAccount';
import { AzureUserProgressStore } from '../../src/adapters/azure/azureUserProgressStore';

describe('the bot on Azure Storage (Azurite), one and two instances', () => {
  let azurite: Azurite;
  let connector: ConnectorStandIn;
  let prefix: string;
  const bots: BotProcess[] = [];

  before(async () => {
    azurite = await startAzurite();
  });
  after(() => azurite.stop());

  beforeEach(async () => {
    connector = await ConnectorStandIn.start();
    prefix = `e2e${crypto.randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    await Promise.all(bots.splice(0).map((b) => b.stop()));
    await connector.close();
  });

  async function instance(): Promise<BotProcess> {
    const bot = await startBot({
      STORAGE: 'azure',
      ALLOW_UNAUTHENTICATED: '1',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_PREFIX: prefix,
      // No local state at all: anything that survives must be in the storage account.
      DATA_DIR: tempDataDir(),
    });
    bots.push(bot);
    return bot;
  }

  it("keeps a pupil's place across a restart with no local data", async () => {
    const pupil = testUser('Alex Morgan');
    const options = { serviceUrl: connector.serviceUrl };
    let bot = await instance();
    expect(bot.logs().some((l) => l.includes('storage: Azure Storage'))).to.equal(true);
    await postActivity(bot, installActivity(pupil, options));
    await postActivity(bot, submitActivity(pupil, { verb: 'guide.start' }, options));
    await postActivity(
      bot,
      submitActivity(pupil, { verb: 'guide.choose', from: 'chooseFirst', choice: 'app' }, options),
    );
    await bots.pop()!.stop();

    bot = await instance();
    await postActivity(bot, textActivity(pupil, 'hi', options));
    await connector.waitFor((r) => r.length >= 4);
    const [card] = cardsOf(connector.received[3]!.activity);
    expect(headingOf(card!)).to.equal('Welcome back, Alex!');
    expect(card!.texts).to.include('You were at: **Get the Authenticator app**.');
  });

  it('when the storage account cannot be reached, the pupil is told so in the chat, not left waiting', async function () {
    this.timeout(90_000);
    // Its own Azurite, so that stopping it does not disturb the other tests.
    const outage = await startAzurite();
    const pupil = testUser('Sam Taylor');
    const options = { serviceUrl: connector.serviceUrl };
    const bot = await startBot({
      STORAGE: 'azure',
      ALLOW_UNAUTHENTICATED: '1',
      AZURE_STORAGE_CONNECTION_STRING: outage.connectionString,
      AZURE_STORAGE_PREFIX: prefix,
      DATA_DIR: tempDataDir(),
    });
    bots.push(bot);
    await postActivity(bot, installActivity(pupil, options));
    await connector.waitFor((r) => r.length >= 1);
    await outage.stop();
    await postActivity(bot, submitActivity(pupil, { verb: 'guide.start' }, options));
    await connector.waitFor((r) => r.length >= 2, 60_000);
    // The sample school's support desk (config/kscs.school.yaml), so a pupil stuck on a failing bot has a way on.
    expect(connector.received[1]!.activity.text).to.equal(
      'Sorry, something went wrong on my side. Please try again in a minute. If it keeps happening, IT Support ' +
        'can help: room 3L23 (Monday to Friday, 8:30am to 4pm), or email ITServiceDesk@kenstimpson.org.uk.',
    );
    expect(await bot.logLines('turn failed')).to.have.length(1);
  });

  it('two instances writing the same pupil at the same moment lose no update (etags)', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const options = { serviceUrl: connector.serviceUrl };
    const pupils = Array.from({ length: 12 }, (_, i) => testUser(`Pupil ${i}`));
    // For each pupil, at the same time: "I'm stuck" on one instance and the install event on the other.
    // Each turn writes a different field of the same record; a lost update would drop one of them.
    await Promise.all(
      pupils.flatMap((p) => [
        postActivity(a, submitActivity(p, { verb: 'guide.stuck', from: 'welcome' }, options)),
        postActivity(b, installActivity(p, options)),
      ]),
    );
    const account = new AzureStorageAccount(parseStorageConnection(azurite.connectionString), prefix);
    const progress = await AzureUserProgressStore.open(account);
    for (const p of pupils) {
      const stored = (await progress.get(p.aadObjectId))?.value;
      expect(stored?.stuckAt, `${p.name}: "I'm stuck" kept`).to.equal('welcome');
      expect(stored?.welcomedAt, `${p.name}: welcome kept`).to.be.a('string');
    }
    // The races did happen, and were settled by re-reading rather than by luck.
    const conflicts = [...a.logs(), ...b.logs()].filter((l) =>
      l.includes('progress write conflict; retrying'),
    );
    expect(conflicts.length).to.be.greaterThan(0);
  });
});
