/**
 * The Temporary Access Pass issuer the process uses: Microsoft Graph when the directory is Graph (the same
 * requester: one client, one token cache), else the demo issuer, whose passes sign nobody in.
 */
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { TemporaryAccessPassIssuer } from '../ports/temporaryAccessPasses';
import { DemoTemporaryAccessPasses } from './demo/demoTemporaryAccessPasses';
import type { GraphDirectoryParts } from './graph/createGraphDirectory';
import { GraphTemporaryAccessPasses } from './graph/graphTemporaryAccessPasses';

export function buildTemporaryAccessPasses(
  graph: GraphDirectoryParts | undefined,
  clock: Clock,
  log: Logger,
): TemporaryAccessPassIssuer {
  return graph
    ? new GraphTemporaryAccessPasses(graph.requests, log)
    : new DemoTemporaryAccessPasses(clock, log);
}
