/**
 * Runs one of the built command-line tools (dist/cli/*.js) as a school's admin would, without blocking this
 * process (stand-ins answering from it keep working), with only the environment it is given.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './botProcess';

/** How a command-line run ended, and what it printed. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `dist/cli/<tool>.js` with `args` and `env` (plus PATH and the test CA); killed after `timeoutMs`. */
export function runBuiltCli(
  tool: 'nudge' | 'privacy' | 'doctor',
  env: Record<string, string>,
  args: string[],
  timeoutMs = 60_000,
  /** The checkout whose `dist/` runs (another one's, for a benchmark's baseline). */
  root = ROOT,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const script = path.join(root, 'dist', 'cli', `${tool}.js`);
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', script, ...args], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
