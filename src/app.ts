/**
 * The bot's HTTP face: the server (messages, health, readiness, legal pages) on the container's adapter and
 * services. The container (container.ts) builds everything; `index.ts` builds it and runs this as a process,
 * and tests run it in-process.
 */
import type { Stores } from './adapters/storage';
import type { GraphDirectoryParts } from './adapters/graph/createGraphDirectory';
import type { Container } from './container';
import { CampaignSection } from './features/itView/campaignSection';
import { mountItView } from './features/itView/itViewRoutes';
import { TabSignIn } from './features/itView/tabSignIn';
import type { NudgeScheduler } from './nudges/nudgeScheduler';
import { CLIENT_LIMITS } from './server/clientRateLimits';
import { close, createHttpServer, listen } from './server/httpServer';
import { privacyPage, termsPage } from './server/legalPages';
import { planningCheck, Readiness, type ReadinessCheck, type ReadinessOptions } from './server/readiness';
import { messagesEndpoint } from './teams/messagesEndpoint';

export interface RunningApp {
  port: number;
  /** Stops serving (turns in flight finish), then stops the container's jobs and closes its stores. */
  stop(): Promise<void>;
}

/** Longest the storage check of /readyz waits for its read. */
const READY_STORAGE_TIMEOUT_MS = 2000;

/** How the app is served beyond its configuration. */
export interface AppOptions {
  /** /readyz's timing (how long an answer is reused): the defaults unless a test needs shorter. */
  readiness?: ReadinessOptions;
}

/** Serves the container's bot on the configured host and port, then starts its background jobs. */
export async function startApp(container: Container, options: AppOptions = {}): Promise<RunningApp> {
  const { config, policy, log, stores, graph, scheduler, metrics, mailer } = container;
  if (config.unauthenticatedWithRealServices) {
    log.warn(
      { host: config.host },
      'ALLOW_UNAUTHENTICATED=1: real Graph or Azure Storage with no inbound authentication; anyone who can reach this port can act as any user (local tests only)',
    );
  }
  const readiness = new Readiness(readinessChecks(stores, graph, scheduler), options.readiness);
  const server = createHttpServer({
    messages: messagesEndpoint(container.adapter, container.bot, log, metrics),
    health: () => ({
      storage: config.storage.kind,
      directory: config.graph ? 'graph' : 'demo',
      mailer: mailer.kind,
    }),
    ready: () => readiness.answer(),
    pages: { '/privacy': privacyPage(policy), '/terms': termsPage(policy) },
    trustedProxyHops: config.trustedProxyHops,
    limits: { ...CLIENT_LIMITS, requestsPerMinute: config.requestsPerMinutePerClient },
    // IT's tab and its data (docs/it-view.md): Teams sign-on tokens checked against the tenant's published keys.
    mount: (routes) =>
      mountItView(routes, {
        signIn: new TabSignIn({
          authorityHost: config.authorityHost,
          tenantId: config.tenantId,
          audiences: config.tab.audiences,
          log,
        }),
        staff: container.itView.staff,
        progress: container.itView.progress,
        campaign: new CampaignSection({
          nudges: container.nudges?.service,
          escalations: container.stores.escalations,
          timeZone: policy.school.timeZone,
          log,
        }),
        log,
      }),
    log,
  });
  let port: number | undefined;
  try {
    container.supportCodeBox.ready();
    port = await listen(server, config.port, config.host);
    await container.start();
  } catch (error) {
    // Whatever had started (the port, some jobs) stops with it: nothing is left running after a failed start.
    if (port !== undefined) await close(server);
    await container.stop();
    throw error;
  }
  log.info(
    {
      host: config.host,
      port,
      auth: config.bot.id ? 'bot-framework' : 'none (loopback only)',
      tenantId: config.tenantId,
    },
    'listening on /api/messages',
  );

  return {
    port,
    async stop() {
      // No new turns; the ones in flight finish while the jobs and the stores are still there.
      await close(server);
      await container.stop();
    },
  };
}

/**
 * What /readyz checks: the storage answers a read; with Graph configured, a token can be had (from the cache
 * while valid: no Graph call, none of the reports budget); with the in-process campaign, planning is alive.
 */
function readinessChecks(
  stores: Stores,
  graph: GraphDirectoryParts | undefined,
  scheduler: NudgeScheduler | undefined,
): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    { name: 'storage', run: () => stores.ping(READY_STORAGE_TIMEOUT_MS).then(() => stores.kind) },
  ];
  if (graph) checks.push({ name: 'graphToken', run: () => graph.token() });
  if (scheduler) checks.push(planningCheck(() => scheduler.planningState()));
  return checks;
}
