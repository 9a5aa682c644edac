/**
 * Turn throughput and latency of the bot versus a bare CloudAdapter echo bot on the same machine, in one
 * run: all answer through the same local connector stand-in, driven by 10 concurrent conversations. A second
 * echo bot reuses connector clients as the bot does, to show what the bot's own work costs.
 *
 *   npm run bench:turns -- [--runs 5] [--seconds 8] [--concurrency 10]
 *                              [--profile <dir>]   (CPU profiles: bot, echo, sharedEcho .cpuprofile)
 *
 * Each run measures the three back to back (order rotating); the report gives the median of the runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DEMO_TENANT_ID } from '../src/config/env';

const ROOT = path.resolve(__dirname, '..');
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const RUNS = arg('runs', 5);
const SECONDS = arg('seconds', 8);
const CONCURRENCY = arg('concurrency', 10);
const WARMUP_MS = 2000;

/** A connector that accepts replies as fast as it can. */
async function startConnector(): Promise<{ url: string; close: () => Promise<void>; count: () => number }> {
  let received = 0;
  const agent = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end('{"id":"1"}');
    });
  });
  await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}/`,
    count: () => received,
    close: () => new Promise((resolve) => agent.close(() => resolve())),
  };
}

async function startProcess(
  args: string[],
  env: Record<string, string>,
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.includes('listening on /api/messages'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  child.stdout.resume();
  return { port, child };
}

/** The activities one simulated pupil sends, in a loop: the guide's first steps plus typed questions. */
function conversationScript(user: number, serviceUrl: string): object[] {
  const aad = `00000000-0000-4000-8000-${String(user).padStart(12, '0')}`;
  const base = {
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${user}`, name: 'Bench Pupil', aadObjectId: aad },
    recipient: { id: '28:bot', name: 'bot' },
    conversation: { id: `a:bench-${user}`, conversationType: 'personal', tenantId: DEMO_TENANT_ID },
    channelData: { tenant: { id: DEMO_TENANT_ID } },
  };
  const submit = (value: object) => ({ ...base, type: 'message', text: '', value });
  return [
    { ...base, type: 'message', text: 'hello' },
    submit({ verb: 'guide.start' }),
    submit({ verb: 'guide.choose', from: 'chooseFirst', choice: 'app' }),
    submit({ verb: 'guide.next', from: 'first.app.get' }),
    submit({ verb: 'guide.next', from: 'first.app.open' }),
    { ...base, type: 'message', text: 'what is this' },
    submit({ verb: 'guide.back', from: 'first.app.scan' }),
    submit({ verb: 'guide.restart' }),
  ];
}

interface Result {
  turnsPerSecond: number;
  /** CPU time (user + system) the bot process spent per turn: steadier than wall-clock rates on a busy VM. */
  cpuMsPerTurn: number;
  p50: number;
  p99: number;
  errors: number;
}

/** CPU milliseconds a process has used so far (Linux /proc). */
function cpuMsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

async function drive(port: number, serviceUrl: string, pid: number): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/messages',
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stop = false;
  const workers = Array.from({ length: CONCURRENCY }, async (_, i) => {
    const script = conversationScript(i + 1, serviceUrl).map((a, n) =>
      JSON.stringify({ ...a, id: `b${i}-${n}` }),
    );
    for (let n = 0; !stop; n++) {
      const started = performance.now();
      const status = await post(script[n % script.length]!);
      if (!measuring) continue;
      if (status !== 200) errors++;
      latencies.push(performance.now() - started);
    }
  });
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  measuring = true;
  const t0 = performance.now();
  const cpu0 = cpuMsOf(pid);
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  measuring = false;
  const cpuMs = cpuMsOf(pid) - cpu0;
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    turnsPerSecond: latencies.length / elapsed,
    cpuMsPerTurn: cpuMs / latencies.length,
    p50: pct(50),
    p99: pct(99),
    errors,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The three processes measured: the bot; the bare echo bot (the baseline, building a connector
 * client per turn as CloudAdapter does by default); the echo bot reusing connector clients as the bot does.
 */
const TARGETS = ['echo', 'sharedEcho', 'bot'] as const;
type Target = (typeof TARGETS)[number];

function summaryOf(results: Record<Target, Result>[], which: Target) {
  return {
    turnsPerSecond: median(results.map((r) => r[which].turnsPerSecond)),
    cpuMsPerTurn: median(results.map((r) => r[which].cpuMsPerTurn)),
    p50: median(results.map((r) => r[which].p50)),
    p99: median(results.map((r) => r[which].p99)),
    errors: results.reduce((n, r) => n + r[which].errors, 0),
  };
}

async function main(): Promise<void> {
  const connector = await startConnector();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-bench-'));
  const profileAt = process.argv.indexOf('--profile');
  const profile = (name: string) =>
    profileAt >= 0
      ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[profileAt + 1]}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [];
  const echoArgs = ['--disable-warning=DEP0111', '--require', 'tsx/cjs', 'bench/echoBot.ts'];
  const processes: Record<Target, { port: number; child: ChildProcess }> = {
    bot: await startProcess([...profile('bot'), '--disable-warning=DEP0111', 'dist/index.js'], {
      DATA_DIR: dataDir,
      NUDGE_SCHEDULER: 'off',
      // The benchmark is one client far above any school's traffic: lift the per-client flood guard.
      HTTP_REQUESTS_PER_MINUTE_PER_CLIENT: '10000000',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    }),
    echo: await startProcess([...profile('echo'), ...echoArgs], {}),
    sharedEcho: await startProcess([...profile('sharedEcho'), ...echoArgs], { ECHO_SHARED_CLIENTS: '1' }),
  };
  // Every process writes logs to a pipe we drain; the bot's info logs are part of its real cost.
  const results: Record<Target, Result>[] = [];
  const line = (name: string, r: Result) =>
    `${name} ${r.turnsPerSecond.toFixed(0)}/s p99 ${r.p99.toFixed(1)} ms ${r.cpuMsPerTurn.toFixed(3)} cpu-ms/turn`;
  for (let run = 0; run < RUNS; run++) {
    // Rotate the order so that no process always runs first (or last) on a warming machine.
    const order = TARGETS.map((_, i) => TARGETS[(i + run) % TARGETS.length]!);
    const r: Partial<Record<Target, Result>> = {};
    for (const which of order) {
      const target = processes[which];
      r[which] = await drive(target.port, connector.url, target.child.pid!);
    }
    results.push(r as Record<Target, Result>);
    console.error(`run ${run + 1}: ${TARGETS.map((t) => line(t, r[t]!)).join(' | ')}`);
  }
  for (const target of Object.values(processes)) target.child.kill('SIGTERM');
  await connector.close();
  fs.rmSync(dataDir, { recursive: true, force: true });

  const echo = summaryOf(results, 'echo');
  const sharedEcho = summaryOf(results, 'sharedEcho');
  const bot = summaryOf(results, 'bot');
  const ratios = (base: typeof echo) => ({
    throughput: bot.turnsPerSecond / base.turnsPerSecond,
    p99: bot.p99 / base.p99,
    cpuPerTurn: bot.cpuMsPerTurn / base.cpuMsPerTurn,
  });
  const summary = {
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    date: new Date().toISOString(),
    runs: RUNS,
    secondsPerRun: SECONDS,
    concurrency: CONCURRENCY,
    echo,
    sharedEcho,
    bot,
    /** The target: bot versus the bare echo bot. */
    versusEcho: ratios(echo),
    /** The bot's own work, with the transport equal. */
    versusSharedEcho: ratios(sharedEcho),
  };
  console.log(JSON.stringify(summary, null, 2));
}

void main();
