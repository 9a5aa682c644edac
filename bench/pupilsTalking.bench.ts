/**
 * Benchmark (run by hand, not a test): pupils talking to the bot while `npm run nudge` runs a campaign on the
 * same machine (test/support/pupilsTalking.ts: the built bot and CLI on one DATA_DIR, 120 pupils taking four
 * turns each, first alone and then during a 3,000-pupil campaign, against a connector enforcing 50 requests/s).
 *
 *   npm run bench:talking -- [--runs 3] [--pupils 3000] [--talkers 120] [--azure <instances>]
 *                            [--baseline <checkout with dist/>]
 *
 * Per run: the pupils' reply times (p50/p99) alone and during the campaign and their ratio, the replies' and
 * the campaign's shares of the budget while pupils talk, the campaign's rate from 6 s after the last turn (as a
 * share of the limit), 429s. With `--baseline`, runs alternate with that checkout's built bot and CLI (same
 * session, same machine moods) and the medians are compared. With `--azure N`, N bot instances and the command
line share one Azurite account instead of one SQLite DATA_DIR. Raw results go to bench/results/ (not committed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../test/support/botProcess';
import { pupilsTalkDuringCampaign, type TalkingFigures } from '../test/support/pupilsTalking';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

const RUNS = Number(option('runs', '3'));
const PUPILS = Number(option('pupils', '3000'));
const TALKERS = Number(option('talkers', '120'));
const BASELINE = option('baseline', '');
const AZURE_INSTANCES = Number(option('azure', '0'));
const LIMIT = 50;

interface RunResult {
  side: 'current' | 'baseline';
  run: number;
  load: string;
  p99Ratio: number;
  replyShare: number;
  campaignShareWhileTalking: number;
  campaignRatioAfter: number;
  throttled: number;
  figures: TalkingFigures;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

async function main(): Promise<void> {
  const sides: { side: RunResult['side']; root: string }[] = [{ side: 'current', root: ROOT }];
  if (BASELINE) sides.push({ side: 'baseline', root: path.resolve(BASELINE) });
  const results: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) {
    for (const { side, root } of sides) {
      const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      const talking = await pupilsTalkDuringCampaign({
        pupils: PUPILS,
        talkers: TALKERS,
        limit: LIMIT,
        root,
        azure: AZURE_INSTANCES > 0 ? { instances: AZURE_INSTANCES } : undefined,
      });
      const f = talking.figures;
      const result: RunResult = {
        side,
        run,
        load,
        p99Ratio: round(f.busyP99 / f.quietP99),
        replyShare: round(f.repliesPerSecondWhileTalking / LIMIT),
        campaignShareWhileTalking: round(f.nudgesPerSecondWhileTalking / LIMIT),
        campaignRatioAfter: round(f.nudgesPerSecondAfter / LIMIT),
        throttled: talking.throttled,
        figures: f,
      };
      console.log(JSON.stringify(result));
      results.push(result);
    }
  }
  const medians = Object.fromEntries(
    sides.map(({ side }) => {
      const of = (pick: (r: RunResult) => number) =>
        round(median(results.filter((r) => r.side === side).map(pick)));
      return [
        side,
        {
          quietP99Ms: of((r) => r.figures.quietP99),
          busyP99Ms: of((r) => r.figures.busyP99),
          p99Ratio: of((r) => r.p99Ratio),
          replyShare: of((r) => r.replyShare),
          campaignShareWhileTalking: of((r) => r.campaignShareWhileTalking),
          campaignRatioAfter: of((r) => r.campaignRatioAfter),
          throttled: of((r) => r.throttled),
          // The pupils' replies' wait for a ticket (p99, worst instance), and the part the budget held them.
          replyTicketWaitP99Ms: of((r) => r.figures.replyTickets?.waitedP99Ms ?? NaN),
          replyHeldP99Ms: of((r) => r.figures.replyTickets?.heldP99Ms ?? NaN),
        },
      ];
    }),
  );
  console.log(JSON.stringify({ medians }));
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `talking-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
        medians,
        results,
      },
      null,
      2,
    ),
  );
  console.log(`results in ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
