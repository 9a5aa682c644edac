/**
 * Builds what App Service runs: `npm run package:deploy` compiles src/ into a fresh build/deploy/dist, stages
 * the runtime files beside it (cards/, locales/ with the string catalogues, tab/ with the IT tab's page, config/ with the school's own policy as
 * config/school.yaml, package.json, package-lock.json) and the production dependencies. The Agents Toolkit's deploy step zips and
 * uploads build/deploy; `--zip` also writes build/mfa-buddy-deploy.zip for `az webapp deploy --type zip`
 * (a minute more: it is some 450 MB of JavaScript, mostly the Azure Monitor OpenTelemetry distribution).
 *
 *   npm run package:deploy                                   # policy from config/school.yaml
 *   npm run package:deploy -- --school-config path/to/policy.yaml --zip
 *
 * The dependencies are copied from this machine's node_modules, following package-lock.json from the
 * production dependencies only: no development tools, nothing downloaded, nothing built on App Service
 * (it runs the zip as it is, WEBSITE_RUN_FROM_PACKAGE). better-sqlite3 is left out on purpose: it is a
 * native addon compiled for this machine's Node, App Service runs another, and the App Service
 * configuration (infra/azure.bicep) uses Azure Storage, which never loads it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { ConfigError } from '../src/config/env';
import { loadSchoolPolicy } from '../src/config/loadSchoolPolicy';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const DEPLOY_DIR = path.join(REPO_ROOT, 'build', 'deploy');
export const DEPLOY_ZIP = path.join(REPO_ROOT, 'build', 'mfa-buddy-deploy.zip');
/** Where the package puts the school's policy; infra/azure.bicep points SCHOOL_CONFIG at it. */
export const PACKAGED_SCHOOL_CONFIG = 'config/school.yaml';
/** Production dependencies that App Service must not get (see the file comment). */
export const LEFT_OUT = ['better-sqlite3'];

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  link?: boolean;
}
interface Lockfile {
  packages: Record<string, LockEntry>;
}

/**
 * The lock-file paths (`node_modules/a`, `node_modules/a/node_modules/b`) of every package the production
 * dependencies need, found the way Node resolves a require: from the requiring package's folder upwards.
 */
export function productionPackages(lock: Lockfile, leftOut: readonly string[] = LEFT_OUT): string[] {
  const root = lock.packages[''];
  if (!root) throw new Error('package-lock.json has no root package');
  const found = new Set<string>();
  const resolve = (name: string, from: string): string | undefined => {
    let dir = from;
    for (;;) {
      const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (dir === '') return undefined;
      const at = dir.lastIndexOf('/node_modules/');
      dir = at < 0 ? '' : dir.slice(0, at);
    }
  };
  const visit = (entryPath: string): void => {
    if (found.has(entryPath)) return;
    found.add(entryPath);
    const entry = lock.packages[entryPath]!;
    const wanted = {
      ...entry.peerDependencies,
      ...entry.optionalDependencies,
      ...entry.dependencies,
    };
    for (const name of Object.keys(wanted)) {
      // Optional and peer dependencies that npm did not install (another platform, an unused peer) are absent.
      const resolved = resolve(name, entryPath);
      if (resolved) visit(resolved);
    }
  };
  for (const name of Object.keys(root.dependencies ?? {})) {
    if (leftOut.includes(name)) continue;
    const resolved = resolve(name, '');
    if (!resolved)
      throw new Error(`package-lock.json does not resolve the dependency ${name}: run npm install`);
    visit(resolved);
  }
  return [...found].sort();
}

/** Files in a package that Node never loads: type declarations, TypeScript sources, source maps, docs. */
const NOT_RUN = /\.(?:[cm]?ts|map|md|markdown)$/i;

/**
 * Copies the listed packages from `fromRoot` into `toRoot`, each without its own nested node_modules (nested
 * packages are copied from their own entries, when production needs them) and without what Node never loads,
 * which is two files in three: the folder the toolkit zips and uploads stays small.
 */
function copyPackages(paths: readonly string[], fromRoot: string, toRoot: string): void {
  for (const entryPath of paths) {
    const source = path.join(fromRoot, entryPath);
    if (!fs.existsSync(source))
      throw new Error(`${entryPath} is in package-lock.json but not installed: run npm ci`);
    fs.cpSync(source, path.join(toRoot, entryPath), {
      recursive: true,
      filter: (from) => {
        if (from === source) return true;
        const inside = path.relative(source, from);
        return !inside.split(path.sep).includes('node_modules') && !NOT_RUN.test(inside);
      },
    });
  }
}

function compile(outDir: string): void {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', path.join(REPO_ROOT, 'tsconfig.json'), '--outDir', outDir],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) throw new Error('the TypeScript build failed (see above)');
}

export interface DeployPackageOptions {
  /** The school's policy file; default config/school.yaml. */
  schoolConfig?: string;
  deployDir?: string;
  /** Also write this zip of the staged folder. */
  zipPath?: string;
}

/** Stages the deploy folder (and the zip, when asked); returns the folder. Throws with what to fix. */
export function buildDeployPackage(options: DeployPackageOptions = {}): string {
  const deployDir = options.deployDir ?? DEPLOY_DIR;
  const schoolConfig = path.resolve(options.schoolConfig ?? path.join(REPO_ROOT, PACKAGED_SCHOOL_CONFIG));
  if (!fs.existsSync(schoolConfig)) {
    throw new Error(
      `no school policy at ${path.relative(process.cwd(), schoolConfig)}: copy config/kscs.school.yaml there and ` +
        'put in your school (group ids, dates, IT Support), or name another file with --school-config',
    );
  }
  // The bot would refuse to start on a policy that does not validate: better to find out here.
  loadSchoolPolicy(schoolConfig);

  fs.rmSync(deployDir, { recursive: true, force: true });
  fs.mkdirSync(deployDir, { recursive: true });
  compile(path.join(deployDir, 'dist'));
  fs.cpSync(path.join(REPO_ROOT, 'cards'), path.join(deployDir, 'cards'), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'locales'), path.join(deployDir, 'locales'), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'tab'), path.join(deployDir, 'tab'), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'config'), path.join(deployDir, 'config'), {
    recursive: true,
    filter: (from) => !from.endsWith('.user') && !path.basename(from).startsWith('.'),
  });
  fs.copyFileSync(schoolConfig, path.join(deployDir, PACKAGED_SCHOOL_CONFIG));
  for (const file of ['package.json', 'package-lock.json']) {
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(deployDir, file));
  }
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  copyPackages(productionPackages(lock), REPO_ROOT, deployDir);

  if (options.zipPath) {
    fs.rmSync(options.zipPath, { force: true });
    const zip = new AdmZip();
    zip.addLocalFolder(deployDir);
    zip.writeZip(options.zipPath);
  }
  return deployDir;
}

if (require.main === module) {
  const at = process.argv.indexOf('--school-config');
  const schoolConfig = at >= 0 ? process.argv[at + 1] : undefined;
  const zipPath = process.argv.includes('--zip') ? DEPLOY_ZIP : undefined;
  try {
    const staged = buildDeployPackage({
      ...(schoolConfig ? { schoolConfig } : {}),
      ...(zipPath ? { zipPath } : {}),
    });
    console.error(
      `staged ${path.relative(process.cwd(), staged)}${zipPath ? ` and wrote ${path.relative(process.cwd(), zipPath)}` : ''}`,
    );
  } catch (error) {
    const message = error instanceof ConfigError ? error.problems.join('\n  ') : (error as Error).message;
    console.error(`The deploy package was not built: ${message}`);
    process.exit(1);
  }
}
