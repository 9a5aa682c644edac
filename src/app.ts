/**
 * The composition root: builds every service from the configuration and wires them together, by
 * constructor injection. `index.ts` runs it as a process; tests can run it in-process.
 */
import type { AppConfig } from './config/env';
import { loadSchoolPolicy } from './config/loadSchoolPolicy';
import { ConversationService } from './conversation/conversationService';
import { openStores } from './adapters/storage';
import type { Logger } from './logging/logger';
import { systemClock, type Clock } from './ports/clock';
import { RetentionJob } from './conversation/retentionJob';
import { close, createHttpServer, listen } from './server/httpServer';
import { privacyPage, termsPage } from './server/legalPages';
import { createBotAdapter } from './teams/botAdapter';
import { messagesEndpoint } from './teams/messagesEndpoint';
import { SchoolBot } from './teams/schoolBot';
import { tenantGuard } from './teams/tenantGuard';
import { createGraphDirectory, type GraphDirectoryParts } from './adapters/graph/createGraphDirectory';
import { DemoDirectory } from './adapters/demo/demoDirectory';
import { StatusReplies } from './conversation/statusReplies';
import type { SchoolPolicy } from './domain/policy/schoolPolicy';
import type { Directory } from './ports/directory';
import { RegistrationStatusService } from './status/registrationStatusService';
import { BotMessenger } from './teams/botMessenger';

export interface RunningApp {
  port: number;
  stop(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
}

export async function startApp(
  config: AppConfig,
  log: Logger,
  options: AppOptions = {},
): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  const policy = loadSchoolPolicy(config.schoolConfigPath);
  const stores = await openStores(config, log);
  const { progress, references } = stores;

  const { directory, graph } = buildDirectory(config, policy, clock, log);
  const status = new RegistrationStatusService({
    directory,
    clock,
    log,
    options: { refreshEveryMs: config.status.reportRefreshMinutes * 60_000 },
  });
  const adapter = createBotAdapter(config, log);
  adapter.use(tenantGuard(config.tenantId, log));
  const messenger = new BotMessenger({ adapter, references, botAppId: config.bot.id ?? '', log });
  const statusReplies = new StatusReplies({
    status,
    followUps: stores.followUps,
    messenger,
    progress,
    policy,
    clock,
    log,
    inTurnWaitMs: config.status.inTurnWaitMs,
  });
  const conversation = new ConversationService({ policy, clock, progress, log, status: statusReplies });
  const bot = new SchoolBot({ conversation, references, clock, log });

  const retention = new RetentionJob({ progress, clock, log, retentionDays: policy.retention.days });
  retention.start();

  const server = createHttpServer({
    messages: messagesEndpoint(adapter, bot, log),
    health: () => ({ storage: config.storage.kind, directory: config.graph ? 'graph' : 'demo' }),
    pages: { '/privacy': privacyPage(policy), '/terms': termsPage(policy) },
    log,
  });
  const port = await listen(server, config.port, config.host);
  status.start();
  statusReplies.resumePending().catch((error: unknown) => {
    log.error({ err: { name: (error as Error).name } }, 'could not resume status follow-ups');
  });
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
      retention.stop();
      status.stop();
      await close(server);
      // Follow-ups still waiting for the Graph budget give up; the stored ones resume on the next start.
      graph?.close();
      await Promise.race([statusReplies.idle(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      stores.close();
    },
  };
}

/** Graph when credentials are configured; otherwise the demo school, said loudly in the log. */
function buildDirectory(
  config: AppConfig,
  policy: SchoolPolicy,
  clock: Clock,
  log: Logger,
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
