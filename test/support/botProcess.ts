/**
 * Starts the built bot (`dist/index.js`) as a child process with a given environment, waits until it
 * listens, and stops it with SIGTERM. Logs are kept for assertions (and printed when a test fails).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { until } from './until';

export const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'dist', 'index.js');

export interface BotProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Every log line (JSON parsed where possible). */
  logs: () => string[];
  /**
   * The log lines containing `text`, once there are at least `count` (default 1): a line written during a turn
   * can reach the test's pipe after the turn's HTTP answer, so reading `logs()` at once could miss it.
   */
  logLines(text: string, count?: number): Promise<string[]>;
  /** Stops with SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Kills with SIGKILL (a crash); resolves when gone. */
  kill(): Promise<void>;
}

/** Every temporary DATA_DIR this process made, removed at its exit whatever its tests did. */
const madeDataDirs: string[] = [];

/**
 * A fresh temporary DATA_DIR, removed by the caller with `fs.rmSync(dir, { recursive: true })`, and in any case
 * when this process exits: a bot started there writes its support-code key, which must not stay behind in the
 * machine's temporary folder after a failed test or one that kept no list of its folders.
 */
export function tempDataDir(prefix = 'mfa-buddy-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (madeDataDirs.length === 0) {
    process.once('exit', () => {
      for (const made of madeDataDirs) fs.rmSync(made, { recursive: true, force: true });
    });
  }
  madeDataDirs.push(dir);
  return dir;
}

/** Runs the bot with `env` (merged over a minimal base) and waits for "listening". */
export async function startBot(
  env: Record<string, string>,
  // A deadline, not a wait: a bot starts in about 1 s on a quiet machine and took over 15 s under a load of 14.
  timeoutMs = 45_000,
  /** Called with every log line as it arrives (`npm run playground` writes them to a file). */
  onLine?: (line: string) => void,
  /** The folder to run `dist/index.js` from (default: this repository; a staged deploy package, say). */
  root = ROOT,
): Promise<BotProcess> {
  const entry = path.join(root, 'dist', 'index.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'debug',
      NUDGE_SCHEDULER: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    const complete = parts.filter(Boolean);
    lines.push(...complete);
    if (onLine) complete.forEach(onLine);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start:\n${lines.join('\n')}`)), timeoutMs);
    const check = () => {
      for (const line of lines) {
        if (!line.includes('listening on /api/messages')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
        return;
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code} before listening:\n${lines.join('\n')}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    logs: () => [...lines, ...(buffered ? [buffered] : [])],
    logLines: (text, count = 1) =>
      until(
        () => {
          const found = lines.filter((l) => l.includes(text));
          return found.length >= count ? found : undefined;
        },
        { what: `${count} log line(s) containing "${text}"` },
      ),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Stops `bot` (SIGTERM) and fails unless it exited with 0, showing the last `tail` characters of its log;
 * returns the whole log, for what the test checks in it.
 */
export async function stopCleanly(bot: BotProcess, tail = 2000): Promise<string> {
  const code = await bot.stop();
  const logs = bot.logs().join('\n');
  expect(code, logs.slice(-tail)).to.equal(0);
  return logs;
}

/** Runs the bot expecting it to refuse to start; resolves with its exit code and output. */
export function runBotExpectingFailure(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', ENTRY], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** POSTs `activity` to the bot's /api/messages. */
export async function postActivity(
  bot: { url: string },
  activity: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  return { status: response.status, body: await response.text() };
}
