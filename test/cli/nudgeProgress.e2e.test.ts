/**
 * A pass of `npm run nudge` (the built CLI, a child process with its output piped, as in CI or `> pass.txt`)
 * against the Graph and Teams connector stand-ins: its progress is plain lines on stderr, every 5 s and at the
 * end, and the last one agrees with the pass's own summary on stdout, which holds nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SqliteConversationReferenceStore } from '../../src/adapters/sqlite/sqliteConversationReferenceStore';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { tempDataDir } from '../support/botProcess';
import { addPupils, nudgeCliEnv, storedReferenceOf } from '../support/campaignRig';
import { runBuiltCli } from '../support/cliProcess';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { clockChangePolicy } from '../nudges/campaignPolicyFixture';

/** Friday 23 October 2026, 09:00 BST: the 3-day reminder's window is open. */
const NOW = '2026-10-23T08:00:00Z';
const PUPILS = 150;
/** At this pace the pass takes at least 7 s, so a line falls due (at 5 s) before the end. */
const SENDS_PER_SECOND = 20;

const PROGRESS = /^planned (\d+) · sent (\d+) · left (\d+)(?: · ([\d.]+)\/s)? · (.+)$/;

describe('npm run nudge: progress of a pass, not on a terminal (built CLI)', function () {
  this.timeout(90_000);
  let graph: GraphStandIn;
  let connector: ConnectorStandIn;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = tempDataDir('mfa-buddy-progress-');
    graph = await GraphStandIn.start();
    connector = await ConnectorStandIn.start({ keepActivities: false });
    const database = SqliteDatabase.open(dataDir);
    const references = new SqliteConversationReferenceStore(database);
    for (const id of addPupils(graph, PUPILS))
      await references.save(storedReferenceOf(id, connector.serviceUrl));
    database.close();
  });

  afterEach(async () => {
    await connector?.close();
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a plain line every 5 s and at the end on stderr; the last one matches the summary', async () => {
    const policyFile = path.join(dataDir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(clockChangePolicy()));
    const { code, stdout, stderr } = await runBuiltCli(
      'nudge',
      { ...nudgeCliEnv(graph, dataDir, policyFile), NUDGE_SENDS_PER_SECOND: String(SENDS_PER_SECOND) },
      ['--now', NOW, '--quiet-seconds', '1'],
    );
    expect(code, stderr).to.equal(0);
    expect(connector.total).to.equal(PUPILS);

    // stdout is the pass's answer only.
    expect(stdout).to.contain(`Planned stage d3: ${PUPILS} queued, 0 already registered, ${PUPILS} members`);
    expect(stdout).to.match(new RegExp(`^Sent ${PUPILS}; blocked 0;`, 'm'));
    expect(stdout).to.not.match(/^planned /m);

    const lines = stderr
      .split('\n')
      .map((l) => PROGRESS.exec(l))
      .filter((m) => m !== null);
    expect(lines.length, stderr).to.be.at.least(2);
    const last = lines.at(-1)!;
    expect(last[0]).to.match(
      new RegExp(`^planned ${PUPILS} · sent ${PUPILS} · left 0 · [\\d.]+/s · finished in \\d+ s$`),
    );
    // At most the paced rate, on average over the whole pass (planning and the quiet second included).
    expect(Number(last[4])).to.be.within(1, SENDS_PER_SECOND + 1);
    // A line before the end, with the pass part-way: fewer sent, some left, and how long they will take.
    const during = lines.slice(0, -1);
    expect(during.length, stderr).to.be.at.least(1);
    const first = during[0]!;
    expect(Number(first[2])).to.be.below(PUPILS);
    expect(Number(first[3])).to.be.above(0);
    expect(Number(first[1])).to.equal(PUPILS);
    expect(first[5]).to.match(/^about \d+ s left$/);
  });
});
