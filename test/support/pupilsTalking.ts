/**
 * Pupils talking to the bot while a campaign runs, on one machine: the built bot (SQLite in a fresh DATA_DIR)
 * answers pupils who each say hi, start, status and help in their chats, first with nothing else sending (the
 * pupils' baseline), then while the built `npm run nudge` runs a campaign from the same DATA_DIR, against a
 * connector stand-in that enforces Teams' 50 requests a second per app. Used by the end-to-end test (which
 * asserts what must hold) and by `npm run bench:talking` (which measures against the targets). On Azure Storage
 * (Azurite) several built instances share one account with the command line, and each pupil's turns go to
 * the instances in turn, as a load balancer without affinity sends them.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { AzureConversationReferenceStore } from '../../src/adapters/azure/azureConversationReferenceStore';
import { AzureStorageAccount, parseStorageConnection } from '../../src/adapters/azure/azureStorageAccount';
import { SqliteConversationReferenceStore } from '../../src/adapters/sqlite/sqliteConversationReferenceStore';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { clockChangePolicy } from '../nudges/campaignPolicyFixture';
import { personal, testUser } from './activities';
import { startAzurite, type Azurite } from './azurite';
import { postActivity, ROOT, startBot, tempDataDir, type BotProcess } from './botProcess';
import { addPupils, conversationOf, nudgeCliEnv, storedReferenceOf } from './campaignRig';
import { runBuiltCli, type CliRun } from './cliProcess';
import { ConnectorStandIn, random, type ReceivedActivity } from './connectorStandIn';
import { GraphStandIn } from './graph/graphStandIn';
import { TEST_APP } from './graphTenant';
import { Verb } from '../../src/features/verbs';
import { cardsOf, headingOf } from './cards';

/** Friday 23 October 2026, 09:00 BST: the 3-day reminder's window is open. */
const NOW = '2026-10-23T08:00:00Z';
const TURNS = ['hi', 'start', 'status', 'help'];
/** A pupil reads an answer for 3–6 s before the next message (about 27 turns a second from 120 pupils). */
const THINK_MS = [3000, 6000] as const;

export interface TalkingOptions {
  pupils: number;
  talkers: number;
  /** Teams' limit the stand-in enforces and the app's budget (TEAMS_SENDS_PER_SECOND). */
  limit?: number;
  /** Where the built bot and CLI are (another checkout's `dist/`, for a baseline). */
  root?: string;
  /** Azure Storage on a fresh Azurite, with this many bot instances (default: SQLite, one bot). */
  azure?: { instances: number };
}

export interface Turn {
  userId: string;
  activityId: string;
  status: number;
  ms: number;
}

export interface TalkingRun {
  ids: string[];
  quiet: Turn[];
  busy: Turn[];
  /** Turns with no reply in their chat. */
  unanswered: Turn[];
  cli: CliRun;
  /** Every nudge the connector accepted, by conversation id. */
  nudges: ReceivedActivity[];
  /**
   * What else the bot sent on its own: a status answer that came after its turn (the turn said "checking…" while
   * a slow live look finished), in a talker's chat.
   */
  followUps: ReceivedActivity[];
  /** Late answers beyond the "checking…" replies in their chat (each of those owes one answer, no more). */
  unowedFollowUps: ReceivedActivity[];
  /** 429s the connector answered. */
  throttled: number;
  figures: TalkingFigures;
}

export interface TalkingFigures {
  quietP50: number;
  quietP99: number;
  busyP50: number;
  busyP99: number;
  busyMax: number;
  repliesPerSecondAlone: number;
  nudgesPerSecondWhileTalking: number;
  repliesPerSecondWhileTalking: number;
  /** From six seconds after the last turn (the pupils' pressure has faded), for five seconds. */
  nudgesPerSecondAfter: number;
  /** How long the campaign went on sending after the last turn (it must outlast the 11 s measured above). */
  campaignAfterTalkS: number;
  refused: ConnectorStandIn['refused'];
  /** Who the budget blamed for each 429 (both processes' logs). */
  refusedBy: string[];
  cli?: string;
  /** What the budget said about itself: a pupil's send kept waiting, a slow table (both processes). */
  budgetWarnings: string[];
  /**
   * The pupils' replies' wait for their send tickets, from each bot's closing line (the worst instance): the
   * whole wait, and the part the budget's rule held them (no ticket free for them: the campaign's fault).
   * Absent when a bot wrote no such line (a baseline built before bots wrote it).
   */
  replyTickets?: { sent: number; waitedP99Ms: number; heldP99Ms: number; heldMaxMs: number };
}

interface SendsLine {
  sends?: Record<string, { sent: number; waitedP99Ms: number; heldP99Ms: number; heldMaxMs: number }>;
}

/** The heading of a status reply that promises the answer later (the talkers speak English). */
const CHECKING = 'Checking with Microsoft… ⏳';

/** A campaign's nudge carries its "Remind me later" button; nothing else the bot sends does. */
const carriesSnooze = (a: ReceivedActivity) =>
  JSON.stringify(a.activity.attachments ?? []).includes(`"verb":"${Verb.NudgeSnooze}"`);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs the whole scenario; everything it started is stopped and removed before it returns or throws. */
export async function pupilsTalkDuringCampaign(options: TalkingOptions): Promise<TalkingRun> {
  const limit = options.limit ?? 50;
  const root = options.root ?? ROOT;
  const dataDir = tempDataDir('mfa-buddy-talking-');
  const dirs = [dataDir];
  let graph: GraphStandIn | undefined;
  let connector: ConnectorStandIn | undefined;
  let azurite: Azurite | undefined;
  const bots: BotProcess[] = [];
  try {
    const policyFile = path.join(dataDir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(clockChangePolicy()));
    graph = await GraphStandIn.start();
    const teams = await ConnectorStandIn.start({ app: { limit, windowMs: 1000 } });
    connector = teams;
    const ids = addPupils(graph, options.pupils);
    const base = { ...nudgeCliEnv(graph, dataDir, policyFile), TEAMS_SENDS_PER_SECOND: String(limit) };
    /** Each process's environment: on Azure its own DATA_DIR (nothing shared there), the account shared. */
    let envOf = () => base;
    if (options.azure) {
      azurite = await startAzurite({ separateTables: true, aboveNormalPriority: true });
      const prefix = `talking${crypto.randomBytes(4).toString('hex')}`;
      const account = new AzureStorageAccount(parseStorageConnection(azurite.connectionString), prefix);
      const references = await AzureConversationReferenceStore.open(account);
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(
          ids.slice(i, i + 50).map((id) => references.save(storedReferenceOf(id, teams.serviceUrl))),
        );
      }
      const storage = {
        STORAGE: 'azure',
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        AZURE_STORAGE_PREFIX: prefix,
        // Every process here reads one clock: no margin for instances' clocks that differ.
        TEAMS_SEND_CLOCK_MARGIN_MS: '0',
      };
      envOf = () => {
        const own = tempDataDir('mfa-buddy-talking-');
        dirs.push(own);
        return { ...base, ...storage, DATA_DIR: own };
      };
    } else {
      const database = SqliteDatabase.open(dataDir);
      const references = new SqliteConversationReferenceStore(database);
      for (const id of ids) await references.save(storedReferenceOf(id, teams.serviceUrl));
      database.close();
    }
    bots.push(
      ...(await Promise.all(
        Array.from({ length: options.azure?.instances ?? 1 }, () =>
          startBot({ ...envOf(), LOG_LEVEL: 'info' }, undefined, undefined, root),
        ),
      )),
    );

    /** Ids of the pupils' messages: an activity in reply to one of them is a reply; any other the bot sent on its own. */
    const said = new Set<string>();
    const isReply = (a: ReceivedActivity) => said.has(a.replyToId ?? '');
    const isNudge = (a: ReceivedActivity) => !isReply(a) && carriesSnooze(a);
    const rate = (of: (a: ReceivedActivity) => boolean, from: number, to: number) =>
      teams.received.filter((a) => of(a) && a.at >= from && a.at < to).length / ((to - from) / 1000);

    /** Each talker says the four things, one after the other, with a reader's pause before each. */
    async function talk(
      talkers: string[],
      seed: number,
      think: readonly [number, number] = THINK_MS,
    ): Promise<{ turns: Turn[]; endedAt: number }> {
      const rnd = random(seed);
      const turns: Turn[] = [];
      await Promise.all(
        talkers.map(async (userId, pupil) => {
          const user = testUser('Pupil', userId);
          // Pupils do not all start at once: they open the chat over the first few seconds.
          await pause(rnd() * think[1]);
          for (const [n, text] of TURNS.entries()) {
            const activity = {
              ...personal(user, {
                tenantId: TEST_APP.tenantId,
                serviceUrl: teams.serviceUrl,
                conversationId: conversationOf(userId),
              }),
              type: 'message',
              text,
            };
            said.add(activity.id!);
            const started = performance.now();
            const answer = await postActivity(bots[(pupil + n) % bots.length]!, activity);
            turns.push({
              userId,
              activityId: activity.id!,
              status: answer.status,
              ms: performance.now() - started,
            });
            // A reader's pause before the next turn; after the last one the pupil is done.
            if (n < TURNS.length - 1) await pause(think[0] + rnd() * (think[1] - think[0]));
          }
        }),
      );
      return { turns, endedAt: Date.now() };
    }

    const talkers = ids.slice(0, options.talkers);
    // The bot reads the registration report on the first status question (each instance: the one pupil's
    // turns go to each in turn): done before the baseline, so that both runs measure the replies, not Graph's
    // reports budget. Nobody is measured yet, so this pupil does not stop to read.
    const warmUp = await talk([ids[ids.length - 1]!], 0, [0, 0]);
    if (warmUp.turns.some((t) => t.status !== 200)) throw new Error('the warm-up turns were not answered');

    // The same turns with nobody else sending: the pupils' baseline.
    const quietFrom = Date.now();
    const quiet = await talk(talkers, 1);
    const repliesAlone = teams.total;

    // The campaign from the command line, sharing the budget with the bot (DATA_DIR's, or the account's).
    const campaign = runBuiltCli(
      'nudge',
      { ...envOf(), NUDGE_CONCURRENCY: '32', LOG_LEVEL: 'warn' },
      ['--now', NOW, '--quiet-seconds', '1'],
      540_000,
      root,
    );
    await teams.waitFor(() => teams.total - repliesAlone >= Math.min(300, options.pupils / 4), 120_000);
    const talkingFrom = Date.now();
    const busy = await talk(talkers, 2);
    const cli = await campaign;
    // Each bot writes what its sends waited when it stops.
    for (const bot of bots) await bot.stop();

    const ms = (turns: Turn[]) => turns.map((t) => t.ms);
    const logs = [...bots.flatMap((b) => b.logs()), ...cli.stderr.split('\n')];
    // The process may have exited before its last output was read: the line is waited for (a baseline built
    // before bots wrote it has none: a short wait, then none).
    const replyLines = (
      await Promise.all(
        bots.map((bot) =>
          bot
            .logLines('what this process sent and waited')
            .then(([line]) => (JSON.parse(line!) as SendsLine).sends?.reply)
            .catch(() => undefined),
        ),
      )
    ).flatMap((reply) => (reply ? [reply] : []));
    const worst = (pick: (r: (typeof replyLines)[number]) => number) => Math.max(...replyLines.map(pick));
    const figures: TalkingFigures = {
      quietP50: percentile(ms(quiet.turns), 50),
      quietP99: percentile(ms(quiet.turns), 99),
      busyP50: percentile(ms(busy.turns), 50),
      busyP99: percentile(ms(busy.turns), 99),
      busyMax: Math.max(...ms(busy.turns)),
      repliesPerSecondAlone: rate(isReply, quietFrom, quiet.endedAt),
      nudgesPerSecondWhileTalking: rate(isNudge, talkingFrom, busy.endedAt),
      repliesPerSecondWhileTalking: rate(isReply, talkingFrom, busy.endedAt),
      nudgesPerSecondAfter: rate(isNudge, busy.endedAt + 6000, busy.endedAt + 11_000),
      campaignAfterTalkS:
        (Math.max(...teams.received.filter(isNudge).map((a) => a.at)) - busy.endedAt) / 1000,
      refused: { ...teams.refused },
      refusedBy: logs
        .filter((l) => l.includes('Teams refused a send'))
        .map((l) => (JSON.parse(l) as { sendKind: string }).sendKind),
      cli: /Sent \d+.*/.exec(cli.stdout)?.[0],
      budgetWarnings: logs
        .filter((l) => l.includes('send budget:') && !l.includes('what this process sent'))
        .slice(0, 20),
      replyTickets:
        replyLines.length < bots.length
          ? undefined
          : {
              sent: replyLines.reduce((sum, r) => sum + r.sent, 0),
              waitedP99Ms: worst((r) => r.waitedP99Ms),
              heldP99Ms: worst((r) => r.heldP99Ms),
              heldMaxMs: worst((r) => r.heldMaxMs),
            },
    };
    const followUps = teams.received.filter((a) => !isReply(a) && !isNudge(a));
    const unansweredIn = (turns: Turn[]) =>
      turns.filter(
        (t) => !teams.activitiesIn(conversationOf(t.userId)).some((a) => a.replyToId === t.activityId),
      );
    return {
      ids,
      quiet: quiet.turns,
      busy: busy.turns,
      unanswered: [...unansweredIn(quiet.turns), ...unansweredIn(busy.turns)],
      cli,
      nudges: teams.received.filter(isNudge),
      followUps,
      // Counted per chat, not in order: the answer and the reply that promised it may cross on the wire.
      unowedFollowUps: followUps.filter((a, n) => {
        const inChat = (r: ReceivedActivity) => r.conversationId === a.conversationId;
        const promised = teams.received.filter(
          (r) => inChat(r) && isReply(r) && cardsOf(r.activity).map(headingOf).includes(CHECKING),
        );
        return followUps.slice(0, n + 1).filter(inChat).length > promised.length;
      }),
      throttled: teams.throttled,
      figures,
    };
  } catch (error) {
    for (const bot of bots) console.log(bot.logs().slice(-40).join('\n'));
    throw error;
  } finally {
    for (const bot of bots) await bot.stop();
    await connector?.close();
    await graph?.close();
    await azurite?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}
