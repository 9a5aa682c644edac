/**
 * Azurite, the Azure Storage server that runs locally, for tests of the Azure backend: started with node
 * directly (so its pid is Azurite's, not npm's), bound to 127.0.0.1 on free ports, data in a temporary
 * folder, stopped and removed by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './botProcess';
import { until } from './until';

/** Azurite's well-known development account (public, documented; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  connectionString: string;
  ports: { blob: number; queue: number; table: number };
  /**
   * Stops Azurite and brings it back on the same ports and data. Gracefully: Azurite's table service keeps
   * recent writes in memory until it saves, so a SIGKILL would lose what real Azure Storage never loses.
   */
  restart(): Promise<void>;
  /** Stops Azurite gracefully, keeping its ports and data for `resume` (an outage). */
  pause(): Promise<void>;
  /** Starts Azurite again after `pause`, on the same ports and data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `count` distinct free ports: every listener stays open until all are known, because a port closed and asked
 * for again can come back at once (CI once gave the blob and queue services the same one).
 */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export interface AzuriteOptions {
  /**
   * For thousands of rows (a campaign's ledger): the table service in its own process with its data in memory
   * (`--inMemoryPersistence`), the queue and blob services in theirs on disk. Azurite otherwise writes its
   * whole table database to disk every few seconds, and in memory its queue service sweeps deleted messages one
   * by one without letting a request through (it stalled for more than 15 s after a few thousand): either would
   * measure Azurite rather than the bot. Three processes also use both cores. Tables are lost on `restart()`.
   */
  separateTables?: boolean;
  /**
   * Azurite's processes above normal CPU priority. Azure Storage is a service on its own machines: when a test
   * measures how long the bot's processes take under load, Azurite must not queue behind them for the two cores.
   */
  aboveNormalPriority?: boolean;
}

type Service = 'blob' | 'queue' | 'table';

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const location = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-azurite-'));
  const ports = { blob: 0, queue: 0, table: 0 };
  const choosePorts = async () => {
    const [blob, queue, table] = await freePorts(3);
    Object.assign(ports, { blob: blob!, queue: queue!, table: table! });
  };
  await choosePorts();
  const script = (name: string) => path.join(ROOT, 'node_modules', 'azurite', 'dist', 'src', name);
  const listen = (service: Service) => [
    `--${service}Host`,
    '127.0.0.1',
    `--${service}Port`,
    String(ports[service]),
  ];
  const common = ['--silent', '--disableTelemetry', '--skipApiVersionCheck'];
  // One process for all three, or one per service (tables in memory).
  const processesFor = (): { args: string[]; ports: number[] }[] =>
    options.separateTables
      ? [
          {
            args: [script('table/main.js'), ...listen('table'), '--inMemoryPersistence', ...common],
            ports: [ports.table],
          },
          {
            args: [script('queue/main.js'), ...listen('queue'), '--location', location, ...common],
            ports: [ports.queue],
          },
          {
            args: [script('blob/main.js'), ...listen('blob'), '--location', location, ...common],
            ports: [ports.blob],
          },
        ]
      : [
          {
            args: [
              script('azurite.js'),
              ...listen('blob'),
              ...listen('queue'),
              ...listen('table'),
              '--location',
              location,
              ...common,
            ],
            ports: [ports.blob, ports.queue, ports.table],
          },
        ];
  let processes = processesFor();
  let children: ChildProcess[] = [];
  let output = '';

  const launch = async () => {
    output = '';
    children = processes.map(({ args }) => {
      // Anything Azurite writes beside its data stays in the temporary folder.
      const child = spawn(process.execPath, args, { cwd: location, stdio: ['ignore', 'pipe', 'pipe'] });
      if (options.aboveNormalPriority && child.pid !== undefined) raisePriority(child.pid);
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      return child;
    });
    const exited = () => children.some((c) => c.exitCode !== null || c.signalCode !== null);
    try {
      // Azurite's own word that it listens, not an open port: beside other test files, another process may
      // have taken the port in the meantime (Azurite then exits, and the port answers for someone else).
      await Promise.all(
        processes.flatMap((p) =>
          p.ports.map((port) =>
            until(() => saysListening(output, port) || exited(), {
              what: `Azurite to listen on port ${port}`,
              timeoutMs: 20_000,
              intervalMs: 100,
            }),
          ),
        ),
      );
      if (exited()) throw new Error('Azurite stopped as it started (its port taken?)');
    } catch (error) {
      for (const child of children) child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${output}`);
    }
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    await Promise.all(
      children.map(async (running) => {
        if (running.exitCode !== null || running.signalCode !== null) return;
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill(signal);
        const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };

  // A port found free can be taken by someone else before Azurite listens on it (and CI once saw one service
  // start on another's port): on a failed first start, new ports and another try.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await choosePorts();
      processes = processesFor();
    }
  }
  const endpoint = (port: number) => `http://127.0.0.1:${port}/${ACCOUNT}`;
  return {
    ports,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `BlobEndpoint=${endpoint(ports.blob)};QueueEndpoint=${endpoint(ports.queue)};TableEndpoint=${endpoint(ports.table)};`,
    async restart() {
      await kill('SIGINT');
      await launch();
    },
    pause: () => kill('SIGINT'),
    resume: () => launch(),
    async stop() {
      await kill();
      fs.rmSync(location, { recursive: true, force: true });
    },
  };
}

/** What each of Azurite's services prints once it listens (its three start-up scripts say it three ways). */
function saysListening(output: string, port: number): boolean {
  return new RegExp(
    `successfully (?:listens on|listening at|started on) (?:http://)?127\\.0\\.0\\.1:${port}(?!\\d)`,
  ).test(output);
}

/** Above normal priority where the system allows it (root, or CAP_SYS_NICE); as it is elsewhere. */
function raisePriority(pid: number): void {
  try {
    os.setPriority(pid, os.constants.priority.PRIORITY_ABOVE_NORMAL);
  } catch {
    // Not allowed here: Azurite shares the cores as any process does.
  }
}
