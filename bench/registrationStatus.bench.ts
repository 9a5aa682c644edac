/**
 * Benchmark (run by hand, not a test): what it costs to learn the registration status of a whole tenant,
 * and how long people wait in a burst. Everything runs against the HTTPS Graph stand-in on 127.0.0.1,
 * which enforces Graph's identity-reports budget (5 requests per 10 s) and counts violations.
 *
 *   npm run bench:status -- [--sizes 10000,100000] [--runs 3] [--burst-tenant 2000]
 *
 * Measures, per tenant size:
 *  - bulk: Graph requests and wall time for the bot's way (report pages at background priority, with the
 *    real budget), median of `runs`;
 *  - baseline: the same status learnt with one live call per user, measured in the same session with the
 *    budget lifted on both sides (its request count is exact; under the real budget its time is bound by
 *    5 requests per 10 s, which is computed);
 *  - burst: 300 people asking "status" at once, with a warm snapshot and with a cold one (just started).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GraphDirectoryParts } from '../src/adapters/graph/createGraphDirectory';
import { createLogger } from '../src/logging/logger';
import { RegistrationStatusService } from '../src/status/registrationStatusService';
import { systemClock } from '../src/ports/clock';
import { ensureTestCert } from '../test/support/ensureTestCert';
import { graphDirectoryOn } from '../test/support/graph/graphDirectoryOn';
import { GraphStandIn } from '../test/support/graph/graphStandIn';
import { graphMethod, type GraphMethodJson } from '../test/support/graph/methodShapes';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const SIZES = arg('sizes', '10000,100000').split(',').filter(Boolean).map(Number);
const RUNS = Number(arg('runs', '3'));
const BURST_TENANT = Number(arg('burst-tenant', '2000'));
const BURST = 300;
const log = createLogger('silent');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A deterministic mix of registration states, like a school's. */
function methodsFor(n: number): GraphMethodJson[] {
  const r = (n * 2654435761) % 100;
  if (r < 30) return [graphMethod.password()];
  if (r < 45) return [graphMethod.password(), graphMethod.authenticator()];
  if (r < 57) return [graphMethod.password(), graphMethod.phone('mobile')];
  if (r < 62)
    return [graphMethod.password(), graphMethod.authenticator(), graphMethod.email(`u${n}@kscs.org.uk`)];
  return [graphMethod.password(), graphMethod.authenticator(), graphMethod.email(`u${n}@example.com`)];
}

const userId = (n: number) => `7e000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function tenant(size: number, budget: { limit: number; windowMs: number }): Promise<GraphStandIn> {
  const graph = await GraphStandIn.start({ reportsBudget: budget });
  for (let n = 1; n <= size; n++) {
    graph.addUser({
      id: userId(n),
      displayName: `User ${n}`,
      userPrincipalName: `user${n}@kscs.org.uk`,
      methods: methodsFor(n),
    });
  }
  return graph;
}

function directoryFor(graph: GraphStandIn, unlimited = false): GraphDirectoryParts {
  return graphDirectoryOn(graph, {
    schoolDomains: ['kscs.org.uk'],
    log,
    ...(unlimited
      ? { budget: { limit: 1_000_000_000, windowMs: 1, marginMs: 0, reservedForInteractive: 0 } }
      : {}),
  });
}

interface BulkRun {
  requests: number;
  ms: number;
  rows: number;
  violations: number;
}

/** The bot's way: the status service reads the report at background priority under the real budget. */
async function bulk(size: number): Promise<BulkRun> {
  const graph = await tenant(size, { limit: 5, windowMs: 10_000 });
  const parts = directoryFor(graph);
  const service = new RegistrationStatusService({ directory: parts.directory, clock: systemClock, log });
  const started = performance.now();
  await service.refresh('background');
  const ms = performance.now() - started;
  const run = {
    requests: graph.budgetedRequests().length,
    ms,
    rows: service.snapshotSize,
    violations: graph.budget.violations,
  };
  parts.close();
  await graph.close();
  return run;
}

/** One live call per user, budget lifted on both sides, 16 at a time. */
async function baseline(size: number): Promise<BulkRun> {
  const graph = await tenant(size, { limit: 1_000_000_000, windowMs: 1 });
  const parts = directoryFor(graph, true);
  const started = performance.now();
  let next = 1;
  let rows = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next <= size) {
        const n = next++;
        if (await parts.directory.liveMethods(userId(n))) rows += 1;
      }
    }),
  );
  const ms = performance.now() - started;
  const run = { requests: graph.budgetedRequests().length, ms, rows, violations: graph.budget.violations };
  parts.close();
  await graph.close();
  return run;
}

interface BurstRun {
  worstMs: number;
  medianMs: number;
  requests: number;
  violations: number;
}

type BurstMode = 'warm' | 'starting' | 'cold';

/**
 * 300 people ask "status" at once. `warm`: the snapshot was read before they asked; `starting`: the bot
 * has just started (its first background read of the report is under way); `cold`: no snapshot and no read
 * under way (the worst case: the service must notice the crowd and read the report for them).
 */
async function burst(size: number, mode: BurstMode): Promise<BurstRun> {
  const graph = await tenant(size, { limit: 5, windowMs: 10_000 });
  const parts = directoryFor(graph);
  const service = new RegistrationStatusService({ directory: parts.directory, clock: systemClock, log });
  if (mode === 'warm') await service.refresh('background');
  if (mode === 'starting') service.start();
  const before = graph.budgetedRequests().length;
  const waits = await Promise.all(
    Array.from({ length: BURST }, async (_, i) => {
      const started = performance.now();
      const found = await service.status(userId(1 + ((i * 7) % size)));
      if (found.kind !== 'known') throw new Error('unknown user in burst');
      return performance.now() - started;
    }),
  );
  service.stop();
  const run = {
    worstMs: Math.max(...waits),
    medianMs: median(waits),
    requests: graph.budgetedRequests().length - before,
    violations: graph.budget.violations,
  };
  parts.close();
  await graph.close();
  return run;
}

async function main(): Promise<void> {
  if (!process.env.NODE_EXTRA_CA_CERTS)
    throw new Error('run through `npm run bench:status` (it trusts the test certificate)');
  await ensureTestCert();
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
    node: process.version,
    runs: RUNS,
  };
  for (const size of SIZES) {
    const runs: BulkRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await bulk(size));
      console.error(`bulk ${size} run ${i + 1}: ${JSON.stringify(runs.at(-1))}`);
    }
    const base = await baseline(size);
    console.error(`baseline ${size}: ${JSON.stringify(base)}`);
    const requests = median(runs.map((r) => r.requests));
    results[`tenant${size}`] = {
      bulk: {
        requests,
        medianSeconds: +(median(runs.map((r) => r.ms)) / 1000).toFixed(1),
        runsSeconds: runs.map((r) => +(r.ms / 1000).toFixed(1)),
        rows: runs[0]!.rows,
        violations: Math.max(...runs.map((r) => r.violations)),
      },
      baseline: {
        requests: base.requests,
        measuredSecondsUnbudgeted: +(base.ms / 1000).toFixed(1),
        secondsUnderBudget: (base.requests / 5) * 10,
      },
      requestRatioPercent: +((100 * requests) / base.requests).toFixed(3),
    };
  }
  for (const mode of ['warm', 'starting', 'cold'] as const) {
    const runs: BurstRun[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await burst(BURST_TENANT, mode));
    console.error(`burst ${mode}: ${JSON.stringify(runs)}`);
    results[`burst300_${mode}_tenant${BURST_TENANT}`] = {
      worstMsMedian: +median(runs.map((r) => r.worstMs)).toFixed(1),
      worstMsRuns: runs.map((r) => +r.worstMs.toFixed(1)),
      medianWaitMs: +median(runs.map((r) => r.medianMs)).toFixed(1),
      graphRequests: median(runs.map((r) => r.requests)),
      violations: Math.max(...runs.map((r) => r.violations)),
    };
  }
  const out = path.join(__dirname, 'results', `registrationStatus-${Date.now()}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
