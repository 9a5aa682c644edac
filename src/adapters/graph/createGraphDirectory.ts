/**
 * Builds the Graph directory with its parts: one Graph client (no retries of its own), the one
 * identity-reports budget of the process, and the requester that applies both.
 */
import type { Logger } from '../../logging/logger';
import type { TokenCredential } from '@azure/identity';
import type { GraphMetrics } from '../../telemetry/botMetrics';
import { createGraphClient, graphCredential, GRAPH_SCOPE, type GraphClientSettings } from './graphClient';
import { GraphDirectory } from './graphDirectory';
import { GraphRequester } from './graphRequests';
import { RequestBudget } from './requestBudget';

/** Graph's identity and access reports throttle: 5 requests per 10 s per app per tenant. */
export const IDENTITY_REPORTS_BUDGET = { limit: 5, windowMs: 10_000 } as const;

/** The endpoints Graph throttles as identity and access reports (the registration report, methods lists). */
export function isIdentityReportsUrl(url: string): boolean {
  const path = new URL(url).pathname;
  return /\/reports\/authenticationMethods\//.test(path) || /\/authentication\/methods/.test(path);
}

export interface GraphDirectorySettings extends Omit<GraphClientSettings, 'maxRetries' | 'budget'> {
  schoolDomains: readonly string[];
  log: Logger;
  /** The clock live looks are stamped with (the app's Clock port). */
  now?: () => Date;
  /** Overrides for tests; production uses IDENTITY_REPORTS_BUDGET with a 500 ms margin. */
  budget?: { limit: number; windowMs: number; marginMs?: number; reservedForInteractive?: number };
  attempts?: { interactive: number; background: number };
  maxBackoffMs?: number;
  /** Counts Graph requests by endpoint family and status. */
  metrics?: GraphMetrics;
  /** Longest Retry-After honoured before a call gives up (the setup check will not wait minutes). */
  maxRetryAfterMs?: number;
}

export interface GraphDirectoryParts {
  directory: GraphDirectory;
  budget: RequestBudget;
  requests: GraphRequester;
  /**
   * Gets an app token for Graph (the one the directory uses, from the cache while it is valid): proves the
   * credentials work without calling Graph, so it costs none of the reports budget.
   */
  token(): Promise<void>;
  /** Releases anything waiting for the budget (shutdown). */
  close(): void;
}

export function createGraphDirectory(settings: GraphDirectorySettings): GraphDirectoryParts {
  const budget = new RequestBudget({
    limit: settings.budget?.limit ?? IDENTITY_REPORTS_BUDGET.limit,
    windowMs: settings.budget?.windowMs ?? IDENTITY_REPORTS_BUDGET.windowMs,
    marginMs: settings.budget?.marginMs ?? 500,
    reservedForInteractive: settings.budget?.reservedForInteractive ?? 1,
  });
  const credential: TokenCredential = settings.credential ?? graphCredential(settings);
  const client = createGraphClient(
    { ...settings, maxRetries: 0, budget: { budget, applies: isIdentityReportsUrl } },
    credential,
  );
  const requests = new GraphRequester({
    client,
    budget,
    log: settings.log,
    attempts: settings.attempts,
    maxBackoffMs: settings.maxBackoffMs,
    metrics: settings.metrics,
    maxRetryAfterMs: settings.maxRetryAfterMs,
  });
  const directory = new GraphDirectory({
    requests,
    schoolDomains: settings.schoolDomains,
    log: settings.log,
    now: settings.now,
  });
  const token = async () => {
    if (!(await credential.getToken(GRAPH_SCOPE))) throw new Error('the token endpoint gave no token');
  };
  return { directory, budget, requests, token, close: () => budget.close() };
}
