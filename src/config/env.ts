/**
 * The configuration contract: environment variables only, parsed and validated once at start. A bad value
 * stops the bot with a message that names the variable, before anything listens.
 */
import path from 'node:path';
import { z } from 'zod';

/** The embedded sample policy for the seed's school, used when SCHOOL_CONFIG is not set. */
export const SAMPLE_SCHOOL_CONFIG = path.resolve(__dirname, '..', '..', 'config', 'kscs.school.yaml');

/** Tenant id of the built-in demo school; the Agents Playground identity file uses the same one. */
export const DEMO_TENANT_ID = '5c4f0d3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f';

const guid = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
  );
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s):// address' });
/** Empty strings count as unset: Teams Toolkit writes `VAR=` for values it has not filled in yet. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const envSchema = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)).default(3978),
  HOST: optional(z.string()).default('127.0.0.1'),
  /**
   * Reverse proxies in front of the bot whose X-Forwarded-For is believed (App Service's front end: 1). Only
   * for rate limits; 0 counts every client by the socket's address.
   */
  TRUSTED_PROXY_HOPS: optional(z.coerce.number().int().min(0).max(3)).default(0),
  /** Every request one client address may make per minute: a flood guard, far above genuine traffic. */
  HTTP_REQUESTS_PER_MINUTE_PER_CLIENT: optional(z.coerce.number().int().min(600).max(10_000_000)).default(
    30_000,
  ),
  BOT_ID: optional(guid),
  BOT_PASSWORD: optional(z.string()),
  BOT_TYPE: optional(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'])).default('SingleTenant'),
  BOT_TENANT_ID: optional(guid),
  TENANT_ID: optional(guid),
  /** Where inbound Bot Framework tokens' signing keys are published; only for sovereign clouds and tests. */
  BOT_OPENID_METADATA: optional(z.url({ protocol: /^https$/, error: 'must be an https:// address' })),
  /** Where the bot's outbound Bot Framework tokens come from; only for sovereign clouds and tests. */
  BOT_AUTHORITY_HOST: optional(z.url({ protocol: /^https$/, error: 'must be an https:// address' })),
  /** The bot's public host name (the app's `api://<BOT_DOMAIN>/<app id>` is what the IT tab's sign-in tokens are for). */
  BOT_DOMAIN: optional(
    z
      .string()
      .regex(
        /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/i,
        'must be a host name such as mfa-buddy.azurewebsites.net (no https://, no path)',
      ),
  ),
  GRAPH_CLIENT_ID: optional(guid),
  GRAPH_CLIENT_SECRET: optional(z.string()),
  GRAPH_BASE_URL: optional(httpUrl).default('https://graph.microsoft.com'),
  AZURE_AUTHORITY_HOST: optional(httpUrl).default('https://login.microsoftonline.com'),
  SERVICE_DESK_MAILBOX: optional(z.email()),
  SENDER_MAILBOX: optional(z.email()),
  SCHOOL_CONFIG: optional(z.string()).default(SAMPLE_SCHOOL_CONFIG),
  DATA_DIR: optional(z.string()).default('./data'),
  SUPPORT_CODE_KEY: optional(
    z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hexadecimal characters (32 bytes)'),
  ),
  NUDGE_SCHEDULER: optional(z.enum(['on', 'off'])).default('on'),
  CARD_REFRESH: optional(z.enum(['on', 'off'])).default('off'),
  STORAGE: optional(z.enum(['sqlite', 'azure'])).default('sqlite'),
  AZURE_STORAGE_CONNECTION_STRING: optional(z.string()),
  /** Prefix of the bot's tables in the storage account, so several schools or test runs can share one. */
  AZURE_STORAGE_PREFIX: optional(
    z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,40}$/, 'must be letters and digits, starting with a letter'),
  ).default('mfabuddy'),
  STATUS_IN_TURN_WAIT_MS: optional(z.coerce.number().int().min(100).max(10_000)).default(3000),
  STATUS_REPORT_REFRESH_MINUTES: optional(z.coerce.number().int().min(0).max(1440)).default(60),
  GRAPH_REQUEST_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(120_000)).default(10_000),
  /** The Teams app's manifest id: campaigns install the app for users who never opened it. */
  TEAMS_APP_ID: optional(guid),
  /** The IT app's manifest id (appPackage/it): the chat card's button opens its IT progress tab. */
  TEAMS_IT_APP_ID: optional(guid),
  /** The app's id in the org catalog (skips the catalog look-up and its AppCatalog.Read.All permission). */
  TEAMS_APP_CATALOG_ID: optional(z.string().min(1).max(200)),
  /** The connector for chats known only by id (Teams' global proactive endpoint). */
  TEAMS_SERVICE_URL: optional(httpUrl).default('https://smba.trafficmanager.net/teams/'),
  /** Requests the whole app may have arrive at Teams in any second (Teams: 50 per app per tenant). */
  TEAMS_SENDS_PER_SECOND: optional(z.coerce.number().int().min(2).max(1000)).default(50),
  NUDGE_SENDS_PER_SECOND: optional(z.coerce.number().min(1).max(1000)).default(49),
  /** Azure Storage: how far the instances' clocks may differ; widens the send budget's window (docs/sending.md). */
  TEAMS_SEND_CLOCK_MARGIN_MS: optional(z.coerce.number().int().min(0).max(1000)).default(25),
  NUDGE_CONCURRENCY: optional(z.coerce.number().int().min(1).max(64)).default(16),
  NUDGE_VISIBILITY_TIMEOUT_SECONDS: optional(z.coerce.number().int().min(1).max(3600)).default(60),
  NUDGE_INSTALL_WAIT_SECONDS: optional(z.coerce.number().int().min(0).max(600)).default(30),
  NUDGE_RECHECK_MINUTES: optional(z.coerce.number().int().min(1).max(1440)).default(15),
  NUDGE_SEND_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(120_000)).default(15_000),
  NUDGE_PLAN_EVERY_SECONDS: optional(z.coerce.number().int().min(1).max(3600)).default(60),
  /** How long the planner lease lasts unrenewed: a dead planner's pass is taken over after at most this. */
  NUDGE_PLANNER_LEASE_SECONDS: optional(z.coerce.number().int().min(15).max(60)).default(60),
  ESCALATION_IN_TURN_WAIT_MS: optional(z.coerce.number().int().min(0).max(10_000)).default(2500),
  MAIL_REQUEST_TIMEOUT_MS: optional(z.coerce.number().int().min(1000).max(120_000)).default(30_000),
  MAIL_CONCURRENCY: optional(z.coerce.number().int().min(1).max(4)).default(2),
  /** `1` lets real Graph or Azure Storage run with no BOT_ID (loopback only): local tests against stand-ins. */
  ALLOW_UNAUTHENTICATED: optional(z.enum(['0', '1'])).default('0'),
  /**
   * Application Insights: when set, metrics (and incoming requests) go to Azure Monitor (src/telemetry). Holds an
   * ingestion key, so it is never echoed.
   */
  APPLICATIONINSIGHTS_CONNECTION_STRING: optional(
    z
      .string()
      .regex(
        /(^|;)\s*InstrumentationKey\s*=\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*(;|$)/i,
        'must be an Application Insights connection string (InstrumentationKey=<GUID>;IngestionEndpoint=https://…)',
      ),
  ),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info'),
});

/** The validated configuration. Secrets stay in here and are never logged. */
export interface AppConfig {
  port: number;
  host: string;
  /** How many reverse proxies' X-Forwarded-For entries identify a client for the rate limits. */
  trustedProxyHops: number;
  /** The per-client ceiling on every request (HTTP_REQUESTS_PER_MINUTE_PER_CLIENT). */
  requestsPerMinutePerClient: number;
  bot: {
    id?: string;
    password?: string;
    type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId?: string;
    openIdMetadataUrl?: string;
    /** The login host for outbound tokens when not the public cloud's (BOT_AUTHORITY_HOST). */
    authorityHost?: string;
  };
  /** The school's tenant: activities from any other tenant get no service. */
  tenantId: string;
  /** Present when Graph credentials are set; absent means the built-in demo directory. */
  graph?: { clientId: string; clientSecret: string };
  graphBaseUrl: string;
  authorityHost: string;
  /**
   * The IT tab's single sign-on: the Entra app the Teams manifest names in webApplicationInfo (GRAPH_CLIENT_ID,
   * else BOT_ID) and the audiences its tokens may carry (that id, and `api://BOT_DOMAIN/<id>`). No app id: the
   * tab's data routes refuse everyone. `teamsAppId` is the manifest id of the Teams app that has the tab (MFA
   * Buddy IT, TEAMS_IT_APP_ID), which links to the tab open.
   */
  tab: { appId?: string; audiences: string[]; teamsAppId?: string };
  serviceDeskMailbox?: string;
  senderMailbox?: string;
  schoolConfigPath: string;
  dataDir: string;
  supportCodeKey?: Buffer;
  nudgeScheduler: boolean;
  /**
   * Status and nudge cards refresh themselves when opened again (Universal Actions; card version 1.5, which the
   * Teams phone app may not render). Off: 1.2 cards, brought up to date in place when someone is done.
   */
  cardRefresh: boolean;
  /** Campaign delivery (docs/nudges.md). */
  nudges: {
    teamsAppId?: string;
    catalogId?: string;
    serviceUrl: string;
    sendsPerSecond: number;
    concurrency: number;
    visibilityTimeoutMs: number;
    installWaitMs: number;
    recheckMs: number;
    sendTimeoutMs: number;
    planEveryMs: number;
    plannerLeaseMs: number;
  };
  storage: { kind: 'sqlite' } | { kind: 'azure'; connectionString: string; prefix: string };
  /** The app's Teams send budget: requests per second for every process that sends for it (docs/sending.md). */
  teamsSendsPerSecond: number;
  /** Azure Storage: added to the budget's window, for the instances' clocks that differ (docs/sending.md). */
  teamsSendClockMarginMs: number;
  /** Registration status: how long a turn waits for Graph, and how often the report is re-read (0 = never). */
  status: { inTurnWaitMs: number; reportRefreshMinutes: number };
  /** Timeout of one Graph request (each attempt). */
  graphRequestTimeoutMs: number;
  /**
   * Escalation mail: how long a turn waits for the first send, the timeout of one sendMail (long, because a
   * timed-out send is retried and might then arrive twice), and sends at once (Exchange allows 4 per mailbox).
   */
  mail: { inTurnWaitMs: number; requestTimeoutMs: number; concurrency: number };
  logLevel: string;
  /** Azure Monitor's connection string; absent means no telemetry leaves the process. */
  telemetry?: { connectionString: string };
  /**
   * True when real Graph or Azure Storage runs with no inbound authentication (ALLOW_UNAUTHENTICATED=1, loopback
   * only): anyone who can reach the port can act as any user, so every start warns.
   */
  unauthenticatedWithRealServices: boolean;
}

/** A configuration problem, naming the variable(s) at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration error:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Parses `env` (normally process.env) into AppConfig, or throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? 'environment');
        const raw = env[name];
        // Echo the bad value only for variables that cannot hold secrets.
        const shown =
          raw !== undefined && !/PASSWORD|SECRET|KEY|CONNECTION/.test(name) ? ` (got "${raw}")` : '';
        return `${name} ${i.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];

  if (!e.BOT_ID && !isLoopbackHost(e.HOST)) {
    problems.push(
      `HOST is ${e.HOST} but BOT_ID is empty: without BOT_ID the bot accepts unauthenticated requests, so it only listens on a loopback address (127.0.0.1)`,
    );
  }
  if (e.BOT_ID && e.BOT_TYPE !== 'UserAssignedMSI' && !e.BOT_PASSWORD) {
    problems.push('BOT_PASSWORD is required when BOT_ID is set (unless BOT_TYPE is UserAssignedMSI)');
  }
  if (e.BOT_ID && e.BOT_TYPE !== 'MultiTenant' && !e.BOT_TENANT_ID && !e.TENANT_ID) {
    problems.push(`BOT_TENANT_ID is required when BOT_TYPE is ${e.BOT_TYPE}`);
  }
  if (e.BOT_AUTHORITY_HOST && (!e.BOT_ID || e.BOT_TYPE === 'UserAssignedMSI')) {
    problems.push(
      'BOT_AUTHORITY_HOST needs BOT_ID and BOT_PASSWORD (a managed identity gets its tokens from Azure)',
    );
  }
  if (!!e.GRAPH_CLIENT_ID !== !!e.GRAPH_CLIENT_SECRET) {
    problems.push(
      'GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET must be set together (or both left empty for the demo directory)',
    );
  }
  const graphConfigured = !!e.GRAPH_CLIENT_ID && !!e.GRAPH_CLIENT_SECRET;
  if ((graphConfigured || e.BOT_ID) && !e.TENANT_ID) {
    problems.push(
      'TENANT_ID is required when BOT_ID or GRAPH_CLIENT_ID is set (it is the school tenant the bot serves)',
    );
  }
  if (graphConfigured && !e.SUPPORT_CODE_KEY) {
    problems.push(
      'SUPPORT_CODE_KEY is required when Graph is configured (64 hex characters; it encrypts support-code secrets)',
    );
  }
  // Without BOT_ID anyone who reaches the port can act as any user (a dev tunnel, a proxy, a browser page posting
  // to 127.0.0.1): harmless on the demo school, not with a real tenant's directory, mailbox or storage.
  const realServices = graphConfigured || e.STORAGE === 'azure';
  if (realServices && !e.BOT_ID && e.ALLOW_UNAUTHENTICATED !== '1') {
    problems.push(
      `BOT_ID is required when ${graphConfigured ? 'GRAPH_CLIENT_ID' : 'STORAGE=azure'} is set: without it the bot accepts unauthenticated requests (set ALLOW_UNAUTHENTICATED=1 only for local tests against stand-ins)`,
    );
  }
  if (e.STORAGE === 'azure' && !e.AZURE_STORAGE_CONNECTION_STRING) {
    problems.push('AZURE_STORAGE_CONNECTION_STRING is required when STORAGE is azure');
  }
  if (e.NUDGE_VISIBILITY_TIMEOUT_SECONDS * 1000 < e.NUDGE_SEND_TIMEOUT_MS + 2000) {
    problems.push(
      'NUDGE_VISIBILITY_TIMEOUT_SECONDS must exceed NUDGE_SEND_TIMEOUT_MS by 2 s or more: a nudge must not reappear while its send may still land',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: e.HOST,
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    requestsPerMinutePerClient: e.HTTP_REQUESTS_PER_MINUTE_PER_CLIENT,
    bot: {
      id: e.BOT_ID,
      password: e.BOT_PASSWORD,
      type: e.BOT_TYPE,
      tenantId: e.BOT_TENANT_ID ?? e.TENANT_ID,
      openIdMetadataUrl: e.BOT_OPENID_METADATA,
      authorityHost: e.BOT_AUTHORITY_HOST?.replace(/\/+$/, ''),
    },
    tenantId: (e.TENANT_ID ?? DEMO_TENANT_ID).toLowerCase(),
    graph: graphConfigured
      ? { clientId: e.GRAPH_CLIENT_ID!, clientSecret: e.GRAPH_CLIENT_SECRET! }
      : undefined,
    graphBaseUrl: e.GRAPH_BASE_URL.replace(/\/+$/, ''),
    authorityHost: e.AZURE_AUTHORITY_HOST.replace(/\/+$/, ''),
    tab: { ...tabSignInOf(e.GRAPH_CLIENT_ID ?? e.BOT_ID, e.BOT_DOMAIN), teamsAppId: e.TEAMS_IT_APP_ID },
    serviceDeskMailbox: e.SERVICE_DESK_MAILBOX,
    senderMailbox: e.SENDER_MAILBOX,
    schoolConfigPath: path.resolve(e.SCHOOL_CONFIG),
    dataDir: path.resolve(e.DATA_DIR),
    supportCodeKey: e.SUPPORT_CODE_KEY ? Buffer.from(e.SUPPORT_CODE_KEY, 'hex') : undefined,
    nudgeScheduler: e.NUDGE_SCHEDULER === 'on',
    cardRefresh: e.CARD_REFRESH === 'on',
    teamsSendsPerSecond: e.TEAMS_SENDS_PER_SECOND,
    teamsSendClockMarginMs: e.TEAMS_SEND_CLOCK_MARGIN_MS,
    nudges: {
      teamsAppId: e.TEAMS_APP_ID,
      catalogId: e.TEAMS_APP_CATALOG_ID,
      serviceUrl: e.TEAMS_SERVICE_URL,
      sendsPerSecond: e.NUDGE_SENDS_PER_SECOND,
      concurrency: e.NUDGE_CONCURRENCY,
      visibilityTimeoutMs: e.NUDGE_VISIBILITY_TIMEOUT_SECONDS * 1000,
      installWaitMs: e.NUDGE_INSTALL_WAIT_SECONDS * 1000,
      recheckMs: e.NUDGE_RECHECK_MINUTES * 60_000,
      sendTimeoutMs: e.NUDGE_SEND_TIMEOUT_MS,
      planEveryMs: e.NUDGE_PLAN_EVERY_SECONDS * 1000,
      plannerLeaseMs: e.NUDGE_PLANNER_LEASE_SECONDS * 1000,
    },
    storage:
      e.STORAGE === 'azure'
        ? {
            kind: 'azure',
            connectionString: e.AZURE_STORAGE_CONNECTION_STRING!,
            prefix: e.AZURE_STORAGE_PREFIX,
          }
        : { kind: 'sqlite' },
    status: { inTurnWaitMs: e.STATUS_IN_TURN_WAIT_MS, reportRefreshMinutes: e.STATUS_REPORT_REFRESH_MINUTES },
    graphRequestTimeoutMs: e.GRAPH_REQUEST_TIMEOUT_MS,
    mail: {
      inTurnWaitMs: e.ESCALATION_IN_TURN_WAIT_MS,
      requestTimeoutMs: e.MAIL_REQUEST_TIMEOUT_MS,
      concurrency: e.MAIL_CONCURRENCY,
    },
    logLevel: e.LOG_LEVEL,
    telemetry: e.APPLICATIONINSIGHTS_CONNECTION_STRING
      ? { connectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING }
      : undefined,
    unauthenticatedWithRealServices: realServices && !e.BOT_ID,
  };
}

/** The app the IT tab signs in to, and the audiences accepted on its tokens. */
function tabSignInOf(appId: string | undefined, domain: string | undefined): AppConfig['tab'] {
  if (!appId) return { audiences: [] };
  const id = appId.toLowerCase();
  return { appId: id, audiences: domain ? [id, `api://${domain.toLowerCase()}/${id}`] : [id] };
}
