/**
 * Benchmark (run by hand, not a test): a whole campaign stage through the built CLI (`npm run nudge`, one
 * pass, production settings: 49 arrivals/s, 16 in flight) against the Teams connector stand-in enforcing the
 * Teams limits (50 requests/s per app, the per-conversation limits, 429 + Retry-After over them) and the
 * HTTPS Graph stand-in (members in pages of 999, the registration report under its 5-per-10-s budget).
 *
 *   npm run bench:nudge -- [--sizes 10000,100000] [--runs 3] [--parallel 1] [--heap 128]
 *                          [--storage sqlite,azure] [--count-requests] [--crash-after 25] [--cli-env K=V,K=V]
 *                          [--loop-probe]
 *
 * `--storage azure` runs the CLI with STORAGE=azure on a fresh Azurite (in memory, one per run); with both,
 * runs alternate between the backends so that both see the same machine, and the medians are compared.
 * `--count-requests` puts a counting proxy between the CLI and Azurite and reports storage requests per
 * user by service (it costs the bench process some CPU: use it for counts, not for the timed runs).
 * `--crash-after N` kills the CLI with SIGKILL N seconds after it starts and starts it again: the restarted
 * process's time to its first send and its rate from its own start are reported under `restart`.
 * `--loop-probe` loads bench/loopProbe.cjs into the CLI and reports under `loop` how late its event loop ran
 * (p50/p99/max) and its garbage collection pauses: where a ticket's cycle goes beyond the rule's window.
 *
 * Per run: the worker's peak memory (VmHWM of the child process), planning time (start to first send),
 * sending rate from first to last send (and as a ratio of the 50/s limit), 429s the stand-in answered, and
 * end-to-end time. Raw results go to bench/results/ (not committed).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AzureConversationReferenceStore } from '../src/adapters/azure/azureConversationReferenceStore';
import { AzureStorageAccount, parseStorageConnection } from '../src/adapters/azure/azureStorageAccount';
import { SqliteDatabase } from '../src/adapters/sqlite/sqliteDatabase';
import { SqliteConversationReferenceStore } from '../src/adapters/sqlite/sqliteConversationReferenceStore';
import type { ConversationReferenceStore } from '../src/ports/conversationReferenceStore';
import { startAzurite, type Azurite } from '../test/support/azurite';
import { ROOT } from '../test/support/botProcess';
import { addPupils, nudgeCliEnv, storedReferenceOf } from '../test/support/campaignRig';
import { GraphStandIn } from '../test/support/graph/graphStandIn';
import { ConnectorStandIn, TEAMS_LIMITS } from '../test/support/connectorStandIn';
import { clockChangePolicy } from '../test/nudges/campaignPolicyFixture';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const SIZES = arg('sizes', '10000,100000').split(',').filter(Boolean).map(Number);
const RUNS = Number(arg('runs', '3'));
const PARALLEL = Number(arg('parallel', '1'));
/** The CLI's old-space limit in MB, as `npm run nudge` sets it (0: V8's default, sized to the machine). */
const HEAP_MB = Number(arg('heap', '0'));
const STORAGES = arg('storage', 'sqlite').split(',').filter(Boolean) as ('sqlite' | 'azure')[];
const COUNT_REQUESTS = args.includes('--count-requests');
/** Kill the CLI (SIGKILL) this many seconds after it starts, then start it again (0: no crash). */
const CRASH_AFTER_S = Number(arg('crash-after', '0'));
/** Measure the CLI's event-loop delay and garbage collection (bench/loopProbe.cjs). */
const LOOP_PROBE = args.includes('--loop-probe');
/** Extra settings for the CLI, `--cli-env NUDGE_CONCURRENCY=32,TEAMS_SENDS_PER_SECOND=50` (to compare settings). */
const CLI_ENV = Object.fromEntries(
  arg('cli-env', '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`--cli-env takes NAME=value pairs separated by commas, not "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
);

type Storage = (typeof STORAGES)[number];

interface RunResult {
  users: number;
  storage: Storage;
  run: number;
  peakRssMb: number;
  planSeconds: number;
  sendSeconds: number;
  sendsPerSecond: number;
  ratioOfLimit: number;
  throttled: number;
  delivered: number;
  duplicates: number;
  endToEndSeconds: number;
  exitCode: number | null;
  /** With --loop-probe: the CLI's event-loop delay and garbage collection (bench/loopProbe.cjs). */
  loop?: Record<string, number>;
  /** With --count-requests: storage requests per user, by service and operation. */
  requestsPerUser?: Record<string, number>;
  /**
   * With --crash-after: the restarted process, from its own start to its last send (its start-up, planning and
   * the take-back of what the killed one held included).
   */
  restart?: {
    sentBefore: number;
    sentAfter: number;
    firstSendSeconds: number;
    sendsPerSecond: number;
    ratioOfLimit: number;
  };
}

function peakRssMb(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A proxy in front of one Azurite service that counts requests by a short operation name (the method, the
 * resource kind and the query's shape), for requests per user.
 */
async function countingProxy(
  target: number,
  counts: Map<string, number>,
  service: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const part = url.pathname.split('/')[2] ?? '';
    const kind =
      service === 'table'
        ? /\(PartitionKey=/.test(decodeURIComponent(part))
          ? 'row'
          : url.searchParams.has('$filter')
            ? 'query'
            : 'table'
        : service === 'queue'
          ? url.pathname.includes('/messages/')
            ? 'message'
            : url.pathname.endsWith('/messages')
              ? 'messages'
              : 'queue'
          : 'blob';
    const name = `${service} ${req.method} ${kind}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const upstream = http.request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function once(users: number, storage: Storage, run: number): Promise<RunResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-bench-nudge-'));
  const policyFile = path.join(dataDir, 'policy.json');
  fs.writeFileSync(policyFile, JSON.stringify(clockChangePolicy()));
  const graph = await GraphStandIn.start();
  const connector = await ConnectorStandIn.start({ ...TEAMS_LIMITS, keepActivities: false });
  const ids = addPupils(graph, users);
  let azurite: Azurite | undefined;
  const proxies: { close: () => Promise<void> }[] = [];
  const counts = new Map<string, number>();
  const storageEnv: Record<string, string> = {};
  let references: ConversationReferenceStore;
  let database: SqliteDatabase | undefined;
  if (storage === 'azure') {
    azurite = await startAzurite({ separateTables: true });
    let connection = azurite.connectionString;
    if (COUNT_REQUESTS) {
      for (const [service, port] of Object.entries(azurite.ports)) {
        const proxy = await countingProxy(port, counts, service);
        proxies.push(proxy);
        connection = connection.replace(`127.0.0.1:${port}/`, `127.0.0.1:${proxy.port}/`);
      }
    }
    const prefix = 'bench';
    references = await AzureConversationReferenceStore.open(
      new AzureStorageAccount(parseStorageConnection(azurite.connectionString), prefix),
    );
    Object.assign(storageEnv, {
      STORAGE: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: connection,
      AZURE_STORAGE_PREFIX: prefix,
    });
  } else {
    database = SqliteDatabase.open(dataDir);
    references = new SqliteConversationReferenceStore(database);
  }
  for (let i = 0; i < ids.length; i += 64) {
    await Promise.all(
      ids.slice(i, i + 64).map((id) => references.save(storedReferenceOf(id, connector.serviceUrl))),
    );
  }
  database?.close();
  counts.clear();

  let output = '';
  let peak = 0;
  const probeOut = path.join(dataDir, 'loop-probe.jsonl');
  const startCli = () => {
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=DEP0111',
        ...(HEAP_MB > 0 ? [`--max-old-space-size=${HEAP_MB}`] : []),
        ...(LOOP_PROBE ? ['--require', path.join(ROOT, 'bench', 'loopProbe.cjs')] : []),
        path.join(ROOT, 'dist', 'cli', 'nudge.js'),
        '--now',
        '2026-10-23T08:00:00Z',
        '--quiet-seconds',
        '5',
      ],
      {
        cwd: ROOT,
        env: {
          ...nudgeCliEnv(graph, dataDir, policyFile, process.env.BENCH_LOG_LEVEL ?? 'warn'),
          ...storageEnv,
          ...CLI_ENV,
          ...(LOOP_PROBE ? { LOOP_PROBE_OUT: probeOut } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const poll = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!) ?? 0)), 250);
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        clearInterval(poll);
        resolve(code);
      }),
    );
    return { child, exited };
  };

  const started = Date.now();
  let cli = startCli();
  let restart: RunResult['restart'];
  if (CRASH_AFTER_S > 0) {
    // Killed hard part-way, then started again: the second process's own figures are what a crash costs.
    await Promise.race([cli.exited, new Promise((resolve) => setTimeout(resolve, CRASH_AFTER_S * 1000))]);
    cli.child.kill('SIGKILL');
    await cli.exited;
    const sentBefore = connector.total;
    const restartedAt = Date.now();
    cli = startCli();
    await cli.exited;
    const after = connector.acceptedAt.filter((at) => at >= restartedAt);
    const seconds = ((after[after.length - 1] ?? restartedAt) - restartedAt) / 1000;
    const rate = seconds > 0 ? after.length / seconds : 0;
    restart = {
      sentBefore,
      sentAfter: after.length,
      firstSendSeconds: after.length ? Math.round((after[0]! - restartedAt) / 100) / 10 : NaN,
      sendsPerSecond: Math.round(rate * 100) / 100,
      ratioOfLimit: Math.round((rate / TEAMS_LIMITS.app.limit) * 1000) / 1000,
    };
  }
  const exitCode = await cli.exited;
  const ended = Date.now();
  const times = connector.acceptedAt;
  const first = times[0] ?? ended;
  const last = times[times.length - 1] ?? ended;
  const sendSeconds = (last - first) / 1000;
  const delivered = connector.total;
  const duplicates = [...connector.delivered.values()].filter((n) => n > 1).length;
  await connector.close();
  await graph.close();
  for (const proxy of proxies) await proxy.close();
  await azurite?.stop();
  // The last process's figures (after a crash, the restarted one's).
  const loop = fs.existsSync(probeOut)
    ? (JSON.parse(fs.readFileSync(probeOut, 'utf8').trim().split('\n').at(-1)!) as Record<string, number>)
    : undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (exitCode !== 0 || process.env.BENCH_LOG_LEVEL) console.error(output.slice(0, 6000));
  const sendsPerSecond = sendSeconds > 0 ? (delivered - 1) / sendSeconds : 0;
  const requestsPerUser = COUNT_REQUESTS
    ? Object.fromEntries(
        [...counts.entries(), ['all', [...counts.values()].reduce((a, b) => a + b, 0)] as const]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, n]) => [name, Math.round((n / users) * 100) / 100]),
      )
    : undefined;
  return {
    users,
    storage,
    run,
    peakRssMb: Math.round(peak),
    planSeconds: Math.round((first - started) / 100) / 10,
    sendSeconds: Math.round(sendSeconds * 10) / 10,
    sendsPerSecond: Math.round(sendsPerSecond * 100) / 100,
    ratioOfLimit: Math.round((sendsPerSecond / TEAMS_LIMITS.app.limit) * 1000) / 1000,
    throttled: connector.throttled,
    delivered,
    duplicates,
    endToEndSeconds: Math.round((ended - started) / 100) / 10,
    exitCode,
    requestsPerUser,
    restart,
    loop,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const results: RunResult[] = [];
  for (const size of SIZES) {
    // Runs alternate between the backends (sqlite 1, azure 1, sqlite 2, …): both share the machine's moods.
    const plan = Array.from({ length: RUNS }, (_, i) =>
      STORAGES.map((storage) => ({ storage, run: i + 1 })),
    ).flat();
    for (let i = 0; i < plan.length; i += PARALLEL) {
      const batch = await Promise.all(plan.slice(i, i + PARALLEL).map((p) => once(size, p.storage, p.run)));
      for (const r of batch) console.log(JSON.stringify(r));
      results.push(...batch);
    }
    const medians: Partial<Record<Storage, Record<string, number>>> = {};
    for (const storage of STORAGES) {
      const of = (k: keyof RunResult) =>
        median(results.filter((r) => r.users === size && r.storage === storage).map((r) => r[k] as number));
      medians[storage] = {
        sendsPerSecond: of('sendsPerSecond'),
        ratioOfLimit: of('ratioOfLimit'),
        throttled: of('throttled'),
        peakRssMb: of('peakRssMb'),
        planSeconds: of('planSeconds'),
        sendSeconds: of('sendSeconds'),
        endToEndSeconds: of('endToEndSeconds'),
      };
      const restarts = results.filter((r) => r.users === size && r.storage === storage && r.restart);
      if (restarts.length > 0) {
        medians[storage].restartFirstSendSeconds = median(restarts.map((r) => r.restart!.firstSendSeconds));
        medians[storage].restartRatioOfLimit = median(restarts.map((r) => r.restart!.ratioOfLimit));
      }
      console.log(JSON.stringify({ users: size, storage, median: medians[storage] }));
    }
    if (medians.sqlite && medians.azure) {
      const ratio = (k: string) => Math.round((medians.azure![k]! / medians.sqlite![k]!) * 1000) / 1000;
      console.log(
        JSON.stringify({
          users: size,
          azureOverSqlite: {
            sendsPerSecond: ratio('sendsPerSecond'),
            planSeconds: ratio('planSeconds'),
            endToEndSeconds: ratio('endToEndSeconds'),
          },
        }),
      );
    }
  }
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(
    dir,
    `nudge-${STORAGES.join('-')}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  fs.writeFileSync(
    file,
    JSON.stringify(
      { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, results },
      null,
      2,
    ),
  );
  console.log(`results in ${file}`);
}

void main();
