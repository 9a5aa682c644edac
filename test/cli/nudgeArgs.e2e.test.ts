/**
 * `npm run nudge` refuses arguments it cannot use, before it reads any configuration: exit code 2 naming the
 * flag (a NaN quiet time would drain for ever; a flag given last without its value would be ignored).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_KEY_FILE } from '../../src/adapters/crypto/secretBox';
import { ROOT, tempDataDir } from '../support/botProcess';

const CLI = path.join(ROOT, 'dist', 'cli', 'nudge.js');

function run(...args: string[]) {
  return runIn({}, ...args);
}

function runIn(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, ['--disable-warning=DEP0111', CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('npm run nudge: argument validation (built CLI)', function () {
  this.timeout(30_000);

  for (const [args, flag] of [
    [['--quiet-seconds', 'x'], '--quiet-seconds'],
    [['--quiet-seconds', '-1'], '--quiet-seconds'],
    [['--progress-seconds', '0'], '--progress-seconds'],
    [['--dry-run', '--now'], '--now'],
    [['--report', '--csv'], '--csv'],
    [['--quiet-seconds'], '--quiet-seconds'],
    [['--now', '--dry-run'], '--now'],
  ] as const) {
    it(`exits 2 naming ${flag} for: ${args.join(' ')}`, () => {
      const result = run(...args);
      expect(result.status, result.stderr).to.equal(2);
      expect(result.stderr).to.include(flag);
    });
  }
});

describe('npm run nudge --help (built CLI)', function () {
  this.timeout(30_000);

  for (const flag of ['--help', '-h']) {
    it(`${flag} prints the usage on stdout and exits 0, reading no configuration and opening no storage`, () => {
      const dataDir = tempDataDir('mfa-buddy-help-');
      try {
        // A configuration that would fail to load: help must not read it.
        const result = runIn(
          { DATA_DIR: dataDir, LOG_LEVEL: 'trace', SCHOOL_CONFIG: path.join(dataDir, 'missing.json') },
          flag,
        );
        expect(result.status, result.stderr).to.equal(0);
        expect(result.stdout).to.match(/^Usage: npm run nudge/m);
        for (const f of [
          '--dry-run',
          '--report',
          '--csv',
          '--resend-failures',
          '--replan',
          '--now',
          '--quiet-seconds',
          '--progress-seconds',
        ])
          expect(result.stdout, f).to.match(new RegExp(`^ {2}${f}\\b`, 'm'));
        // One example per flag.
        expect(result.stdout.match(/^ +npm run nudge -- --/gm)).to.have.length.of.at.least(9);
        expect(result.stderr).to.equal('');
        expect(fs.readdirSync(dataDir)).to.deep.equal([]);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }

  it('an unknown flag exits 2 with a one-line error that says where the usage is', () => {
    const result = run('--dryrun');
    expect(result.status, result.stderr).to.equal(2);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.contain('unknown argument --dryrun (npm run nudge -- --help for the usage)');
  });
});

describe('npm run nudge --dry-run on the demo school (built CLI)', function () {
  this.timeout(30_000);

  it('previews the campaign without reading or making a support-code key (it seals nothing)', () => {
    const dataDir = tempDataDir('mfa-buddy-dry-');
    try {
      const result = runIn({ DATA_DIR: dataDir }, '--dry-run');
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout + result.stderr).to.match(/"dryRun":true/);
      expect(result.stdout + result.stderr).to.not.contain('SUPPORT_CODE_KEY');
      expect(fs.existsSync(path.join(dataDir, DEMO_KEY_FILE))).to.equal(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
