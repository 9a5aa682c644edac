/**
 * Benchmark (run by hand, not a test): a whole campaign stage through the built CLI (`npm run nudge`, one
 * pass, production settings: 47 sends/s, 16 in flight) against the Teams connector stand-in enforcing the
 * Teams limits (50 requests/s per app, the per-conversation limits, 429 + Retry-After over them) and the
 * HTTPS Graph stand-in (members in pages of 999, the registration report under its 5-per-10-s budget).
 *
 *   npm run bench:nudge -- [--sizes 10000,100000] [--runs 3] [--parallel 1] [--heap 128]
 *
 * Per run: the worker's peak memory (VmHWM of the child process), planning time (start to first send),
 * sending rate from first to last send (and as a ratio of the 50/s limit), 429s the stand-in answered, and
 * end-to-end time. Raw results go to bench/results/ (not committed).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteDatabase } from '../src/adapters/sqlite/sqliteDatabase';
import { SqliteConversationReferenceStore } from '../src/adapters/sqlite/sqliteConversationReferenceStore';
import { ROOT } from '../test/support/botProcess';
import { EXCLUDED_GROUP, TARGET_GROUP, conversationOf, userIdOf } from '../test/support/campaignRig';
import { GraphStandIn } from '../test/support/graph/graphStandIn';
import { graphMethod } from '../test/support/graph/methodShapes';
import { TEST_APP } from '../test/support/graphTenant';
import { TeamsConnectorStandIn, TEAMS_LIMITS } from '../test/support/teamsConnectorStandIn';
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

interface RunResult {
  users: number;
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

async function once(users: number, run: number): Promise<RunResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-bench-nudge-'));
  const policyFile = path.join(dataDir, 'policy.json');
  fs.writeFileSync(policyFile, JSON.stringify(clockChangePolicy()));
  const graph = await GraphStandIn.start();
  const connector = await TeamsConnectorStandIn.start({ ...TEAMS_LIMITS, keepActivities: false });
  const ids: string[] = [];
  for (let n = 1; n <= users; n++) {
    const id = userIdOf(n);
    ids.push(id);
    graph.addUser({
      id,
      displayName: `P ${n}`,
      givenName: `P${n}`,
      userPrincipalName: `p${n}@kscs.org.uk`,
      methods: [graphMethod.password()],
    });
  }
  graph.groups.set(TARGET_GROUP, ids);
  graph.groups.set(EXCLUDED_GROUP, []);
  const database = SqliteDatabase.open(dataDir);
  const references = new SqliteConversationReferenceStore(database);
  for (const id of ids) {
    await references.save({
      userId: id,
      tenantId: TEST_APP.tenantId,
      conversationId: conversationOf(id),
      serviceUrl: connector.serviceUrl,
      reference: {
        channelId: 'msteams',
        serviceUrl: connector.serviceUrl,
        conversation: { id: conversationOf(id), conversationType: 'personal', tenantId: TEST_APP.tenantId },
        user: { id: `29:${id}`, aadObjectId: id },
        bot: { id: '28:bot', name: 'MFA Buddy' },
      },
      updatedAt: '2026-10-01T12:00:00.000Z',
    });
  }
  database.close();

  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=DEP0111',
      ...(HEAP_MB > 0 ? [`--max-old-space-size=${HEAP_MB}`] : []),
      path.join(ROOT, 'dist', 'cli', 'nudge.js'),
      '--now',
      '2026-10-23T08:00:00Z',
      '--quiet-seconds',
      '5',
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
        ...graph.env,
        SUPPORT_CODE_KEY: 'a1'.repeat(32),
        DATA_DIR: dataDir,
        SCHOOL_CONFIG: policyFile,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!) ?? 0)), 250);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearInterval(poll);
  const ended = Date.now();
  const times = connector.acceptedAt;
  const first = times[0] ?? ended;
  const last = times[times.length - 1] ?? ended;
  const sendSeconds = (last - first) / 1000;
  const delivered = connector.total;
  const duplicates = [...connector.delivered.values()].filter((n) => n > 1).length;
  await connector.close();
  await graph.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (exitCode !== 0) console.error(output.slice(-2000));
  const sendsPerSecond = sendSeconds > 0 ? (delivered - 1) / sendSeconds : 0;
  return {
    users,
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
    const runs = Array.from({ length: RUNS }, (_, i) => i + 1);
    for (let i = 0; i < runs.length; i += PARALLEL) {
      const batch = await Promise.all(runs.slice(i, i + PARALLEL).map((r) => once(size, r)));
      for (const r of batch) console.log(JSON.stringify(r));
      results.push(...batch);
    }
    const of = (k: keyof RunResult) =>
      median(results.filter((r) => r.users === size).map((r) => r[k] as number));
    console.log(
      JSON.stringify({
        users: size,
        median: {
          sendsPerSecond: of('sendsPerSecond'),
          ratioOfLimit: of('ratioOfLimit'),
          throttled: of('throttled'),
          peakRssMb: of('peakRssMb'),
          planSeconds: of('planSeconds'),
          endToEndSeconds: of('endToEndSeconds'),
        },
      }),
    );
  }
  const dir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `nudge-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
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
