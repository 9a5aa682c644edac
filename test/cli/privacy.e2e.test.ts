/**
 * `npm run privacy` as IT runs it (the built CLI, a spawned process, a temporary DATA_DIR, the demo directory):
 * the export prints one person's records and nobody else's, the erase removes them and prints the counts, a
 * person who left is reached by object id, and arguments it cannot use exit 2 with the usage.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { sqliteStores, type Stores } from '../../src/adapters/storage';
import { ROOT, tempDataDir } from '../support/botProcess';

const CLI = path.join(ROOT, 'dist', 'cli', 'privacy.js');
const SAM = DEMO_USERS.samTaylor;
const PRIYA = DEMO_USERS.priyaShah;
const LEFT = '6f000000-0000-4000-8000-0000000000aa';
const AT = '2026-11-30T09:00:00.000Z';

async function keep(stores: Stores, userId: string, words: string): Promise<void> {
  await stores.progress.put(userId, { step: 'chooseFirst', history: ['welcome'], updatedAt: AT });
  await stores.followUps.add({ userId, kind: 'done', requestedAt: AT });
  await stores.escalations.create(
    {
      id: crypto.randomUUID(),
      userId,
      formId: `form-${userId}`,
      category: 'other',
      way: 'walkIn',
      step: 'welcome',
      words: { text: words, truncated: false },
      createdAt: AT,
      localDate: '2026-11-30',
      channelCopy: 'none',
    },
    3,
    () => `MFA-${userId.slice(-4).toUpperCase()}`,
  );
  await stores.supportCodes.createSecretIfAbsent({ userId, sealed: `v1:sealed-${userId}`, createdAt: AT });
}

describe('npm run privacy (built CLI, demo directory)', function () {
  this.timeout(30_000);
  let dataDir: string;

  before(() => {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli/privacy.js is missing: run `npm run build` first');
  });

  beforeEach(async () => {
    dataDir = tempDataDir('mfa-buddy-privacy-cli-');
    const stores = sqliteStores(SqliteDatabase.open(dataDir));
    try {
      await keep(stores, SAM, 'my phone is in my bag');
      await keep(stores, PRIYA, 'priya words');
      await keep(stores, LEFT, 'left words');
    } finally {
      stores.close();
    }
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  function run(...args: string[]) {
    return spawnSync(process.execPath, ['--disable-warning=DEP0111', CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      encoding: 'utf8',
      timeout: 20_000,
    });
  }

  async function held(userId: string) {
    const stores = sqliteStores(SqliteDatabase.open(dataDir));
    try {
      return {
        progress: await stores.progress.get(userId),
        secret: await stores.supportCodes.getSecret(userId),
        followUps: (await stores.followUps.list()).filter((f) => f.userId === userId),
      };
    } finally {
      stores.close();
    }
  }

  it('--export <upn> prints everything held about that person, and nobody else', () => {
    const result = run('--export', 'Sam.Taylor@kscs.org.uk');
    expect(result.status, result.stderr).to.equal(0);
    const exported = JSON.parse(result.stdout) as { userId: string; records: Record<string, unknown[]> };
    expect(exported.userId).to.equal(SAM);
    expect(exported.records.guideProgress).to.deep.equal([
      { userId: SAM, step: 'chooseFirst', history: ['welcome'], updatedAt: AT },
    ]);
    expect(exported.records.statusFollowUps).to.deep.equal([{ userId: SAM, kind: 'done', requestedAt: AT }]);
    expect(exported.records.escalations).to.have.length(1);
    expect(result.stdout).to.include('my phone is in my bag');
    expect(exported.records.supportCodes).to.deep.equal([{ kind: 'supportCodeSecret', presentSince: AT }]);
    expect(result.stdout).to.not.include('sealed');
    expect(result.stdout).to.not.include(PRIYA);
    expect(result.stdout).to.not.include('priya words');
  });

  it('--erase <upn> removes that person from every store, prints the counts, and leaves the others', async () => {
    const result = run('--erase', 'sam.taylor@kscs.org.uk');
    expect(result.status, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.include({
      userId: SAM,
      erased: {
        guideProgress: 1,
        conversationReferences: 0,
        statusFollowUps: 1,
        escalations: 1,
        supportCodes: 1,
        temporaryAccessPasses: 0,
        nudges: 0,
        nudgeQueue: 0,
      },
    });
    expect(await held(SAM)).to.deep.equal({ progress: undefined, secret: undefined, followUps: [] });
    const priya = await held(PRIYA);
    expect(priya.progress?.value.step).to.equal('chooseFirst');
    expect(priya.secret?.createdAt).to.equal(AT);
    expect(priya.followUps).to.have.length(1);
    // What an export finds afterwards: nothing.
    const after = JSON.parse(run('--export', SAM).stdout) as { records: Record<string, unknown[]> };
    expect(Object.values(after.records).flat()).to.deep.equal([]);
  });

  it('reaches someone who left the tenant by their object id; a UPN the directory does not know exits 1', async () => {
    const byId = run('--erase', LEFT.toUpperCase());
    expect(byId.status, byId.stderr).to.equal(0);
    expect((JSON.parse(byId.stdout) as { erased: Record<string, number> }).erased.guideProgress).to.equal(1);
    expect((await held(LEFT)).progress).to.equal(undefined);
    const unknown = run('--export', 'left.school@kscs.org.uk');
    expect(unknown.status).to.equal(1);
    expect(unknown.stderr).to.include(
      'is not in the directory. If they have left, use their Entra object id.',
    );
    expect(unknown.stdout).to.equal('');
  });

  it('--help prints the usage and exits 0', () => {
    const result = run('--help');
    expect(result.status).to.equal(0);
    expect(result.stdout).to.match(/^Usage:\n {2}npm run privacy -- --export <upn or object id>/);
  });

  for (const args of [
    [],
    ['--export'],
    ['--erase', '--export'],
    ['--erase', 'not-a-person'],
    ['--export', 'sam.taylor@kscs.org.uk', 'priya.shah@kscs.org.uk'],
    ['--delete', 'sam.taylor@kscs.org.uk'],
  ]) {
    it(`exits 2 with the usage, touching nothing, for: ${args.join(' ') || '(no arguments)'}`, async () => {
      const result = run(...args);
      expect(result.status, result.stderr).to.equal(2);
      expect(result.stderr).to.include('Usage:');
      expect(result.stdout).to.equal('');
      expect((await held(SAM)).progress?.value).to.deep.equal({
        step: 'chooseFirst',
        history: ['welcome'],
        updatedAt: AT,
      });
    });
  }
});
