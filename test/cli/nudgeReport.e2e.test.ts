/**
 * `npm run nudge -- --report` as IT runs it (the built CLI, a temporary DATA_DIR, the sample school, whose pupils
 * and staff have sending windows of their own): one line for each group's last planning pass, newest first, and
 * a ledger kept before passes named their groups still shows its one pass.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { sqliteStores } from '../../src/adapters/storage';
import { SAMPLE_SCHOOL_CONFIG } from '../../src/config/env';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { campaignIdFor } from '../../src/domain/campaign/campaignTime';
import { emptyPassSummary, type PassSummary } from '../../src/nudges/campaignPlanner';
import { LAST_PASS, LAST_PASSES, withLastPass } from '../../src/nudges/lastPasses';
import { ROOT, tempDataDir } from '../support/botProcess';

const CLI = path.join(ROOT, 'dist', 'cli', 'nudge.js');
const policy = loadSchoolPolicy(SAMPLE_SCHOOL_CONFIG);
const CAMPAIGN = campaignIdFor(policy.registration.enforcementDate);
const [PUPILS, STAFF] = policy.campaign!.targets.groups.map((g) => g.id) as [string, string];

function pass(at: string, groups: string[], counts: Partial<PassSummary>): PassSummary {
  return { ...emptyPassSummary(at, groups, 'd7'), ...counts };
}

describe('npm run nudge --report: the last planning pass of each group (built CLI)', function () {
  this.timeout(30_000);
  let dataDir: string;

  before(() => {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli/nudge.js is missing: run `npm run build` first');
  });
  beforeEach(() => {
    dataDir = tempDataDir('mfa-buddy-report-');
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Writes the campaign's markers as the planner left them. */
  async function markers(values: Record<string, string>): Promise<void> {
    const stores = sqliteStores(SqliteDatabase.open(dataDir));
    try {
      for (const [name, value] of Object.entries(values))
        await stores.nudgeLedger.setMarker(CAMPAIGN, name, value);
    } finally {
      stores.close();
    }
  }

  /** The report's lines about planning passes. */
  function reportedPasses(): string[] {
    const result = spawnSync(process.execPath, ['--disable-warning=DEP0111', CLI, '--report'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^Delivery report: enforcement-/m);
    return result.stdout.split('\n').filter((line) => line.startsWith('Last planning pass'));
  }

  it('prints one line per group, the pupils’ evening pass first, the staff’s morning pass still there', async () => {
    const staff = pass('2026-12-01T08:30:00.000Z', [STAFF], { members: 60, registered: 41, queued: 19 });
    const pupils = pass('2026-12-01T15:45:00.000Z', [PUPILS], {
      members: 800,
      registered: 500,
      queued: 290,
      schoolEmail: 4,
      emailLooks: 9,
      cardsToUpdate: 12,
    });
    await markers({
      [LAST_PASSES]: withLastPass(withLastPass(undefined, staff), pupils),
      [LAST_PASS]: JSON.stringify(pupils),
    });
    expect(reportedPasses()).to.deep.equal([
      'Last planning pass for All pupils: Tuesday 1 December 2026 15:45 (stage d7): 800 members, 500 already registered, 290 queued; 4 on their school email (9 live looks this pass); 12 earlier nudges to show "you\'re all set"',
      'Last planning pass for All staff: Tuesday 1 December 2026 08:30 (stage d7): 60 members, 41 already registered, 19 queued; 0 on their school email (0 live looks this pass); 0 earlier nudges to show "you\'re all set"',
    ]);
  });

  it('a ledger from before passes were kept per group: its one pass, naming no group', async () => {
    const old: Partial<PassSummary> = pass('2026-11-30T16:00:00.000Z', [], { members: 12, queued: 5 });
    delete old.groups;
    await markers({ [LAST_PASS]: JSON.stringify(old) });
    expect(reportedPasses()).to.deep.equal([
      'Last planning pass: Monday 30 November 2026 16:00 (stage d7): 12 members, 0 already registered, 5 queued; 0 on their school email (0 live looks this pass); 0 earlier nudges to show "you\'re all set"',
    ]);
  });
});
