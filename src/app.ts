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

  const conversation = new ConversationService({ policy, clock, progress, log });
  const adapter = createBotAdapter(config, log);
  adapter.use(tenantGuard(config.tenantId, log));
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
      await close(server);
      database.close();
    },
  };
}
