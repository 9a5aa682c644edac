/**
 * `npm run playground`: try the bot in a minute. Starts the built bot with its embedded defaults (SQLite in
 * ./data, the demo directory, no BOT_ID, 127.0.0.1) and the Microsoft 365 Agents Playground in front of it,
 * as Sam Taylor, a Year 8 pupil of the demo school; prints the address to open. Ctrl-C stops both.
 *
 * PORT (bot, default 3978), PLAYGROUND_PORT (default 56150, or a free one when taken), DATA_DIR,
 * SCHOOL_CONFIG and LOG_LEVEL are read from the environment; nothing else is passed to the bot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startBot, type BotProcess } from '../test/support/botProcess';
import {
  freePort,
  isPortFree,
  REPO_ROOT,
  startPlayground,
  type RunningPlayground,
} from './playground/playgroundServer';

const DEFAULT_PLAYGROUND_PORT = 56150;
const LOG_DIR = path.join(REPO_ROOT, 'devTools');

/** The bot's environment: its embedded defaults, plus the few settings a person may want to change. */
function botEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    PORT: process.env.PORT ?? '3978',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    NUDGE_SCHEDULER: 'on',
  };
  for (const name of ['DATA_DIR', 'SCHOOL_CONFIG', 'HOME'] as const) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

async function playgroundPort(): Promise<number> {
  const wanted = Number(process.env.PLAYGROUND_PORT ?? DEFAULT_PLAYGROUND_PORT);
  return (await isPortFree(wanted)) ? wanted : freePort();
}

/**
 * Errors (pino level 50 and above) are shown on the terminal; every line goes to the log file. Warnings stay
 * in the file: the Playground probes the bot's endpoint with HEAD on each page load, which the bot logs as a
 * warning (405).
 */
function isError(line: string): boolean {
  try {
    return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
  } catch {
    return true;
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const botLog = fs.createWriteStream(path.join(LOG_DIR, 'bot.log'), { flags: 'w' });
  let bot: BotProcess | undefined;
  let playground: RunningPlayground | undefined;
  let stopping = false;

  const stopAll = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      await playground?.stop();
      await bot?.stop();
      botLog.end();
      if (code === 0) console.log('Stopped the Agents Playground and the bot.');
    }
    process.exit(code);
  };
  // Ctrl-C reaches the children too (same process group); stopping twice is harmless.
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    bot = await startBot(botEnvironment(), 15_000, (line) => {
      botLog.write(`${line}\n`);
      if (isError(line) && !stopping) console.error(`bot: ${line}`);
    });
    playground = await startPlayground({
      botEndpoint: `${bot.url}/api/messages`,
      port: await playgroundPort(),
      logFile: path.join(LOG_DIR, 'm365agentsplayground.log'),
      cwd: REPO_ROOT,
    });
  } catch (error) {
    console.error((error as Error).message);
    await stopAll(1);
    return;
  }

  console.log(
    [
      '',
      'MFA Buddy is running in the Microsoft 365 Agents Playground.',
      '',
      `  Open   ${playground.url}`,
      '         You are Sam Taylor, a Year 8 pupil of the demo school. Reload the page to install again.',
      `  Bot    ${bot.url}/api/messages (demo directory, no BOT_ID: reachable from this machine only)`,
      `  Logs   devTools/bot.log, devTools/m365agentsplayground.log`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );

  const { child } = bot;
  const botExited = new Promise<string>((resolve) => {
    if (child.exitCode !== null) resolve('bot');
    else child.once('exit', () => resolve('bot'));
  });
  const gone = await Promise.race([botExited, playground.exited.then(() => 'Agents Playground')]);
  if (!stopping) {
    console.error(`The ${gone} stopped unexpectedly; stopping the rest.`);
    await stopAll(1);
  }
}

void main();
