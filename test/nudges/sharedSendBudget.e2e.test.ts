/**
 * One Teams budget for the whole app, pupils first: the built bot answers pupils in their chats while the built
 * `npm run nudge` runs a campaign of a few thousand pupils from the same DATA_DIR, against a connector stand-in
 * that enforces Teams' 50 requests a second per app. Teams must never have to refuse a request (no 429), every
 * turn is answered, pupils are not kept waiting behind the campaign, the campaign still reaches everyone once,
 * and it takes the budget back once the pupils stop. The bounds on time here catch the failures that cost
 * pupils seconds (a reply queued behind the campaign or waiting out a Retry-After: p99 2 s before the budget);
 * the targets themselves (p99 within 1.25× of the quiet run, the campaign above 0.95 of the limit afterwards)
 * are measured, median of three, by `npm run bench:talking` (docs/benchmarks.md), not asserted on a shared CI
 * machine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SqliteConversationReferenceStore } from '../../src/adapters/sqlite/sqliteConversationReferenceStore';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { personal, testUser } from '../support/activities';
import { postActivity, startBot, tempDataDir, type BotProcess } from '../support/botProcess';
import { addPupils, conversationOf, nudgeCliEnv, storedReferenceOf } from '../support/campaignRig';
import { runBuiltCli, type CliRun } from '../support/cliProcess';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { TEST_APP } from '../support/graphTenant';
import { ConnectorStandIn, type ReceivedActivity } from '../support/connectorStandIn';
import { clockChangePolicy } from './campaignPolicyFixture';

const NOW = '2026-10-23T08:00:00Z';
const LIMIT = 50;
const PUPILS = Number(process.env.BUDGET_PUPILS ?? 3000);
const TALKERS = Number(process.env.BUDGET_TALKERS ?? 120);
const TURNS = ['hi', 'start', 'status', 'help'];
/** A pupil reads an answer for 3–6 s before the next message (about 27 turns a second from 120 pupils). */
const THINK_MS = [3000, 6000] as const;

/** A small deterministic generator (mulberry32), so a failing run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Turn {
  userId: string;
  activityId: string;
  status: number;
  ms: number;
}

describe('One Teams send budget: pupils talk to the bot while npm run nudge runs a campaign (built bot and CLI)', function () {
  this.timeout(600_000);
  let graph: GraphStandIn;
  let connector: ConnectorStandIn;
  let bot: BotProcess | undefined;
  let dataDir: string;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && bot) console.log(bot.logs().slice(-40).join('\n'));
    await bot?.stop();
    await connector?.close();
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Each talker says the four things, one after the other, with a reader's pause before each. */
  async function talk(talkers: string[], seed: number): Promise<{ turns: Turn[]; endedAt: number }> {
    const rnd = random(seed);
    const turns: Turn[] = [];
    await Promise.all(
      talkers.map(async (userId) => {
        const user = testUser('Pupil', userId);
        // Pupils do not all start at once: they open the chat over the first few seconds.
        await pause(rnd() * THINK_MS[1]);
        for (const text of TURNS) {
          const activity = {
            ...personal(user, {
              tenantId: TEST_APP.tenantId,
              serviceUrl: connector.serviceUrl,
              conversationId: conversationOf(userId),
            }),
            type: 'message',
            text,
          };
          said.add(activity.id!);
          const started = performance.now();
          const answer = await postActivity(bot!, activity);
          turns.push({
            userId,
            activityId: activity.id!,
            status: answer.status,
            ms: performance.now() - started,
          });
          await pause(THINK_MS[0] + rnd() * (THINK_MS[1] - THINK_MS[0]));
        }
      }),
    );
    return { turns, endedAt: Date.now() };
  }

  /** Turns that got no message back in the pupil's chat. */
  function unanswered(turns: Turn[]): Turn[] {
    return turns.filter(
      (t) => !connector.activitiesIn(conversationOf(t.userId)).some((a) => a.replyToId === t.activityId),
    );
  }

  /** Ids of the pupils' messages: an activity in reply to one of them is a reply, any other a nudge. */
  const said = new Set<string>();
  const isReply = (a: ReceivedActivity) => said.has(a.replyToId ?? '');

  /** Activities of one kind accepted between `from` and `to` (ms since epoch), per second. */
  function rate(replies: boolean, from: number, to: number): number {
    const n = connector.received.filter((a) => isReply(a) === replies && a.at >= from && a.at < to).length;
    return n / ((to - from) / 1000);
  }

  it(`${PUPILS} pupils nudged while ${TALKERS} talk: no 429, every turn answered, replies as fast as with no campaign`, async () => {
    dataDir = tempDataDir('mfa-buddy-budget-');
    const policyFile = path.join(dataDir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(clockChangePolicy()));
    graph = await GraphStandIn.start();
    connector = await ConnectorStandIn.start({ app: { limit: LIMIT, windowMs: 1000 } });
    const ids = addPupils(graph, PUPILS);
    const database = SqliteDatabase.open(dataDir);
    const references = new SqliteConversationReferenceStore(database);
    for (const id of ids) await references.save(storedReferenceOf(id, connector.serviceUrl));
    database.close();
    const env = { ...nudgeCliEnv(graph, dataDir, policyFile), TEAMS_SENDS_PER_SECOND: String(LIMIT) };
    bot = await startBot({ ...env, LOG_LEVEL: 'info' });
    const talkers = ids.slice(0, TALKERS);
    // The bot reads the registration report on the first status question: done before the baseline, so that
    // both runs measure the replies, not Graph's reports budget.
    const warmUp = await talk([ids[PUPILS - 1]!], 0);
    expect(warmUp.turns.map((t) => t.status)).to.deep.equal([200, 200, 200, 200]);

    // The same turns with nobody else sending: the pupils' baseline.
    const quietFrom = Date.now();
    const quiet = await talk(talkers, 1);
    expect(quiet.turns.filter((t) => t.status !== 200)).to.deep.equal([]);
    expect(unanswered(quiet.turns)).to.deep.equal([]);
    const repliesAlone = connector.total;

    // The campaign from the command line, sharing DATA_DIR's budget with the bot.
    const campaign: Promise<CliRun> = runBuiltCli(
      'nudge',
      { ...env, NUDGE_CONCURRENCY: '32', LOG_LEVEL: 'warn' },
      ['--now', NOW, '--quiet-seconds', '3'],
      540_000,
    );
    await connector.waitFor(() => connector.total - repliesAlone >= Math.min(300, PUPILS / 4), 120_000);
    const talkingFrom = Date.now();
    const busy = await talk(talkers, 2);
    const run = await campaign;
    expect(run.code, run.stderr.slice(-3000)).to.equal(0);

    const ms = (turns: Turn[]) => turns.map((t) => t.ms);
    const figures = {
      quietP50: percentile(ms(quiet.turns), 50),
      quietP99: percentile(ms(quiet.turns), 99),
      busyP50: percentile(ms(busy.turns), 50),
      busyP99: percentile(ms(busy.turns), 99),
      busyMax: Math.max(...ms(busy.turns)),
      repliesPerSecondAlone: rate(true, quietFrom, quiet.endedAt),
      nudgesPerSecondWhileTalking: rate(false, talkingFrom, busy.endedAt),
      repliesPerSecondWhileTalking: rate(true, talkingFrom, busy.endedAt),
      // From six seconds after the last turn (the pupils' pressure has faded), for five seconds.
      nudgesPerSecondAfter: rate(false, busy.endedAt + 6000, busy.endedAt + 11_000),
      refused: connector.refused,
      // Who the budget blamed for each 429 (the bot's log, the command line's log).
      refusedBy: [...bot.logs(), ...run.stderr.split('\n')]
        .filter((l) => l.includes('Teams refused a send'))
        .map((l) => (JSON.parse(l) as { sendKind: string }).sendKind),
      cli: /Sent \d+.*/.exec(run.stdout)?.[0],
      // What the budget said about itself: a pupil's send kept waiting, a slow table (both processes).
      budgetWarnings: [...bot.logs(), ...run.stderr.split('\n')]
        .filter((l) => l.includes('send budget:'))
        .slice(0, 20),
    };
    console.log(`      ${JSON.stringify(figures)}`);

    expect(connector.throttled, '429s answered by the connector').to.equal(0);
    expect(busy.turns.filter((t) => t.status !== 200)).to.deep.equal([]);
    expect(unanswered(busy.turns), 'turns with no answer in the chat').to.deep.equal([]);
    // Within 1.25× of the quiet run, or a quarter of a second more when the quiet p99 is small.
    expect(figures.busyP99).to.be.at.most(Math.max(1.25 * figures.quietP99, figures.quietP99 + 250));
    const nudgedIn = new Set(connector.received.filter((a) => !isReply(a)).map((a) => a.conversationId));
    const nudged = ids.filter((id) => nudgedIn.has(conversationOf(id)));
    expect(nudged.length, 'pupils nudged').to.equal(PUPILS);
    expect(
      connector.received.filter((a) => !isReply(a)),
      'nudges sent',
    ).to.have.length(PUPILS);
    expect(run.stdout).to.contain(`Sent ${PUPILS};`);
    // Once the pupils' pressure has faded (by half each second), the campaign has taken the budget back.
    expect(figures.nudgesPerSecondAfter).to.be.above(0.85 * LIMIT);
    expect(figures.refusedBy).to.deep.equal([]);
  });
});
