/**
 * A pass of `npm run nudge` (the built CLI, a child process with its output piped, as in CI or `> pass.txt`)
 * against the Graph and Teams connector stand-ins: its progress is plain lines on stderr, at the pace asked
 * (`--progress-seconds`; 5 s by default, see progressDisplay.test.ts) and at the end, and the last one agrees
 * with the pass's own summary on stdout, which holds nothing else.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SqliteConversationReferenceStore } from '../../src/adapters/sqlite/sqliteConversationReferenceStore';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { ROOT, tempDataDir } from '../support/botProcess';
import { addPupils, nudgeCliEnv, storedReferenceOf } from '../support/campaignRig';
import { runBuiltCli } from '../support/cliProcess';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { GraphStandIn } from '../support/graph/graphStandIn';
import { clockChangePolicy } from '../nudges/campaignPolicyFixture';

/** Friday 23 October 2026, 09:00 BST: the 3-day reminder's window is open. */
const NOW = '2026-10-23T08:00:00Z';
const PUPILS = 60;
/**
 * At this pace the pass takes at least 6 s, so several lines fall due (every second) before the end, and a loaded
 * machine still writes one that knows the time left.
 */
const SENDS_PER_SECOND = 10;
const PROGRESS_SECONDS = 1;

/** The escape character that starts a terminal's control sequences. */
const ESC = String.fromCharCode(27);

const PROGRESS = /^planned (\d+)(?: so far)? · sent (\d+) · left (\d+)(?: · ([\d.]+)\/s)? · (.+)$/;

describe('npm run nudge: progress of a pass (built CLI)', function () {
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

  function env(): Record<string, string> {
    const policyFile = path.join(dataDir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(clockChangePolicy()));
    return { ...nudgeCliEnv(graph, dataDir, policyFile), NUDGE_SENDS_PER_SECOND: String(SENDS_PER_SECOND) };
  }

  afterEach(async () => {
    await connector?.close();
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a plain line every --progress-seconds and at the end on stderr; the last one matches the summary', async () => {
    const { code, stdout, stderr } = await runBuiltCli('nudge', env(), [
      '--now',
      NOW,
      '--quiet-seconds',
      '1',
      '--progress-seconds',
      String(PROGRESS_SECONDS),
    ]);
    expect(code, stderr).to.equal(0);
    expect(connector.total).to.equal(PUPILS);

    // stdout is the pass's answer only.
    expect(stdout).to.contain(`Planned stage d3: ${PUPILS} queued, 0 already registered, ${PUPILS} members`);
    expect(stdout).to.match(new RegExp(`^Sent ${PUPILS}; blocked 0;`, 'm'));
    expect(stdout).to.not.match(/^planned /m);

    // Every progress line reads as one (while planning too: "planned 40 so far · …").
    const written = stderr.split('\n').filter((l) => l.startsWith('planned '));
    expect(
      written.filter((l) => !PROGRESS.test(l)),
      'garbled progress lines',
    ).to.deep.equal([]);
    const lines = written.map((l) => PROGRESS.exec(l)!);
    expect(lines.length, stderr).to.be.at.least(2);
    const last = lines.at(-1)!;
    expect(last[0]).to.match(
      new RegExp(`^planned ${PUPILS} · sent ${PUPILS} · left 0 · [\\d.]+/s · finished in \\d+ s$`),
    );
    // At most the paced rate, on average over the whole pass (planning and the quiet second included).
    expect(Number(last[4])).to.be.within(1, SENDS_PER_SECOND + 1);
    // A line before the end, with the pass part-way: fewer sent, some left, and how long they will take. On a
    // loaded machine the first lines may come while planning is still counting, or before a send has been
    // answered (then the time left is not known yet, and says so): the first that knows it.
    const during = lines.slice(0, -1);
    expect(
      during.filter(
        (line) => !/^(about \d+ s left|time left not known yet|still planning|queue empty)/.test(line[5]!),
      ),
      'lines before the end that say neither how long nor that it is not known',
    ).to.deep.equal([]);
    // Once sends are being answered (a rate above 0) with some left, the time left is known.
    expect(
      during.filter(
        (line) => Number(line[4] ?? 0) > 0 && Number(line[3]) > 0 && !/^about \d+ s left/.test(line[5]!),
      ),
      'lines with sends under way that do not say how long is left',
    ).to.deep.equal([]);
    const first = during.find((line) => Number(line[1]) === PUPILS && /^about \d+ s left$/.test(line[5]!));
    expect(first, stderr).to.be.an('array');
    expect(Number(first![2])).to.be.below(PUPILS);
    expect(Number(first![3])).to.be.above(0);
  });

  it('on a terminal (script), draws a bar that ends whole on its own line, with the summary below it', async function () {
    if (spawnSync('script', ['--version']).error) this.skip();
    const cli = path.join(ROOT, 'dist', 'cli', 'nudge.js');
    const command = `"${process.execPath}" --disable-warning=DEP0111 "${cli}" --now ${NOW} --quiet-seconds 1`;
    // stdout and stderr both on the terminal `script` gives the command, as when IT runs it by hand.
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...env(), COLUMNS: '160', LINES: '40' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (c: Buffer) => (screen += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (screen += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    expect(code, screen).to.equal(0);
    expect(connector.total).to.equal(PUPILS);
    // The bar, redrawn in place (back to the line's start), not a plain line per look.
    expect(screen).to.match(new RegExp(`${ESC}\\[1G[█░]{20} planned \\d+ · sent \\d+ · left \\d+`));
    expect(screen).to.not.match(/^planned /m);
    // Its last drawing is the final figures, then a line break, then the summary at the start of a line. The
    // cursor the bar restores as it stops is the one saved on that same line (not where the bar began, above
    // the lines written since).
    const final = `${ESC}7${ESC}\\[1G█{20} planned ${PUPILS} · sent ${PUPILS} · left 0 · [\\d.]+/s · finished in \\d+ s`;
    expect(screen).to.match(new RegExp(`${final}${ESC}\\[0K${ESC}8\r\nSent ${PUPILS}; blocked 0;`));
    // Line wrapping is never turned off: log lines above the bar wrap.
    expect(screen).to.not.contain(`${ESC}[?7l`);
  });
});
