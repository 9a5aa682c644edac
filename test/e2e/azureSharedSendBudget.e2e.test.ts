/**
 * One Teams budget for the whole app on Azure Storage, pupils first: two built bot instances on one account
 * (Azurite) answer pupils whose turns go to either, while the built `npm run nudge` runs a campaign of a few
 * thousand pupils on the same account, against a connector stand-in that enforces Teams' 50 requests a second
 * per app. Every process takes its tickets from the one table, so Teams must never have to refuse a request
 * (no 429), every turn is answered, pupils wait no longer than with no campaign running (p99 within 1.25×), the
 * campaign reaches everyone once, and it takes the whole budget back once the pupils stop.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { AzureConversationReferenceStore } from '../../src/adapters/azure/azureConversationReferenceStore';
import { AzureStorageAccount, parseStorageConnection } from '../../src/adapters/azure/azureStorageAccount';
import { clockChangePolicy } from '../nudges/campaignPolicyFixture';
import { startAzurite, type Azurite } from '../support/azurite';
import { startBot, tempDataDir, type BotProcess } from '../support/botProcess';
import { addPupils, conversationOf, nudgeCliEnv, storedReferenceOf } from '../support/campaignRig';
import { runBuiltCli, type CliRun } from '../support/cliProcess';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { TalkingPupils } from '../support/talkingPupils';

const NOW = '2026-10-23T08:00:00Z';
const LIMIT = 50;
/**
 * Fewer than on SQLite: each turn and each nudge costs several storage requests, and one Azurite on the test
 * machine serves all of them (120 talkers kept two instances' turns waiting seconds with no campaign at all).
 */
const PUPILS = Number(process.env.BUDGET_PUPILS ?? 1500);
const TALKERS = Number(process.env.BUDGET_TALKERS ?? 40);

describe('One Teams send budget on Azure Storage: pupils talk to two instances while npm run nudge runs a campaign (built bot and CLI, Azurite)', function () {
  this.timeout(600_000);
  let azurite: Azurite;
  let graph: GraphStandIn;
  let connector: ConnectorStandIn;
  const bots: BotProcess[] = [];
  const dirs: string[] = [];

  afterEach(async function () {
    for (const bot of bots.splice(0)) {
      if (this.currentTest?.state === 'failed') console.log(bot.logs().slice(-40).join('\n'));
      await bot.stop();
    }
    await connector?.close();
    await graph?.close();
    await azurite?.stop();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`${PUPILS} pupils nudged while ${TALKERS} talk to two instances: no 429, every turn answered, replies as fast as with no campaign`, async () => {
    azurite = await startAzurite({ separateTables: true });
    const policyDir = tempDataDir('mfa-buddy-azure-budget-');
    dirs.push(policyDir);
    const policyFile = path.join(policyDir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(clockChangePolicy()));
    graph = await GraphStandIn.start();
    connector = await ConnectorStandIn.start({ app: { limit: LIMIT, windowMs: 1000 } });
    const pupils = new TalkingPupils(connector, () => bots);
    const ids = addPupils(graph, PUPILS);
    const prefix = `budget${crypto.randomBytes(4).toString('hex')}`;
    const account = new AzureStorageAccount(parseStorageConnection(azurite.connectionString), prefix);
    const references = await AzureConversationReferenceStore.open(account);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map((id) => references.save(storedReferenceOf(id, connector.serviceUrl))),
      );
    }
    /** Each process its own DATA_DIR (nothing shared there): the budget is in the account. */
    const env = () => {
      const dataDir = tempDataDir('mfa-buddy-azure-budget-');
      dirs.push(dataDir);
      return {
        ...nudgeCliEnv(graph, dataDir, policyFile),
        STORAGE: 'azure',
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        AZURE_STORAGE_PREFIX: prefix,
        TEAMS_SENDS_PER_SECOND: String(LIMIT),
        // Every process here reads one clock: no margin is needed for clocks that differ.
        TEAMS_SEND_CLOCK_MARGIN_MS: '0',
      };
    };
    bots.push(
      ...(await Promise.all([
        startBot({ ...env(), LOG_LEVEL: 'info' }),
        startBot({ ...env(), LOG_LEVEL: 'info' }),
      ])),
    );
    const talkers = ids.slice(0, TALKERS);
    // Each instance reads the registration report on its first status question: done before the baseline, so
    // that both runs measure the replies, not Graph's reports budget.
    const warmUp = await pupils.talk([ids[PUPILS - 1]!], 0);
    expect(warmUp.turns.map((t) => t.status)).to.deep.equal([200, 200, 200, 200]);

    // The same turns with nobody else sending: the pupils' baseline.
    const quietFrom = Date.now();
    const quiet = await pupils.talk(talkers, 1);
    expect(quiet.turns.filter((t) => t.status !== 200)).to.deep.equal([]);
    expect(pupils.unanswered(quiet.turns)).to.deep.equal([]);
    const repliesAlone = connector.total;

    // The campaign from the command line, sharing the account's budget with both instances.
    const campaign: Promise<CliRun> = runBuiltCli(
      'nudge',
      { ...env(), NUDGE_CONCURRENCY: '32', LOG_LEVEL: 'warn' },
      ['--now', NOW, '--quiet-seconds', '3'],
      540_000,
    );
    await connector.waitFor(() => connector.total - repliesAlone >= Math.min(300, PUPILS / 4), 120_000);
    const talkingFrom = Date.now();
    const busy = await pupils.talk(talkers, 2);
    const run = await campaign;
    expect(run.code, run.stderr.slice(-3000)).to.equal(0);

    const figures = pupils.figures(
      { quiet, quietFrom, busy, talkingFrom },
      bots.flatMap((b) => b.logs()),
      run,
    );
    console.log(`      ${JSON.stringify(figures)}`);

    expect(connector.throttled, '429s answered by the connector').to.equal(0);
    expect(busy.turns.filter((t) => t.status !== 200)).to.deep.equal([]);
    expect(pupils.unanswered(busy.turns), 'turns with no answer in the chat').to.deep.equal([]);
    expect(figures.busyP99).to.be.at.most(1.25 * figures.quietP99);
    // Every pupil nudged; those who did not talk (and so got nothing else) exactly once.
    const nudgedIn = pupils.nudged();
    expect(ids.filter((id) => nudgedIn.has(conversationOf(id))).length, 'pupils nudged').to.equal(PUPILS);
    const silent = new Set(ids.slice(TALKERS, PUPILS - 1).map(conversationOf));
    const toSilent = connector.received.filter((a) => silent.has(a.conversationId));
    expect(toSilent.length, 'messages to pupils who did not talk').to.equal(silent.size);
    expect(run.stdout).to.contain(`Sent ${PUPILS};`);
    // Once the pupils' pressure has faded (half a second at a time), the campaign is back above 0.95 of the limit.
    expect(figures.nudgesPerSecondAfter).to.be.above(0.95 * LIMIT);
    expect(figures.refusedBy).to.deep.equal([]);
  });
});
