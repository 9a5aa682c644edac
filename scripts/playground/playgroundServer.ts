/**
 * Runs the Microsoft 365 Agents Playground (npm `@microsoft/m365agentsplayground`) as a child process in
 * front of a bot: on 127.0.0.1 only, with the school identity in `.m365agentsplayground.yml`, and stopped
 * by its pid. Used by `npm run playground` and by the Playground test suites.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The repository root (this file is in scripts/playground/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Who the Playground says you are: the demo school's tenant, pupils and staff. */
export const PLAYGROUND_CONFIG = path.join(REPO_ROOT, '.m365agentsplayground.yml');
/** Forces every listen() in the Playground onto 127.0.0.1: it has no host option of its own. */
const LOOPBACK_PRELOAD = path.join(__dirname, 'loopbackOnly.cjs');
const CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');

const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
  botEndpoint: string;
  /** The port to listen on (on 127.0.0.1); a free one when omitted. */
  port?: number;
  /** Where the Playground writes its log (it deletes the file at start). */
  logFile: string;
  /** Working folder of the process (the Playground may write `devTools/` there). */
  cwd: string;
  configFile?: string;
}

export interface RunningPlayground {
  /** The web UI, REST and websocket API, all on one port. */
  url: string;
  port: number;
  pid: number;
  /** The Playground's Bot Connector: where the bot's replies and proactive messages go. */
  serviceUrl: string;
  logFile: string;
  /** Resolves with the exit code when the process ends, for whatever reason. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not gone after a few seconds. Safe to call twice. */
  stop(): Promise<void>;
}

/** A port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** True when nothing listens on 127.0.0.1:`port`. */
export async function isPortFree(port: number): Promise<boolean> {
  const server = net.createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (free) await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/** The last lines of a file, for error messages; empty when it cannot be read. */
function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The port it was given was taken before it could listen there. */
class PortTaken extends Error {}

/**
 * Starts the Playground and resolves once it listens on the port it was given, or on a free one: a port found
 * free can be taken by another process before the Playground listens (test files run side by side), and then
 * it tries another.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  if (options.port !== undefined) return startPlaygroundOn(options.port, options);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPlaygroundOn(await freePort(), options);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= 3) throw error;
    }
  }
}

async function startPlaygroundOn(port: number, options: PlaygroundOptions): Promise<RunningPlayground> {
  const url = `http://127.0.0.1:${port}`;
  // Without --service-url the Playground tells the bot `http://localhost:<port>`: name the address instead.
  const serviceUrl = `${url}/_connector`;
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const args = [
    ...['-r', LOOPBACK_PRELOAD, CLI],
    ...['-e', options.botEndpoint, '-c', 'msteams', '-p', String(port), '--service-url', serviceUrl],
    '--disable-telemetry',
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? options.cwd,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configFile ?? PLAYGROUND_CONFIG,
      M365_AGENTS_PLAYGROUND_LOGFILE: options.logFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(force);
    })();
    return stopping;
  };

  // When not on a terminal the Playground writes "Listening on <port>" to stdout; everything else goes to its log.
  const listening = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('did not start in time')), STARTUP_TIMEOUT_MS);
    const onData = () => {
      const match = /Listening on (\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}`));
    });
  }).catch(async (error: Error) => {
    await stop();
    throw new Error(`The Agents Playground ${error.message}.\n${output}\n${tail(options.logFile)}`.trimEnd());
  });
  if (listening !== port) {
    // It moves to a random port when its port is taken, and the service URL would then be wrong.
    await stop();
    throw new PortTaken(`The Agents Playground could not use port ${port} (in use); it chose ${listening}.`);
  }

  return { url, port, pid: child.pid!, serviceUrl, logFile: options.logFile, exited, stop };
}
