/**
 * Process entry point: configuration from the environment, then telemetry (when configured), then the
 * container (every service, container.ts) and the app serving it; SIGTERM and SIGINT stop it gracefully
 * (in-flight turns finish, the database closes, buffered metrics are exported).
 */
import { ConfigError, loadConfig } from './config/env';
import { startTelemetry } from './telemetry/telemetry';
import type { RunningApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // Before the app's modules load: Azure Monitor instruments `http` as they require it.
  const telemetry = startTelemetry(config.telemetry?.connectionString);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createLogger } = require('./logging/logger') as typeof import('./logging/logger');
  const { createContainer } = require('./container') as typeof import('./container');
  const { startApp } = require('./app') as typeof import('./app');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const log = createLogger(config.logLevel);
  if (telemetry) log.info('telemetry: metrics go to Azure Monitor (Application Insights)');

  // Signals are handled from the first moment: a stop that arrives while starting waits for the start.
  let starting: Promise<RunningApp> | undefined = undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    Promise.resolve(starting)
      .then((app) => app?.stop())
      .then(() => telemetry?.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: { message: (error as Error).message } }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  starting = createContainer(config, {
    log,
    beforeStoresClose: telemetry && (() => telemetry.flush()),
  }).then((container) => startApp(container));
  await starting;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error('The bot could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
