/**
 * The built bot and the Agents Playground in front of it, both on 127.0.0.1 with free ports, in a fresh
 * temporary folder (database, logs, policy) that `stop()` removes. Each suite starts its own session.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { startPlayground, type RunningPlayground } from '../../../scripts/playground/playgroundServer';
import { localDateOf, type LocalDate } from '../../../src/domain/policy/localDate';
import { startBot, tempDataDir, type BotProcess } from '../botProcess';
import { runBuiltCli, type CliRun } from '../cliProcess';
import { SAMPLE_POLICY_PATH } from '../conversationHarness';

export interface PlaygroundSession {
  bot: BotProcess;
  playground: RunningPlayground;
  /** The bot's DATA_DIR (its SQLite database). */
  dataDir: string;
  /** The bot's SCHOOL_CONFIG (the sample policy with its dates moved relative to today). */
  schoolConfig: string;
  /** Runs the built `npm run nudge` (dist/cli/nudge.js) with `args` against the bot's DATA_DIR and policy. */
  nudge(args: string[]): Promise<CliRun>;
  /** The last lines of both logs, for a failing test's report. */
  diagnostics(): string;
  /** Stops the Playground and the bot (SIGTERM, by pid) and removes the temporary folder. */
  stop(): Promise<void>;
}

/** Runs the built nudge command line with `env` (the bot's configuration) and `args`; 60 s at most. */
function runNudgeCli(env: Record<string, string>, args: string[]): Promise<CliRun> {
  return runBuiltCli('nudge', env, args);
}

function addDays(date: LocalDate, days: number): LocalDate {
  const instant = new Date(`${date}T12:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() + days);
  return instant.toISOString().slice(0, 10);
}

/**
 * The sample school's policy with its dates moved relative to `today`, so that suites running against the
 * real clock always see the same guide: the deadline 45 days ahead, texts and calls still allowed (their
 * cut-off 66 days ahead), security questions for 94 days. Cards after the cut-off are the card catalog's job.
 * The campaign keeps its stages and weekday window, in one term around today with no holidays, so that its
 * reminder days are the school days before the moved deadline (the first 21 days before it).
 */
export function writeRelativePolicy(folder: string, today: LocalDate): string {
  const policy = YAML.parse(fs.readFileSync(SAMPLE_POLICY_PATH, 'utf8')) as {
    registration: { enforcementDate: string };
    methods: {
      first: { sms: { until: string }; voice: { until: string } };
      second: { securityQuestions: { until: string } };
    };
    campaign: { terms: { name: string; from: string; to: string }[]; holidays: unknown[] };
  };
  policy.registration.enforcementDate = addDays(today, 45);
  policy.methods.first.sms.until = addDays(today, 66);
  policy.methods.first.voice.until = addDays(today, 66);
  policy.methods.second.securityQuestions.until = addDays(today, 94);
  policy.campaign.terms = [{ name: 'This term', from: addDays(today, -60), to: addDays(today, 120) }];
  policy.campaign.holidays = [];
  const file = path.join(folder, 'school.yaml');
  fs.writeFileSync(file, YAML.stringify(policy));
  return file;
}

function tailOf(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface PlaygroundSessionOptions {
  /** More environment for the bot, e.g. `startGraphTenant().env` to send Graph calls to a stand-in. */
  botEnv?: Record<string, string>;
}

/** Starts the bot, then the Playground pointed at it; undoes whatever started if the rest fails. */
export async function startPlaygroundSession(
  options: PlaygroundSessionOptions = {},
): Promise<PlaygroundSession> {
  const folder = tempDataDir('mfa-buddy-playground-');
  const dataDir = path.join(folder, 'data');
  const logFile = path.join(folder, 'playground.log');
  const schoolConfig = writeRelativePolicy(folder, localDateOf(new Date(), 'Europe/London'));
  let bot: BotProcess | undefined;
  const env = { DATA_DIR: dataDir, SCHOOL_CONFIG: schoolConfig, LOG_LEVEL: 'info', ...options.botEnv };
  try {
    bot = await startBot(env);
    const playground = await startPlayground({
      botEndpoint: `${bot.url}/api/messages`,
      logFile,
      cwd: folder,
    });
    const running = bot;
    return {
      bot: running,
      playground,
      dataDir,
      schoolConfig,
      nudge: (args) => runNudgeCli(env, args),
      diagnostics() {
        let playgroundLog = '';
        try {
          playgroundLog = fs.readFileSync(logFile, 'utf8');
        } catch {
          playgroundLog = '(no Playground log)';
        }
        return `--- bot log\n${tailOf(running.logs().join('\n'))}\n--- Playground log\n${tailOf(playgroundLog)}`;
      },
      async stop() {
        await playground.stop();
        await running.stop();
        fs.rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await bot?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}
