/**
 * A nudge campaign run by two bot processes (the built bot, `NUDGE_SCHEDULER=on`) sharing one Azure Storage
 * account (Azurite: the ledger in Tables, the queue in Queue Storage, the planner lease on a blob), as two App
 * Service instances run it: 1,500 pupils, the Teams connector stand-in and the Graph stand-in. The instance
 * that took the planner lease is killed (SIGKILL) in the middle of its pass, with sends of its own on the
 * wire. The other one must wait for the lease to run out, take the pass over (queuing what the dead one
 * claimed but never queued), and finish the sends the dead one held. At the end every pupil received exactly
 * one nudge on the wire, the ledger says the same, and no two planning passes overlapped.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { AzureConversationReferenceStore } from '../../src/adapters/azure/azureConversationReferenceStore';
import { AzureNudgeLedger } from '../../src/adapters/azure/azureNudgeLedger';
import { AzureNudgeQueue } from '../../src/adapters/azure/azureNudgeQueue';
import { AzureStorageAccount, parseStorageConnection } from '../../src/adapters/azure/azureStorageAccount';
import { buildCampaign } from '../../src/domain/campaign/campaignTime';
import type { LedgerEntry } from '../../src/ports/nudgeLedger';
import { openNowPolicy } from '../nudges/campaignPolicyFixture';
import { startAzurite, type Azurite } from '../support/azurite';
import { startBot, tempDataDir, type BotProcess } from '../support/botProcess';
import { addPupils, conversationOf, storedReferenceOf } from '../support/campaignRig';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { until } from '../support/until';

/**
 * Planning keeps about two claims ahead of the sends, so the kill (at 300 sends) comes with some 600 pupils
 * planned: 1,500 leaves the pass well short of its end, and the survivor most of it to send.
 */
const PUPILS = 1500;
const LEASE_SECONDS = 15;
const CONCURRENCY = 32;

interface LogLine {
  time: string;
  msg: string;
  reason?: string;
  repaired?: number;
  queued?: number;
  members?: number;
}

/** The bot's log lines with this message. */
function logged(bot: BotProcess, msg: string): LogLine[] {
  return bot.logs().flatMap((line) => {
    if (!line.includes(msg)) return [];
    try {
      const parsed = JSON.parse(line) as LogLine;
      return parsed.msg === msg ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

describe('A nudge campaign on two bot instances sharing Azure Storage (Azurite)', function () {
  // Each send's ticket is claimed in the account's send budget (a storage round trip per send, one at a time
  // per process), which on a busy Azurite paces the survivor at about 25 sends a second.
  // Room for every wait below to run its course and name what it waited for.
  this.timeout(660_000);
  let azurite: Azurite;
  let graph: GraphStandIn;
  let connector: ConnectorStandIn;
  const bots: BotProcess[] = [];
  const dirs: string[] = [];

  afterEach(async function () {
    for (const bot of bots.splice(0)) {
      await bot.stop();
      if (this.currentTest?.state === 'failed') console.log(bot.logs().slice(-40).join('\n'));
    }
    await connector?.close();
    await graph?.close();
    await azurite?.stop();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('1,500 pupils; the planning instance killed mid-pass: each pupil nudged exactly once, one planner at a time', async () => {
    const started = Date.now();
    // Azurite stands for a service on machines of its own: it must not queue for the cores behind the test files
    // running beside this one.
    azurite = await startAzurite({ separateTables: true, aboveNormalPriority: true });
    graph = await GraphStandIn.start();
    // Faster than Teams (50/s) so that the run stays short; the Teams limits themselves are tested elsewhere.
    connector = await ConnectorStandIn.start({
      app: { limit: 1000, windowMs: 1000 },
      keepActivities: false,
    });
    const ids = addPupils(graph, PUPILS);
    const prefix = `camp${crypto.randomBytes(4).toString('hex')}`;
    const account = new AzureStorageAccount(parseStorageConnection(azurite.connectionString), prefix);
    // Every pupil has opened the bot before (as the bot stores it at install, in the shared account).
    const references = await AzureConversationReferenceStore.open(account);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map((id) => references.save(storedReferenceOf(id, connector.serviceUrl))),
      );
    }
    const policy = openNowPolicy();
    const policyFile = path.join(tempDataDir(), 'policy.json');
    dirs.push(path.dirname(policyFile));
    fs.writeFileSync(policyFile, JSON.stringify(policy));

    const instance = () => {
      const dataDir = tempDataDir();
      dirs.push(dataDir);
      return startBot({
        ...graph.env,
        SUPPORT_CODE_KEY: 'a1'.repeat(32),
        DATA_DIR: dataDir,
        SCHOOL_CONFIG: policyFile,
        STORAGE: 'azure',
        ALLOW_UNAUTHENTICATED: '1',
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        AZURE_STORAGE_PREFIX: prefix,
        NUDGE_SCHEDULER: 'on',
        NUDGE_PLAN_EVERY_SECONDS: '1',
        NUDGE_PLANNER_LEASE_SECONDS: String(LEASE_SECONDS),
        NUDGE_SENDS_PER_SECOND: '200',
        TEAMS_SENDS_PER_SECOND: '201',
        NUDGE_CONCURRENCY: String(CONCURRENCY),
        NUDGE_VISIBILITY_TIMEOUT_SECONDS: '5',
        NUDGE_SEND_TIMEOUT_MS: '3000',
      });
    };
    bots.push(...(await Promise.all([instance(), instance()])));
    const took = (bot: BotProcess) => logged(bot, 'campaign planning: lease taken');
    const passes = (bot: BotProcess) => logged(bot, 'campaign pass');
    await connector.waitFor(() => bots.some((b) => took(b).length > 0), 60_000);
    const planner = bots.find((b) => took(b).length > 0)!;
    const survivor = bots.find((b) => b !== planner)!;

    // Mid-pass: the first pages are queued and being sent, by both instances, while it plans the rest.
    await connector.waitFor(() => connector.total >= 300, 180_000);
    expect(passes(planner), 'the planner is still planning').to.deep.equal([]);
    const killedAt = Date.now();
    await planner.kill();
    const atKill = connector.total;

    // Done when every pupil's row is final (a send noted on the wire at the kill may never have arrived: its
    // pupil is recorded, not sent again, so counting arrivals alone could wait for ever).
    const campaign = buildCampaign(
      policy.campaign!,
      policy.registration.enforcementDate,
      policy.school.timeZone,
    );
    const ledger = await AzureNudgeLedger.open(account);
    const readRows = async (): Promise<LedgerEntry[]> => {
      const rows: LedgerEntry[] = [];
      for await (const page of ledger.scan(campaign.id, {})) rows.push(...page);
      return rows;
    };
    await until(
      async () =>
        connector.total >= PUPILS || (await readRows()).filter((r) => r.state === 'sent').length === PUPILS,
      { what: 'every pupil sent or recorded', timeoutMs: 330_000, intervalMs: 2000 },
    ).catch(() => undefined);
    // Nothing more can be sent once no message is left on the queue, hidden ones (a copy of a send, back after
    // its visibility timeout) included: Azure's count includes them.
    const queue = await AzureNudgeQueue.open(account);
    await until(async () => (await queue.approximateCount()) === 0, {
      what: 'the queue empty, hidden messages included',
      timeoutMs: 60_000,
      intervalMs: 500,
    });

    // The ledger: one row per pupil, every one sent; only sends noted on the wire at the kill are unconfirmed.
    const rows = await readRows();
    expect(rows.filter((r) => r.state !== 'sent').map((r) => `${r.userId} ${r.state}`)).to.deep.equal([]);
    expect(new Set(rows.map((r) => r.userId)).size).to.equal(PUPILS);
    expect(rows).to.have.length(PUPILS);
    const unconfirmed = rows.filter((r) => r.detail === 'unconfirmed');
    expect(unconfirmed.length).to.be.at.most(CONCURRENCY);

    // On the wire: nobody twice; nobody missing but a pupil whose send was noted on the wire at the kill (the
    // note is stored before the request leaves: a kill in between loses that one nudge, never doubles it).
    const count = (id: string) => connector.delivered.get(conversationOf(id)) ?? 0;
    expect(
      ids.filter((id) => count(id) > 1),
      'pupils nudged twice',
    ).to.deep.equal([]);
    const inDoubt = new Set(unconfirmed.map((r) => r.userId));
    const lost = ids.filter((id) => count(id) === 0);
    expect(
      lost.filter((id) => !inDoubt.has(id)),
      'pupils never nudged (not even noted on the wire)',
    ).to.deep.equal([]);
    expect(connector.total).to.equal(PUPILS - lost.length);

    // One planner at a time: the survivor was refused the lease while the planner held it, took it over only
    // once the dead planner's lease ran out (it was renewed every 5 s, so it outlived the kill by 10 s or more;
    // the survivor looks every second, later on a loaded machine), and planned once; the dead one never
    // finished a pass.
    expect(logged(survivor, 'campaign planning skipped').filter((l) => l.reason === 'leaseHeld')).to.not.be
      .empty;
    const [takeover, ...again] = took(survivor);
    expect(again, 'the survivor planned once').to.deep.equal([]);
    const waited = (Date.parse(takeover!.time) - killedAt) / 1000;
    expect(waited).to.be.within(LEASE_SECONDS - 5 - 1, LEASE_SECONDS + 10);
    const [pass] = passes(survivor);
    expect(pass?.members).to.equal(PUPILS);
    expect(passes(planner)).to.deep.equal([]);
    const repaired =
      logged(survivor, 'campaign: queued rows a previous planner left unqueued')[0]?.repaired ?? 0;
    const interrupted = logged(
      survivor,
      'nudge send interrupted before it left (a crash): sending it',
    ).length;
    console.log(
      `      (killed the planner after ${atKill} sends; lease taken over ${waited.toFixed(1)} s later; ` +
        `${repaired} claims it left unqueued were queued; ${unconfirmed.length} send(s) noted on the wire at the ` +
        `kill, recorded unconfirmed, ${lost.length} of them never arrived; ${interrupted} taken but not yet sent, sent by the survivor; ` +
        `${((Date.now() - started) / 1000).toFixed(0)} s in all)`,
    );
  });
});
