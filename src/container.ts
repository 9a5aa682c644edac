/**
 * The composition root: builds every service of the bot once, from the configuration, by constructor
 * injection, in dependency order (no forward references), and owns the background jobs. The bot process
 * (index.ts, then app.ts for HTTP), `npm run nudge` and the test rigs all build it here; overrides swap what
 * a test or a tool must (the clock, the directory, the messenger, the mailer, the stores …).
 */
import type { CloudAdapter } from 'botbuilder';
import type { MeterProvider } from '@opentelemetry/api';
import { buildDirectory } from './adapters/buildDirectory';
import { buildTemporaryAccessPasses } from './adapters/buildTemporaryAccessPasses';
import { supportCodeKey, SecretBox } from './adapters/crypto/secretBox';
import { DemoMailer } from './adapters/demo/demoMailer';
import type { GraphDirectoryParts } from './adapters/graph/createGraphDirectory';
import { createGraphClient } from './adapters/graph/graphClient';
import { GraphMailer } from './adapters/graph/graphMailer';
import { openSendWindow, openStores, type Stores } from './adapters/storage';
import { newWorkerId } from './nudges/workerProcess';
import type { SendWindow } from './ports/sendWindow';
import { SendBudget } from './sending/sendBudget';
import type { AppConfig } from './config/env';
import { loadSchoolPolicy } from './config/loadSchoolPolicy';
import { BASE_LOCALE, packageCatalogues, type Catalogues } from './i18n/catalogue';
import { ConversationService } from './conversation/conversationService';
import { STEP_TITLES } from './features/guide/guideWords';
import { channelEscalationCard, helpDeliveredCard, helpFailedCard } from './features/help/helpCards';
import { HelpReplies } from './features/help/helpReplies';
import { createItView, type ItViewParts } from './features/itView/createItView';
import { NudgeReplies } from './features/campaign/nudgeReplies';
import { CardRefreshReplies } from './features/cardRefresh/cardRefreshReplies';
import { RetentionJob } from './conversation/retentionJob';
import { StatusReplies } from './features/status/statusReplies';
import { turnFailedText, viewContextAt } from './features/shared/wording';
import type { SchoolPolicy } from './domain/policy/schoolPolicy';
import { EscalationMailComposer } from './escalation/escalationMailComposer';
import { EscalationOutbox, type OutboxOptions } from './escalation/escalationOutbox';
import { EscalationService } from './escalation/escalationService';
import { createLogger, type Logger } from './logging/logger';
import { createNudges, type NudgeParts } from './nudges/createNudges';
import { EmailChecks } from './nudges/emailChecks';
import { NudgeScheduler } from './nudges/nudgeScheduler';
import { systemClock, type Clock } from './ports/clock';
import type { ConversationReferenceStore } from './ports/conversationReferenceStore';
import type { Directory } from './ports/directory';
import type { Escalation } from './ports/escalationStore';
import type { Mailer } from './ports/mailer';
import type { Messenger } from './ports/messenger';
import type { TemporaryAccessPassIssuer } from './ports/temporaryAccessPasses';
import { eraseLeavers } from './privacy/leavers';
import { PersonalDataService } from './privacy/personalData';
import { retentionPurges } from './privacy/retentionPurges';
import {
  RegistrationStatusService,
  type RegistrationStatusOptions,
} from './status/registrationStatusService';
import { SupportCodeService } from './supportCodes/supportCodeService';
import { TemporaryAccessPassService } from './supportCodes/temporaryAccessPassService';
import { TemporaryAccessPassReplies } from './features/supportCodes/temporaryAccessPassReplies';
import { BotMetrics } from './telemetry/botMetrics';
import { createBotAdapter } from './teams/botAdapter';
import { BotChannelPoster } from './teams/botChannelPoster';
import { botMessengerFor } from './teams/botMessenger';
import { SchoolBot } from './teams/schoolBot';
import { tenantGuard } from './teams/tenantGuard';

/** Where a channel post goes when neither the policy nor the user's chat names a connector endpoint. */
const DEFAULT_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';
/**
 * Beyond the sendMail timeout, what a live attempt may still spend before it records its outcome: the token
 * (10 s at most) and the storage writes (15 s each). An attempt older than timeout + this was abandoned.
 */
const ABANDONED_MARGIN_MS = 60_000;
/** On stop, how long status follow-ups and the outbox's sends in flight each get to finish. */
const STOP_GRACE_MS = 5000;

/** What a test or a tool may put in place of what the configuration would build. */
export interface ContainerOverrides {
  /** Default: JSON lines on stdout at LOG_LEVEL. */
  log?: Logger;
  /** Default: the system clock. Campaign tests move theirs by days. */
  clock?: Clock;
  /** Default: read from SCHOOL_CONFIG. */
  policy?: SchoolPolicy;
  /** Stores already open (a test's own places, or queue clocks). Default: the configured storage. */
  stores?: Stores;
  /** Default: Graph when credentials are configured, else the demo school (see buildDirectory). */
  directory?: { directory: Directory; graph?: GraphDirectoryParts };
  /** Default: proactive messages through the bot's adapter. */
  messenger?: Messenger;
  /** The send budget's tickets. Default: the configured storage's (openSendWindow). */
  sendWindow?: SendWindow;
  /** Default: Graph's sendMail when Graph is configured, else mails written into DATA_DIR. */
  mailer?: Mailer;
  /** Default: Graph's Temporary Access Pass when the directory is Graph, else the demo issuer. */
  passIssuer?: TemporaryAccessPassIssuer;
  /** Where the metrics go. Default: the @opentelemetry/api global provider (Azure Monitor's, or a no-op). */
  meterProvider?: MeterProvider;
  /** Default: the report re-read every STATUS_REPORT_REFRESH_MINUTES. */
  statusOptions?: RegistrationStatusOptions;
  /** Laid over the configured outbox options (tests shorten the backoff). */
  outboxOptions?: OutboxOptions;
  /** False: no campaign in this process, whatever the policy says (the conversation harness has none). */
  nudges?: false;
  /** Called on stop while the stores are still open (the last export of the gauges reads them). */
  beforeStoresClose?: () => Promise<void>;
  /** Default: the package's `locales/`, read and parsed here (a broken message stops the start). */
  catalogues?: Catalogues;
}

/** A timer-driven part of the bot: started once the process serves, stopped before the stores close. */
interface BackgroundJob {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface Container {
  config: AppConfig;
  policy: SchoolPolicy;
  clock: Clock;
  log: Logger;
  stores: Stores;
  directory: Directory;
  /** The Graph directory's parts (budget, requester, token) when Graph is configured. */
  graph?: GraphDirectoryParts;
  metrics: BotMetrics;
  /** The Bot Framework adapter: inbound turns (app.ts) and proactive sends share it. */
  adapter: CloudAdapter;
  /** The app's Teams send budget every connector request of this process waits in. */
  sendBudget: SendBudget;
  messenger: Messenger;
  mailer: Mailer;
  status: RegistrationStatusService;
  statusReplies: StatusReplies;
  /** The campaign's parts, when the policy has a campaign section. */
  nudges?: NudgeParts;
  /** The in-process campaign timer, when NUDGE_SCHEDULER is on. */
  scheduler?: NudgeScheduler;
  outbox: EscalationOutbox;
  escalations: EscalationService;
  supportCodes: SupportCodeService;
  /** Seals support-code secrets; its key is read on first use (`ready()` reads it at once). */
  supportCodeBox: SecretBox;
  /** The desk's Temporary Access Pass (grants in the configured storage; the pass itself is never kept). */
  passes: TemporaryAccessPassService;
  /** IT's view: who is IT staff, and the school's progress figures (chat card, tab, daily trend). */
  itView: ItViewParts;
  conversation: ConversationService;
  bot: SchoolBot;
  retention: RetentionJob;
  /** The background jobs' names, in the order `start` starts them (and `stop` stops them). */
  jobs: readonly string[];
  /** Starts every background job. */
  start(): Promise<void>;
  /** Stops the jobs that were started, then releases the directory and closes the stores (once). */
  stop(): Promise<void>;
  /**
   * Stops at once, as a killed process would (tests that restart the bot in a turn's gap): no grace for sends
   * in flight, nothing awaited; then the same releases as `stop`.
   */
  kill(): void;
}

/** Opens the configured storage (unless given), then builds the container on it. */
export async function createContainer(
  config: AppConfig,
  overrides: ContainerOverrides = {},
): Promise<Container> {
  const log = overrides.log ?? createLogger(config.logLevel);
  // The policy first: a policy file in error stops the start before any storage is opened.
  const policy = overrides.policy ?? loadSchoolPolicy(config.schoolConfigPath);
  if (overrides.stores)
    return buildContainer(config, { ...overrides, log, policy, stores: overrides.stores });
  const stores = await openStores(config, log);
  try {
    return buildContainer(config, { ...overrides, log, policy, stores });
  } catch (error) {
    stores.close();
    throw error;
  }
}

/** Builds the container on stores already open (synchronous: the conversation harness rebuilds in a turn's gap). */
export function buildContainer(
  config: AppConfig,
  overrides: ContainerOverrides & { stores: Stores },
): Container {
  const { stores } = overrides;
  const log = overrides.log ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const policy = overrides.policy ?? loadSchoolPolicy(config.schoolConfigPath);
  const catalogues = overrides.catalogues ?? packageCatalogues(policy.school.timeZone);
  const { progress, references } = stores;
  const metrics = new BotMetrics(overrides.meterProvider);

  const { directory, graph } = overrides.directory ?? buildDirectory(config, policy, clock, log, metrics);
  const status = new RegistrationStatusService({
    directory,
    clock,
    log,
    options: overrides.statusOptions ?? { refreshEveryMs: config.status.reportRefreshMinutes * 60_000 },
  });

  // One Teams send budget for every request this process makes to the connector, shared with the other
  // processes that send for the app: pupils' replies first, then follow-ups, then the campaign.
  const sendWindow = overrides.sendWindow ?? openSendWindow(config);
  const sendBudget = new SendBudget(sendWindow, {
    log,
    holder: newWorkerId(),
    rule: { campaignMost: config.nudges.sendsPerSecond },
    metrics,
  });
  // A failed turn is answered in the language Teams reports: the remembered choice is in the storage that may
  // be what failed.
  const adapter = createBotAdapter(
    config,
    log,
    (locale) => turnFailedText(policy, catalogues.translatorFor(catalogues.localeOf(undefined, locale))),
    sendBudget,
  );
  adapter.use(tenantGuard(config.tenantId, log));
  // Every proactive send (nudges, status follow-ups, escalation notices) goes through this one messenger:
  // a send budget shared by all of them wraps it here.
  const messenger = overrides.messenger ?? botMessengerFor(config, adapter, references, log, metrics);

  // Nudge campaigns (docs/nudges.md): ledger, queue and planner lease in the configured storage.
  const nudges =
    overrides.nudges === false
      ? undefined
      : createNudges({
          config,
          policy,
          stores,
          directory,
          graphRequests: graph?.requests,
          status,
          messenger,
          sendBudget,
          catalogues,
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
    catalogues,
    inTurnWaitMs: config.status.inTurnWaitMs,
    // A live check that finds the user done stops their nudges at once, in every process.
    onComplete: nudges ? (userId) => nudges.service.noteRegistered(userId) : undefined,
  });

  // Escalations: stored first, mailed by the outbox. Mail goes to the desk, from SENDER_MAILBOX if set.
  const recipient = config.serviceDeskMailbox ?? policy.support.mailbox;
  const sender = config.senderMailbox ?? recipient;
  const mailer = overrides.mailer ?? buildMailer(config, log);
  const channel = policy.escalation.channel;
  const languageOf = (escalation: Escalation) =>
    catalogues.translatorFor(catalogues.localeOf(escalation.language, undefined));
  const composer = new EscalationMailComposer({
    directory,
    status,
    policy,
    clock,
    sender,
    recipient,
    stepTitle: (step) => STEP_TITLES[step],
    languageName: (locale) => catalogues.catalogue(locale)?.name,
  });
  const outbox = new EscalationOutbox({
    store: stores.escalations,
    mailer,
    compose: (escalation, options) => composer.compose(escalation, options),
    messenger,
    // The user's notices in the language they asked in; the IT channel's copy in the school's, as the mail.
    cards: {
      delivered: (escalation) => helpDeliveredCard(escalation, languageOf(escalation)),
      failed: (escalation) =>
        helpFailedCard(escalation, viewContextAt(policy, clock.now(), undefined, languageOf(escalation))),
      channelCopy: (escalation) => channelEscalationCard(escalation, catalogues.translatorFor(BASE_LOCALE)),
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
      ...overrides.outboxOptions,
    },
  });
  const escalations = new EscalationService({
    store: stores.escalations,
    outbox,
    policy,
    clock,
    log,
    inTurnWaitMs: config.mail.inTurnWaitMs,
  });

  // Support codes: secrets sealed with SUPPORT_CODE_KEY (demo mode: a generated key in DATA_DIR).
  // Read on first use, so `npm run nudge` (which seals nothing) neither reads nor makes a key file.
  const supportCodeBox = new SecretBox(() => {
    const key = supportCodeKey(config.supportCodeKey, config.dataDir);
    if (key.source !== 'environment') {
      log.warn(
        { keyFile: 'DATA_DIR/support-code.key', generated: key.source === 'generated' },
        'SUPPORT_CODE_KEY is not set: support-code secrets are sealed with a key kept in DATA_DIR (demo only)',
      );
    }
    return key.key;
  });
  const supportCodes = new SupportCodeService({
    store: stores.supportCodes,
    escalations: stores.escalations,
    directory,
    box: supportCodeBox,
    policy,
    clock,
    log,
  });
  // The desk's Temporary Access Pass: desk membership as the support codes answer it (one cache).
  const passes = new TemporaryAccessPassService({
    grants: stores.temporaryAccessPasses,
    issuer: overrides.passIssuer ?? buildTemporaryAccessPasses(graph, clock, log),
    desk: supportCodes,
    directory,
    policy,
    clock,
    log,
  });
  const help = new HelpReplies({ escalations, supportCodes, passes, log });

  // IT's view (docs/it-view.md): figures from the report the status service holds, one listing per group.
  const emailChecks = nudges && new EmailChecks(nudges.deps);
  const itView = createItView({
    config,
    policy,
    directory,
    status,
    days: stores.progressDays,
    clock,
    log,
    emailChecks: emailChecks && (() => emailChecks.all()),
  });

  const conversation = new ConversationService({
    policy,
    clock,
    progress,
    log,
    catalogues,
    status: statusReplies,
    help,
    nudges: nudges && new NudgeReplies({ snoozer: nudges.service, log }),
    cardRefresh: new CardRefreshReplies({ status, nudges: nudges?.service, clock, log }),
    passes: new TemporaryAccessPassReplies({
      passes,
      desk: supportCodes,
      settings: policy.temporaryAccessPass,
      log,
    }),
    itView: itView.replies,
  });
  const bot = new SchoolBot({ conversation, references, clock, log, cardRefresh: config.cardRefresh });

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
    escalationsByState: () => stores.escalations.countByState(),
  });

  // Started in this order, stopped in the same order: the timers first, the sends in flight last.
  const jobs: BackgroundJob[] = [
    { name: 'retention', start: () => retention.start(), stop: () => retention.stop() },
    { name: 'reportRefresh', start: () => status.start(), stop: () => status.stop() },
    {
      name: 'progressSnapshots',
      start: () => itView.snapshots.start(),
      stop: () => itView.snapshots.stop(),
    },
    ...(scheduler
      ? [{ name: 'nudgeScheduler', start: () => scheduler.start(), stop: () => scheduler.stop() }]
      : []),
    {
      name: 'statusFollowUps',
      start: () => {
        statusReplies.resumePending().catch((error: unknown) => {
          log.error({ err: { name: (error as Error).name } }, 'could not resume status follow-ups');
        });
      },
      stop: async () => {
        // Follow-ups still waiting for the Graph budget give up; the stored ones resume on the next start.
        graph?.close();
        await Promise.race([statusReplies.idle(), delay(STOP_GRACE_MS)]);
      },
    },
    // A send in flight gets a moment to finish; one cut off is resent on the next start.
    { name: 'escalationOutbox', start: () => outbox.start(), stop: () => outbox.stop(STOP_GRACE_MS) },
  ];
  const started: BackgroundJob[] = [];
  let stopped = false;

  return {
    config,
    policy,
    clock,
    log,
    stores,
    directory,
    graph,
    metrics,
    adapter,
    messenger,
    sendBudget,
    mailer,
    status,
    statusReplies,
    nudges,
    scheduler,
    outbox,
    escalations,
    supportCodes,
    supportCodeBox,
    passes,
    itView,
    conversation,
    bot,
    retention,
    jobs: jobs.map((job) => job.name),
    async start() {
      for (const job of jobs) {
        if (started.includes(job)) continue;
        started.push(job);
        await job.start();
      }
    },
    async stop() {
      // A signal during a stop, or a test's clean-up after one, finds the stores closed already.
      if (stopped) return;
      stopped = true;
      for (const job of started.splice(0)) await job.stop();
      graph?.close();
      await overrides.beforeStoresClose?.();
      metrics.stopObserving();
      sendBudget.close();
      sendWindow.close();
      stores.close();
    },
    kill() {
      if (stopped) return;
      stopped = true;
      void outbox.stop(0);
      status.stop();
      graph?.close();
      metrics.stopObserving();
      sendBudget.close();
      sendWindow.close();
      stores.close();
    },
  };
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
