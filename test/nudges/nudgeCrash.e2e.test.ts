/**
 * The campaign as IT runs it (`npm run nudge`, the built CLI as child processes) against the Graph and Teams
 * connector stand-ins: a worker killed with SIGKILL part-way through a campaign of 1,500 pupils in six states
 * and restarted, and two workers on one queue at once. Every target must be nudged exactly once.
 *
 * One honest exception, checked rather than hidden: a send noted on the wire when its worker died cannot be
 * known to have arrived (Teams has no idempotency key and no read-back). The note is stored before the request
 * leaves, so it is recorded as sent, `unconfirmed`, and never repeated: nobody ever gets two. A crash between the
 * stored note and the request's bytes leaving loses that pupil's nudge for the stage; the test allows that only
 * for unconfirmed sends and reports how many.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SqliteConversationReferenceStore } from '../../src/adapters/sqlite/sqliteConversationReferenceStore';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { SqliteNudgeLedger } from '../../src/adapters/sqlite/sqliteNudgeLedger';
import { ROOT, tempDataDir } from '../support/botProcess';
import {
  addPupils,
  addPupilsInSixStates,
  conversationOf,
  nudgeCliEnv,
  storedReferenceOf,
} from '../support/campaignRig';
import { emailCheckedMarker } from '../../src/nudges/campaignContext';
import { encodeEmailCheck } from '../../src/domain/registration/emailCheck';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { clockChangePolicy } from './campaignPolicyFixture';

const CLI = path.join(ROOT, 'dist', 'cli', 'nudge.js');
const NOW = '2026-10-23T08:00:00Z';
const CAMPAIGN_ID = 'enforcement-2026-10-28';
/** The crash's school: every state a pupil can be in, 250 to a page of Graph (members, the report) as 5,000 at 999. */
const CRASH_PUPILS = 1500;
const CRASH_PAGE_SIZE = 250;

interface Worker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describe('Nudge campaign from the command line: crashes and two workers (child processes)', function () {
  this.timeout(180_000);
  let graph: GraphStandIn;
  let connector: ConnectorStandIn;
  let dataDir: string;
  let policyFile: string;
  const workers: Worker[] = [];

  /** Pupils who have never opened the bot's chat less than a stored reference; all owed a nudge. */
  async function setUp(users: number): Promise<string[]> {
    const { ids } = await setUpSchool(users, (graph) => ({ ids: addPupils(graph, users) }));
    return ids;
  }

  async function setUpSchool<T extends { ids: string[] }>(
    users: number,
    add: (graph: GraphStandIn) => T,
    maxPageSize?: number,
  ): Promise<T> {
    dataDir = tempDataDir('mfa-buddy-crash-');
    policyFile = path.join(dataDir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(clockChangePolicy()));
    graph = await GraphStandIn.start({ maxPageSize });
    connector = await ConnectorStandIn.start({
      app: { limit: 1000, windowMs: 1000 },
      keepActivities: false,
    });
    const added = add(graph);
    const database = SqliteDatabase.open(dataDir);
    const references = new SqliteConversationReferenceStore(database);
    for (const id of added.ids) await references.save(storedReferenceOf(id, connector.serviceUrl));
    database.close();
    return added;
  }

  /**
   * A worker that ends once the queue has stayed empty `quietSeconds`: by default past the visibility timeout, so
   * that sends a crash cut off are back on the queue and finished.
   */
  function startWorker(sendsPerSecond = 250, quietSeconds = 7): Worker {
    const child = spawn(
      process.execPath,
      ['--disable-warning=DEP0111', CLI, '--now', NOW, '--quiet-seconds', String(quietSeconds)],
      {
        cwd: ROOT,
        env: {
          ...nudgeCliEnv(graph, dataDir, policyFile),
          NUDGE_SENDS_PER_SECOND: String(sendsPerSecond),
          TEAMS_SENDS_PER_SECOND: String(sendsPerSecond + 1),
          NUDGE_CONCURRENCY: '32',
          NUDGE_VISIBILITY_TIMEOUT_SECONDS: '5',
          NUDGE_SEND_TIMEOUT_MS: '3000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const worker = { child, output: () => output, exited };
    workers.push(worker);
    return worker;
  }

  async function ledgerRows(): Promise<{ userId: string; state: string; detail?: string }[]> {
    const database = SqliteDatabase.open(dataDir);
    try {
      const ledger = new SqliteNudgeLedger(database);
      const rows: { userId: string; state: string; detail?: string }[] = [];
      for await (const page of ledger.scan(CAMPAIGN_ID, {})) rows.push(...page);
      return rows;
    } finally {
      database.close();
    }
  }

  /**
   * Every target got exactly one nudge, but for unconfirmed sends (noted on the wire at a crash), which got at
   * most one; returns how many were unconfirmed and how many of those never arrived.
   */
  async function expectEachOnce(ids: string[]): Promise<{ unconfirmed: number; lost: number }> {
    const rows = await ledgerRows();
    expect(
      rows.filter((r) => r.state !== 'sent'),
      'rows not sent',
    ).to.deep.equal([]);
    expect(rows).to.have.length(ids.length);
    const unconfirmed = rows.filter((r) => r.detail === 'unconfirmed').map((r) => r.userId);
    const count = (id: string) => connector.delivered.get(conversationOf(id)) ?? 0;
    expect(
      ids.filter((id) => count(id) > 1),
      'users nudged twice',
    ).to.deep.equal([]);
    const lost = ids.filter((id) => count(id) === 0);
    const inDoubt = new Set(unconfirmed);
    expect(
      lost.filter((id) => !inDoubt.has(id)),
      'users never nudged (not even noted on the wire)',
    ).to.deep.equal([]);
    expect(connector.total).to.equal(ids.length - lost.length);
    // Only sends on the wire at the crash can be in doubt: at most the worker's concurrency.
    expect(unconfirmed.length).to.be.at.most(32);
    return { unconfirmed: unconfirmed.length, lost: lost.length };
  }

  afterEach(async function () {
    for (const w of workers.splice(0)) {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await w.exited;
      if (this.currentTest?.state === 'failed') console.log(w.output().slice(-3000));
    }
    await connector?.close();
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a worker killed (SIGKILL) part-way through 1,500 pupils in six states, restarted: each pupil owed a nudge gets one, the others none', async () => {
    // Last night's look at email addresses (the bot's scheduler takes it while the window is shut) is in the
    // ledger: the pupils on their school email are owed a nudge, though the report calls them done.
    const reportAsOf = '2026-10-22T20:00:00.000Z';
    const school = await setUpSchool(
      CRASH_PUPILS,
      (graph) => addPupilsInSixStates(graph, CRASH_PUPILS, reportAsOf),
      CRASH_PAGE_SIZE,
    );
    const database = SqliteDatabase.open(dataDir);
    const ledger = new SqliteNudgeLedger(database);
    for (const { id, school: onSchool } of school.emails) {
      await ledger.setMarker(
        CAMPAIGN_ID,
        emailCheckedMarker(id),
        encodeEmailCheck({ reportAsOf, schoolAddress: onSchool, checkedAt: '2026-10-22T21:00:00.000Z' }),
      );
    }
    database.close();
    const ids = school.owed;
    const first = startWorker();
    // Part-way through its sends (three in five), with some in flight.
    const killAt = Math.round(ids.length * 0.6);
    await connector.waitFor(() => connector.total >= killAt || first.child.exitCode !== null, 120_000);
    expect(first.child.exitCode, first.output()).to.equal(null);
    first.child.kill('SIGKILL');
    await first.exited;
    const atCrash = connector.total;
    expect(atCrash).to.be.within(killAt, ids.length - 1);

    const restartedAt = Date.now();
    const second = startWorker();
    expect(await second.exited, second.output()).to.equal(0);
    const count = (id: string) => connector.delivered.get(conversationOf(id)) ?? 0;
    expect(
      school.done.filter((id) => count(id) > 0),
      'pupils already done who were nudged',
    ).to.deep.equal([]);
    const onSchoolEmail = school.emails.filter((e) => e.school).map((e) => e.id);
    expect(second.output()).to.match(/Sent \d+/);
    const inDoubt = await expectEachOnce(ids);
    const cutOff = /cut off by a crash before they left \(sent now\) (\d+)/.exec(second.output())?.[1];
    const firstSendAt = connector.acceptedAt.find((at) => at >= restartedAt) ?? NaN;
    const firstAfterRestart = firstSendAt - restartedAt;
    // The restarted process sends what the dead one's planner saw (still young) before its own read of the
    // report has finished: the first send does not wait for every page.
    const readStart = graph.reportPages.findIndex((p) => p.at >= restartedAt && p.first);
    const nextRead = graph.reportPages.findIndex((p, i) => i > readStart && p.first);
    const readEndAt = graph.reportPages[(nextRead < 0 ? graph.reportPages.length : nextRead) - 1]!.at;
    expect(readStart, 'the restarted process read the report').to.be.at.least(0);
    expect(firstSendAt, 'first send after the restart, against the end of its report read').to.be.below(
      readEndAt,
    );
    console.log(
      `      (${ids.length} of ${CRASH_PUPILS} owed a nudge, ${onSchoolEmail.length} of them on their school email; killed after ${atCrash} sends; ${inDoubt.unconfirmed} send(s) noted on the wire at the crash, recorded unconfirmed, ${inDoubt.lost} of them never arrived; ${cutOff} taken but not yet sent, sent after the restart; the restarted process's first send ${(firstAfterRestart / 1000).toFixed(1)} s after it started)`,
    );
  });

  it('two workers on one queue at once: each nudge sent by one of them only', async () => {
    const ids = await setUp(1000);
    // Slow enough that the second worker (which reads the report first) joins in. Nothing crashes here, so
    // nothing comes back after the visibility timeout: a short quiet time ends each worker.
    const a = startWorker(100, 2);
    await connector.waitFor(() => connector.total >= 100 || a.child.exitCode !== null, 120_000);
    expect(a.child.exitCode, a.output()).to.equal(null);
    const b = startWorker(100, 2);
    const [codeA, codeB] = await Promise.all([a.exited, b.exited]);
    expect([codeA, codeB]).to.deep.equal([0, 0]);
    const sentBy = (w: Worker) => Number(/Sent (\d+)/.exec(w.output())?.[1] ?? 0);
    expect(sentBy(a) + sentBy(b)).to.equal(1000);
    expect(sentBy(b), 'the second worker did part of the work').to.be.greaterThan(0);
    expect(b.output()).to.contain("Today's planning pass for this stage has run already");
    expect(await expectEachOnce(ids)).to.deep.equal({ unconfirmed: 0, lost: 0 });
  });
});
