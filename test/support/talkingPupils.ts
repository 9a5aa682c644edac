/**
 * Pupils talking to built bot processes while a campaign runs, for the tests of the app's one Teams send budget
 * (SQLite: one bot and `npm run nudge` on one DATA_DIR; Azure Storage: two instances and `npm run nudge` on one
 * account): each pupil says four things with a reader's pause before each, and what they waited for, what the
 * connector stand-in received and the figures the tests print and assert are worked out here.
 */
import type { BotProcess } from './botProcess';
import { postActivity } from './botProcess';
import { personal, testUser } from './activities';
import { conversationOf } from './campaignRig';
import type { CliRun } from './cliProcess';
import type { ConnectorStandIn, ReceivedActivity } from './connectorStandIn';
import { TEST_APP } from './graphTenant';

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

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface Turn {
  userId: string;
  activityId: string;
  status: number;
  ms: number;
}

export interface Talk {
  turns: Turn[];
  endedAt: number;
}

export class TalkingPupils {
  /** Ids of the pupils' messages: an activity in reply to one of them is a reply, any other a nudge. */
  private readonly said = new Set<string>();

  /** `bots`: the instances behind the app's endpoint; a pupil's turns go to each in turn (no affinity). */
  constructor(
    private readonly connector: ConnectorStandIn,
    private readonly bots: () => BotProcess[],
  ) {}

  /** Each talker says the four things, one after the other, with a reader's pause before each. */
  async talk(talkers: string[], seed: number): Promise<Talk> {
    const rnd = random(seed);
    const turns: Turn[] = [];
    await Promise.all(
      talkers.map(async (userId, pupil) => {
        const user = testUser('Pupil', userId);
        // Pupils do not all start at once: they open the chat over the first few seconds.
        await pause(rnd() * THINK_MS[1]);
        for (const [n, text] of TURNS.entries()) {
          const activity = {
            ...personal(user, {
              tenantId: TEST_APP.tenantId,
              serviceUrl: this.connector.serviceUrl,
              conversationId: conversationOf(userId),
            }),
            type: 'message',
            text,
          };
          this.said.add(activity.id!);
          const bots = this.bots();
          const started = performance.now();
          const answer = await postActivity(bots[(pupil + n) % bots.length]!, activity);
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
  unanswered(turns: Turn[]): Turn[] {
    return turns.filter(
      (t) => !this.connector.activitiesIn(conversationOf(t.userId)).some((a) => a.replyToId === t.activityId),
    );
  }

  isReply(activity: ReceivedActivity): boolean {
    return this.said.has(activity.replyToId ?? '');
  }

  /** Activities of one kind accepted between `from` and `to` (ms since epoch), per second. */
  rate(replies: boolean, from: number, to: number): number {
    const n = this.connector.received.filter(
      (a) => this.isReply(a) === replies && a.at >= from && a.at < to,
    ).length;
    return n / ((to - from) / 1000);
  }

  /** The conversations that received something other than a reply: the pupils nudged. */
  nudged(): Set<string> {
    return new Set(this.connector.received.filter((a) => !this.isReply(a)).map((a) => a.conversationId));
  }

  /**
   * The figures a run prints and asserts: the pupils' waits alone (`quiet`) and during the campaign (`busy`),
   * the rates at the connector, its 429s, and who the budget blamed for any (the processes' logs).
   */
  figures(
    runs: { quiet: Talk; quietFrom: number; busy: Talk; talkingFrom: number },
    logs: string[],
    cli: CliRun,
  ) {
    const { quiet, quietFrom, busy, talkingFrom } = runs;
    const ms = (turns: Turn[]) => turns.map((t) => t.ms);
    return {
      quietP50: percentile(ms(quiet.turns), 50),
      quietP99: percentile(ms(quiet.turns), 99),
      busyP50: percentile(ms(busy.turns), 50),
      busyP99: percentile(ms(busy.turns), 99),
      busyMax: Math.max(...ms(busy.turns)),
      repliesPerSecondAlone: this.rate(true, quietFrom, quiet.endedAt),
      nudgesPerSecondWhileTalking: this.rate(false, talkingFrom, busy.endedAt),
      repliesPerSecondWhileTalking: this.rate(true, talkingFrom, busy.endedAt),
      // From six seconds after the last turn (the pupils' pressure has faded), for five seconds.
      nudgesPerSecondAfter: this.rate(false, busy.endedAt + 6000, busy.endedAt + 11_000),
      refused: this.connector.refused,
      // Who the budget blamed for each 429 (the bots' logs, the command line's log).
      refusedBy: [...logs, ...cli.stderr.split('\n')]
        .filter((l) => l.includes('Teams refused a send'))
        .map((l) => (JSON.parse(l) as { sendKind: string }).sendKind),
      cli: /Sent \d+.*/.exec(cli.stdout)?.[0],
    };
  }
}
