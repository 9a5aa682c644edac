/**
 * The composition root: builds every service from the configuration and wires them together, by
 * constructor injection. `index.ts` runs it as a process; tests can run it in-process.
 */
import type { MeterProvider } from '@opentelemetry/api';
import type { AppConfig } from './config/env';
import { loadSchoolPolicy } from './config/loadSchoolPolicy';
import { ConversationService } from './conversation/conversationService';
import { openStores, type Stores } from './adapters/storage';
import type { GraphDirectoryParts } from './adapters/graph/createGraphDirectory';
import type { Logger } from './logging/logger';
import { systemClock, type Clock } from './ports/clock';
import { RetentionJob } from './conversation/retentionJob';
import { eraseLeavers } from './privacy/leavers';
import { PersonalDataService } from './privacy/personalData';
import { retentionPurges } from './privacy/retentionPurges';
import { CLIENT_LIMITS } from './server/clientRateLimits';
import { close, createHttpServer, listen } from './server/httpServer';
import { planningCheck, Readiness, type ReadinessCheck } from './server/readiness';
import { BotMetrics } from './telemetry/botMetrics';
import { privacyPage, termsPage } from './server/legalPages';
import { createBotAdapter } from './teams/botAdapter';
import { messagesEndpoint } from './teams/messagesEndpoint';
import { SchoolBot } from './teams/schoolBot';
import { tenantGuard } from './teams/tenantGuard';
import { buildDirectory } from './adapters/buildDirectory';
import { StatusReplies } from './features/status/statusReplies';
import { RegistrationStatusService } from './status/registrationStatusService';
import { botMessengerFor } from './teams/botMessenger';
import { NudgeReplies } from './features/campaign/nudgeReplies';
import { createNudges } from './nudges/createNudges';
import { NudgeScheduler } from './nudges/nudgeScheduler';
import { BotChannelPoster } from './teams/botChannelPoster';
import { supportCodeKey, SecretBox } from './adapters/crypto/secretBox';
import { DemoMailer } from './adapters/demo/demoMailer';
import { createGraphClient } from './adapters/graph/graphClient';
import { GraphMailer } from './adapters/graph/graphMailer';
import { STEP_TITLES } from './features/guide/guideWords';
import { channelEscalationCard, helpDeliveredCard, helpFailedCard } from './features/help/helpCards';
import { HelpReplies } from './features/help/helpReplies';
import { turnFailedText, viewContextAt } from './features/shared/wording';
import { EscalationOutbox } from './escalation/escalationOutbox';
import { EscalationService } from './escalation/escalationService';
import type { Mailer } from './ports/mailer';
import type { ConversationReferenceStore } from './ports/conversationReferenceStore';
import type { Escalation } from './ports/escalationStore';
import { SupportCodeService } from './supportCodes/supportCodeService';

/** Where a channel post goes when neither the policy nor the user's chat names a connector endpoint. */
const DEFAULT_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';
/**
 * Beyond the sendMail timeout, what a live attempt may still spend before it records its outcome: the token
 * (10 s at most) and the storage writes (15 s each). An attempt older than timeout + this was abandoned.
 */
const ABANDONED_MARGIN_MS = 60_000;

export interface RunningApp {
  port: number;
  stop(): Promise<void>;
}

/** Longest the storage check of /readyz waits for its read. */
const READY_STORAGE_TIMEOUT_MS = 2000;

export interface AppOptions {
  clock?: Clock;
  /**
   * Where the bot's metrics go. Default: the @opentelemetry/api global provider, the one global the bot uses
   * (Azure Monitor's when src/telemetry started it, else a no-op). Tests pass their own with an in-memory reader.
   */
  meterProvider?: MeterProvider;
  /** Called on stop while the stores are still open (the last export of the gauges reads them). */
  beforeStoresClose?: () => Promise<void>;
}

export async function startApp(
  config: AppConfig,
  log: Logger,
  options: AppOptions = {},
): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  if (config.unauthenticatedWithRealServices) {
    log.warn(
      { host: config.host },
      'ALLOW_UNAUTHENTICATED=1: real Graph or Azure Storage with no inbound authentication; anyone who can reach this port can act as any user (local tests only)',
    );
  }
  const policy = loadSchoolPolicy(config.schoolConfigPath);
  const stores = await openStores(config, log);
  const { progress, references } = stores;
  const metrics = new BotMetrics(options.meterProvider);

  const { directory, graph } = buildDirectory(config, policy, clock, log, metrics);
  const status = new RegistrationStatusService({
    directory,
    clock,
    log,
    options: { refreshEveryMs: config.status.reportRefreshMinutes * 60_000 },
  });
  const adapter = createBotAdapter(config, log, turnFailedText(policy));
  adapter.use(tenantGuard(config.tenantId, log));
  const messenger = botMessengerFor(config, adapter, references, log, metrics);
  // Nudge campaigns (docs/nudges.md): ledger, queue and planner lease in the configured storage.
  const nudges = createNudges({
    config,
    policy,
    stores,
    directory,
    graphRequests: graph?.requests,
    status,
    messenger,
    clock,
    log,
  });
  const statusReplies = new StatusReplies({
    status,
    followUps: stores.followUps,
    messenger,
    progress,
    policy,
    clock,
    log,
    inTurnWaitMs: config.status.inTurnWaitMs,
    // A live check that finds the user done stops their nudges at once, in every process.
    onComplete: nudges ? (userId) => nudges.service.noteRegistered(userId) : undefined,
  });

  // Escalations: stored first, mailed by the outbox. Mail goes to the desk, from SENDER_MAILBOX if set.
  const recipient = config.serviceDeskMailbox ?? policy.support.mailbox;
  const sender = config.senderMailbox ?? recipient;
  const escalationStore = stores.escalations;
  const mailer = buildMailer(config, log);
  const channel = policy.escalation.channel;
  let escalations: EscalationService | undefined = undefined;
  const outbox = new EscalationOutbox({
    store: escalationStore,
    mailer,
    compose: (escalation, options) => escalations!.compose(escalation, options),
    messenger,
    cards: {
      delivered: helpDeliveredCard,
      failed: (escalation) => helpFailedCard(escalation, viewContextAt(policy, clock.now())),
      channelCopy: channelEscalationCard,
    },
    clock,
    log,
    channel: channel && {
      poster: new BotChannelPoster({
        adapter,
        botAppId: config.bot.id ?? '',
        tenantId: config.tenantId,
        log,
      }),
      target: async (escalation: Escalation) => ({
        teamId: channel.teamId,
        channelId: channel.channelId,
        serviceUrl: channel.serviceUrl ?? (await serviceUrlOf(references, escalation.userId)),
      }),
    },
    options: {
      concurrency: config.mail.concurrency,
      // Azure: several instances share the outbox; an attempt is abandoned only after any live send's time.
      instances: stores.kind === 'azure' ? 'several' : 'one',
      abandonedAfterMs: config.mail.requestTimeoutMs + ABANDONED_MARGIN_MS,
    },
  });
  escalations = new EscalationService({
    store: escalationStore,
    outbox,
    directory,
    status,
    policy,
    clock,
    log,
    sender,
    recipient,
    stepTitle: (step) => STEP_TITLES[step],
    inTurnWaitMs: config.mail.inTurnWaitMs,
  });

  // Support codes: secrets sealed with SUPPORT_CODE_KEY (demo mode: a generated key in DATA_DIR).
  const key = supportCodeKey(config.supportCodeKey, config.dataDir);
  if (key.source !== 'environment') {
    log.warn(
      { keyFile: 'DATA_DIR/support-code.key', generated: key.source === 'generated' },
      'SUPPORT_CODE_KEY is not set: support-code secrets are sealed with a key kept in DATA_DIR (demo only)',
    );
  }
  const supportCodeStore = stores.supportCodes;
  const supportCodes = new SupportCodeService({
    store: supportCodeStore,
    escalations: escalationStore,
    directory,
    box: new SecretBox(key.key),
    policy,
    clock,
    log,
  });
  const help = new HelpReplies({ escalations, supportCodes, log });

  const conversation = new ConversationService({
    policy,
    clock,
    progress,
    log,
    status: statusReplies,
    help,
    nudges: nudges && new NudgeReplies({ snoozer: nudges.service, log }),
  });
  const bot = new SchoolBot({ conversation, references, clock, log });

  // Retention: each kind of record after its period, then the data of people who left the tenant.
  const personalData = new PersonalDataService(stores);
  const retention = new RetentionJob({
    purges: retentionPurges({
      policy,
      stores,
      demoMail: mailer instanceof DemoMailer ? mailer : undefined,
    }),
    // The demo school is not the tenant the users come from: it cannot say who has left.
    leavers: directory.kind === 'graph' ? () => eraseLeavers({ directory, personalData, log }) : undefined,
    afterPass: () => stores.flushDeleted(),
    clock,
    log,
  });
  retention.start();

  const scheduler =
    nudges && config.nudgeScheduler
      ? new NudgeScheduler({
          planner: nudges.planner,
          worker: nudges.worker,
          log,
          everyMs: config.nudges.planEveryMs,
        })
      : undefined;
  // Gauges sampled at each metrics collection, not per change.
  metrics.observe({
    nudgeQueueDepth: nudges ? () => stores.nudgeQueue.approximateCount() : undefined,
    escalationsByState: () => escalationStore.countByState(),
  });
  const readiness = new Readiness(readinessChecks(stores, graph, scheduler));

  const server = createHttpServer({
    messages: messagesEndpoint(adapter, bot, log, metrics),
    health: () => ({
      storage: config.storage.kind,
      directory: config.graph ? 'graph' : 'demo',
      mailer: mailer.kind,
    }),
    ready: () => readiness.answer(),
    pages: { '/privacy': privacyPage(policy), '/terms': termsPage(policy) },
    trustedProxyHops: config.trustedProxyHops,
    limits: { ...CLIENT_LIMITS, requestsPerMinute: config.requestsPerMinutePerClient },
    log,
  });
  const port = await listen(server, config.port, config.host);
  status.start();
  scheduler?.start();
  statusReplies.resumePending().catch((error: unknown) => {
    log.error({ err: { name: (error as Error).name } }, 'could not resume status follow-ups');
  });
  await outbox.start();
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
      await retention.stop();
      status.stop();
      await close(server);
      await scheduler?.stop();
      // Follow-ups still waiting for the Graph budget give up; the stored ones resume on the next start.
      graph?.close();
      await Promise.race([statusReplies.idle(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      // A send in flight gets a moment to finish; one cut off is resent on the next start.
      await outbox.stop(5000);
      await options.beforeStoresClose?.();
      metrics.stopObserving();
      stores.close();
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

/** The Graph mailer when credentials are configured; otherwise mails are written into DATA_DIR. */
function buildMailer(config: AppConfig, log: Logger): Mailer {
  if (!config.graph) return new DemoMailer(config.dataDir, log);
  const client = createGraphClient({
    tenantId: config.tenantId,
    clientId: config.graph.clientId,
    clientSecret: config.graph.clientSecret,
    baseUrl: config.graphBaseUrl,
    authorityHost: config.authorityHost,
    requestTimeoutMs: config.mail.requestTimeoutMs,
    // The outbox retries, after recording each attempt: the client must not resend behind its back.
    maxRetries: 0,
  });
  return new GraphMailer(client, log);
}

/** The connector endpoint of the user's own chat (same region as the school's teams). */
async function serviceUrlOf(references: ConversationReferenceStore, userId: string): Promise<string> {
  return (await references.get(userId))?.serviceUrl ?? DEFAULT_SERVICE_URL;
}
