/**
 * The composition root: builds every service from the configuration and wires them together, by
 * constructor injection. `index.ts` runs it as a process; tests can run it in-process.
 */
import type { AppConfig } from './config/env';
import { loadSchoolPolicy } from './config/loadSchoolPolicy';
import { ConversationService } from './conversation/conversationService';
import { SqliteConversationReferenceStore } from './adapters/sqlite/sqliteConversationReferenceStore';
import { SqliteDatabase } from './adapters/sqlite/sqliteDatabase';
import { SqliteUserProgressStore } from './adapters/sqlite/sqliteUserProgressStore';
import type { Logger } from './logging/logger';
import { systemClock, type Clock } from './ports/clock';
import { RetentionJob } from './conversation/retentionJob';
import { close, createHttpServer, listen } from './server/httpServer';
import { privacyPage, termsPage } from './server/legalPages';
import { createBotAdapter } from './teams/botAdapter';
import { messagesEndpoint } from './teams/messagesEndpoint';
import { SchoolBot } from './teams/schoolBot';
import { tenantGuard } from './teams/tenantGuard';
import { ConfigError } from './config/env';
import { buildDirectory } from './adapters/buildDirectory';
import { SqliteStatusFollowUpStore } from './adapters/sqlite/sqliteStatusFollowUpStore';
import { StatusReplies } from './conversation/statusReplies';
import { RegistrationStatusService } from './status/registrationStatusService';
import { botMessengerFor } from './teams/botMessenger';
import { NudgeReplies } from './conversation/nudgeReplies';
import { createNudges } from './nudges/createNudges';
import { NudgeScheduler } from './nudges/nudgeScheduler';

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
  if (config.storage.kind !== 'sqlite') {
    throw new ConfigError(['STORAGE=azure is not available in this version; use STORAGE=sqlite']);
  }

  const database = SqliteDatabase.open(config.dataDir);
  const progress = new SqliteUserProgressStore(database);
  const references = new SqliteConversationReferenceStore(database);

  const { directory, graph } = buildDirectory(config, policy, clock, log);
  const status = new RegistrationStatusService({
    directory,
    clock,
    log,
    options: { refreshEveryMs: config.status.reportRefreshMinutes * 60_000 },
  });
  const adapter = createBotAdapter(config, log);
  adapter.use(tenantGuard(config.tenantId, log));
  const messenger = botMessengerFor(config, adapter, references, log);
  const nudges = createNudges({
    config,
    policy,
    database,
    directory,
    graphRequests: graph?.requests,
    status,
    references,
    progress,
    messenger,
    clock,
    log,
  });
  const statusReplies = new StatusReplies({
    status,
    followUps: new SqliteStatusFollowUpStore(database),
    messenger,
    progress,
    policy,
    clock,
    log,
    inTurnWaitMs: config.status.inTurnWaitMs,
    // A live check that finds the user done stops their nudges at once, in every process.
    onComplete: nudges ? (userId) => nudges.service.noteRegistered(userId) : undefined,
  });
  const conversation = new ConversationService({
    policy,
    clock,
    progress,
    log,
    status: statusReplies,
    nudges: nudges && new NudgeReplies({ snoozer: nudges.service, log }),
  });
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
  const scheduler =
    nudges && config.nudgeScheduler
      ? new NudgeScheduler({
          planner: nudges.planner,
          worker: nudges.worker,
          log,
          everyMs: config.nudges.planEveryMs,
        })
      : undefined;
  scheduler?.start();
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
      await scheduler?.stop();
      // Follow-ups still waiting for the Graph budget give up; the stored ones resume on the next start.
      graph?.close();
      await Promise.race([statusReplies.idle(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      database.close();
    },
  };
}
