/** The directory the process uses: Microsoft Graph when credentials are configured, else the demo school. */
import { createGraphDirectory, type GraphDirectoryParts } from './graph/createGraphDirectory';
import { DemoDirectory } from './demo/demoDirectory';
import type { AppConfig } from '../config/env';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { Directory } from '../ports/directory';
import type { GraphMetrics } from '../telemetry/botMetrics';

/** Graph when credentials are configured; otherwise the demo school, said loudly in the log. */
export function buildDirectory(
  config: AppConfig,
  policy: SchoolPolicy,
  clock: Clock,
  log: Logger,
  metrics?: GraphMetrics,
): { directory: Directory; graph?: GraphDirectoryParts } {
  if (config.graph) {
    const graph = createGraphDirectory({
      tenantId: config.tenantId,
      clientId: config.graph.clientId,
      clientSecret: config.graph.clientSecret,
      baseUrl: config.graphBaseUrl,
      authorityHost: config.authorityHost,
      requestTimeoutMs: config.graphRequestTimeoutMs,
      schoolDomains: policy.school.domains,
      log,
      now: () => clock.now(),
      metrics,
    });
    log.info({ directory: 'graph', tenantId: config.tenantId }, 'registration status from Microsoft Graph');
    return { directory: graph.directory, graph };
  }
  log.warn(
    { directory: 'demo', tenantId: config.tenantId },
    '*** DEMO DIRECTORY *** GRAPH_CLIENT_ID/GRAPH_CLIENT_SECRET are not set: registration status comes from a built-in SAMPLE SCHOOL, not from Microsoft. Do not use this for real users.',
  );
  return { directory: new DemoDirectory(clock) };
}
