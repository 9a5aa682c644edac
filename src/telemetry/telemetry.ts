/**
 * Azure Monitor (Application Insights) through OpenTelemetry, started only when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set. It must start before the modules it instruments load (it
 * patches `http` as they require it), so the entry point calls this right after reading the configuration
 * and loads the rest of the app afterwards. Without a connection string the package is not even loaded: the
 * @opentelemetry/api global meter provider stays the no-op one, and every metric call costs nothing.
 *
 * What it sends, chosen for a school's data: the bot's own metrics (botMetrics.ts), process performance
 * counters, and incoming requests (method, route, status, duration). Not sent: outgoing requests and Azure
 * SDK calls (Graph and Azure Storage URLs carry user ids, UPNs and partition keys), Live Metrics (it streams
 * request and exception details), and logs (pino writes them to stdout; App Service collects those).
 */
import type { IncomingMessage } from 'node:http';
import { metrics } from '@opentelemetry/api';

export interface Telemetry {
  /** Collects and exports now, gauges included (at shutdown, while their sources are still open). */
  flush(): Promise<void>;
  /** Exports what is still buffered and stops the exporters (at shutdown; a short-lived process loses it otherwise). */
  shutdown(): Promise<void>;
}

/** Longest a final export may hold up a stop. */
const FLUSH_TIMEOUT_MS = 3000;

/** Probes (every few seconds, from App Service and load balancers): counted by nobody. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz']);

/** Starts Azure Monitor when `connectionString` is given; undefined (and nothing loaded) otherwise. */
export function startTelemetry(connectionString: string | undefined): Telemetry | undefined {
  if (!connectionString) return undefined;
  // Loaded only when wanted: it pulls in the whole OpenTelemetry SDK.
  const azureMonitor =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  // A variable, not a literal: the distro's type names only `enabled`, and passes the rest to the HTTP instrumentation.
  const http = {
    enabled: true,
    ignoreIncomingRequestHook: (request: IncomingMessage) =>
      UNTRACED_PATHS.has((request.url ?? '').replace(/\?.*$/, '')),
    ignoreOutgoingRequestHook: () => true,
  };
  azureMonitor.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    enableLiveMetrics: false,
    instrumentationOptions: {
      http,
      azureSdk: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
  });
  return {
    flush: async () => {
      const provider = metrics.getMeterProvider() as {
        forceFlush?: (options?: { timeoutMillis?: number }) => Promise<void>;
      };
      await provider.forceFlush?.({ timeoutMillis: FLUSH_TIMEOUT_MS }).catch(() => undefined);
    },
    // An export that fails at shutdown (Azure Monitor unreachable) must not turn a clean stop into a crash.
    shutdown: () => azureMonitor.shutdownAzureMonitor().catch(() => undefined),
  };
}
