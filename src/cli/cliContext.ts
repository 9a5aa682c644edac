/**
 * What IT's command-line tools share with the bot: its configuration (environment variables, SCHOOL_CONFIG,
 * DATA_DIR), its stores and its directory, opened the same way. Logs (JSON) go to stderr; what IT reads goes
 * to stdout.
 */
import pino from 'pino';
import { buildDirectory } from '../adapters/buildDirectory';
import type { GraphDirectoryParts } from '../adapters/graph/createGraphDirectory';
import { openStores, type Stores } from '../adapters/storage';
import { ConfigError, loadConfig, type AppConfig } from '../config/env';
import { loadSchoolPolicy } from '../config/loadSchoolPolicy';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import { createLogger, type Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { Directory } from '../ports/directory';

export interface CliContext {
  config: AppConfig;
  log: Logger;
  policy: SchoolPolicy;
  clock: Clock;
  stores: Stores;
  directory: Directory;
  graph?: GraphDirectoryParts;
  /** Releases the directory and closes the stores. */
  close(): void;
}

/** A clock that starts at `start` (an ISO time) and runs on in real time; the real clock without one. */
export function clockFrom(start: string | undefined): Clock {
  if (!start) return { now: () => new Date() };
  const offset = Date.parse(start) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** The bot's configuration and school policy, read as the bot reads them; ConfigError names what is wrong. */
export function readConfiguration(env: NodeJS.ProcessEnv = process.env): {
  config: AppConfig;
  policy: SchoolPolicy;
} {
  const config = loadConfig(env);
  return { config, policy: loadSchoolPolicy(config.schoolConfigPath) };
}

/** A logger for a CLI: JSON lines on stderr, so stdout stays what IT reads. */
export function cliLogger(level: string): Logger {
  return createLogger(level, pino.destination({ dest: 2, sync: false }));
}

export async function openCliContext(clock: Clock): Promise<CliContext> {
  const { config, policy } = readConfiguration();
  const log = cliLogger(config.logLevel);
  const stores = await openStores(config, log);
  const { directory, graph } = buildDirectory(config, policy, clock, log);
  return {
    config,
    log,
    policy,
    clock,
    stores,
    directory,
    graph,
    close: () => {
      graph?.close();
      stores.close();
    },
  };
}

/**
 * Runs a tool's `main` and exits: 0, or the exit code `main` set; 2 for a configuration or usage error (its
 * message on stderr); 1 for anything else.
 */
export function runCli(name: string, main: () => Promise<void>): void {
  main().then(
    // A moment for the asynchronous stderr log to drain.
    () => setTimeout(() => process.exit(process.exitCode ?? 0), 50).unref(),
    (error: unknown) => {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(2);
      }
      console.error(`${name} failed:`, error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
