import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { installActivity, testUser } from '../support/activities';
import { startAzurite, type Azurite } from '../support/azurite';
import { postActivity, ROOT, startBot, tempDataDir, type BotProcess } from '../support/botProcess';
import { cardsOf, headingOf } from '../support/cards';
import { ConnectorStandIn } from '../support/connectorStandIn';
import { buildDeployPackage, LEFT_OUT, PACKAGED_SCHOOL_CONFIG } from '../../scripts/packageDeploy';

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean }>;
};

/** Every file under `dir`, relative, with forward slashes. */
function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

describe('the deploy package (npm run package:deploy)', function () {
  // It compiles the bot and copies the production dependencies: some 20,000 files.
  this.timeout(180_000);
  let workDir: string;
  let staged: string;
  let files: string[];
  let policyFile: string;

  before(() => {
    // Outside the repository, so that Node cannot fall back on the repository's node_modules.
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-deploy-'));
    policyFile = path.join(workDir, 'our-school.yaml');
    fs.writeFileSync(
      policyFile,
      fs
        .readFileSync(path.join(ROOT, 'config', 'kscs.school.yaml'), 'utf8')
        .replace('room: 3L23', 'room: L1'),
    );
    staged = buildDeployPackage({ schoolConfig: policyFile, deployDir: path.join(workDir, 'deploy') });
    files = listFiles(staged);
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('holds the built bot, its cards and catalogues, the IT tab, the policy files and the lock, and nothing else of the repository', () => {
    expect(fs.readdirSync(staged).sort()).to.deep.equal([
      'cards',
      'config',
      'dist',
      'locales',
      'node_modules',
      'package-lock.json',
      'package.json',
      'tab',
    ]);
    expect(files).to.include('dist/index.js');
    expect(files).to.include('cards/welcome.json');
    expect(files).to.include('locales/en-GB.json');
    expect(files).to.include('tab/progress.html');
    // The school's own policy, where the App Service setting SCHOOL_CONFIG points.
    expect(fs.readFileSync(path.join(staged, PACKAGED_SCHOOL_CONFIG), 'utf8')).to.equal(
      fs.readFileSync(policyFile, 'utf8'),
    );
    expect(
      files.filter((f) => f.startsWith('dist/')).every((f) => !/\.test\.|^dist\/test\//.test(f)),
    ).to.equal(true);
  });

  it('carries no local configuration or secrets: no .localConfigs, no env files, no data', () => {
    const local = files.filter((f) =>
      /(^|\/)(\.localConfigs[^/]*|\.env[^/]*|[^/]*\.user|data\/[^/]*\.sqlite[^/]*)$/.test(f),
    );
    expect(local).to.deep.equal([]);
    expect(files.filter((f) => /^(env|data|test|\.cache|devTools|appPackage|infra)\//.test(f))).to.deep.equal(
      [],
    );
  });

  it('has the production dependencies and none of the development ones', () => {
    const packages = new Set(
      files
        .map((f) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(f)?.[1])
        .filter((name): name is string => name !== undefined),
    );
    for (const name of Object.keys(packageJson.dependencies).filter((n) => !LEFT_OUT.includes(n))) {
      expect(packages.has(name), name).to.equal(true);
    }
    // Some development tools are also needed at run time by a production dependency (ws, fs-extra…): those stay.
    // What npm marks as needed only for development must not be there.
    const stagedPackages = files
      .map((f) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(f)?.[1])
      .filter((p): p is string => p !== undefined && lock.packages[p] !== undefined);
    expect(stagedPackages.filter((p) => lock.packages[p]!.dev)).to.deep.equal([]);
    expect(stagedPackages.length).to.be.greaterThan(100);
    for (const tool of ['mocha', 'typescript', 'azurite', 'playwright-core', 'eslint', 'tsx']) {
      expect(packages.has(tool), tool).to.equal(false);
    }
    // Compiled for this machine's Node, not App Service's: Azure Storage never loads it.
    expect(packages.has('better-sqlite3')).to.equal(false);
  });

  describe('run on its own, as App Service runs it (Azure Storage)', () => {
    let azurite: Azurite;
    let connector: ConnectorStandIn;
    let bot: BotProcess | undefined;
    let dataDir: string;

    before(async () => {
      azurite = await startAzurite();
      connector = await ConnectorStandIn.start();
      dataDir = tempDataDir();
    });
    after(async () => {
      await bot?.stop();
      await connector.close();
      await azurite.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('starts and welcomes a pupil, with only the packaged dependencies', async () => {
      bot = await startBot(
        {
          STORAGE: 'azure',
          ALLOW_UNAUTHENTICATED: '1',
          AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
          AZURE_STORAGE_PREFIX: 'deploypkg',
          SCHOOL_CONFIG: path.join(staged, PACKAGED_SCHOOL_CONFIG),
          DATA_DIR: dataDir,
        },
        30_000,
        undefined,
        staged,
      );
      const pupil = testUser('Alex Morgan');
      expect(
        (await postActivity(bot, installActivity(pupil, { serviceUrl: connector.serviceUrl }))).status,
      ).to.equal(200);
      await connector.waitFor((r) => r.length >= 1);
      const [card] = cardsOf(connector.received[0]!.activity);
      expect(headingOf(card!)).to.equal('Hi Alex! 👋');
    });
  });
});
