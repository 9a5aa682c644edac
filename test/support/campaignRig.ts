/**
 * The campaign on real HTTP, in-process: the production planner, worker and BotMessenger (botbuilder's
 * CloudAdapter, no inbound auth), built by the bot's container (src/container.ts), against the Teams connector stand-in (Teams limits, 403s, 5xx) and the Graph
 * stand-in (members, the registration report under its budget, app installs), with SQLite in a temporary
 * DATA_DIR and a test clock. Each test builds one, seeds users, moves the clock and drains the queue.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import { TestAdapter, type CloudAdapter } from 'botbuilder';
import type { GraphDirectoryParts } from '../../src/adapters/graph/createGraphDirectory';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { sqliteStores, type Stores } from '../../src/adapters/storage';
import { loadConfig, type AppConfig } from '../../src/config/env';
import { createContainer, type Container } from '../../src/container';
import type { SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import { createLogger } from '../../src/logging/logger';
import type { NudgeParts } from '../../src/nudges/createNudges';
import type { LedgerEntry } from '../../src/ports/nudgeLedger';
import type {
  ConversationReferenceStore,
  StoredConversationReference,
} from '../../src/ports/conversationReferenceStore';
import { personal, testUser } from './activities';
import { tempDataDir } from './botProcess';
import { TestClock } from './conversationHarness';
import { cardsOf, headingOf } from './cards';
import { graphDirectoryOn } from './graph/graphDirectoryOn';
import { GraphStandIn, type StandInUser } from './graph/graphStandIn';
import { graphMethod, type GraphMethodJson } from './graph/methodShapes';
import { TEST_APP } from './graphTenant';
import { ConnectorStandIn, type ConnectorOptions } from './connectorStandIn';
import { addTeamsAppsRoutes, type TeamsAppsOptions, type TeamsAppsState } from './graph/teamsAppsRoutes';

export const TARGET_GROUP = '5a00000a-0000-4000-8000-0000000000a1';
export const EXCLUDED_GROUP = '5a00000a-0000-4000-8000-0000000000a2';
export const MANIFEST_ID = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

export const userIdOf = (n: number) => `7e000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const conversationOf = (userId: string) => `a:personal-${userId}`;

/** The reference the bot stores when `userId` installs it: their 1:1 chat on the connector at `serviceUrl`. */
export function storedReferenceOf(
  userId: string,
  serviceUrl: string,
  updatedAt = '2026-10-01T12:00:00.000Z',
): StoredConversationReference {
  return {
    userId,
    tenantId: TEST_APP.tenantId,
    conversationId: conversationOf(userId),
    serviceUrl,
    reference: {
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: conversationOf(userId), conversationType: 'personal', tenantId: TEST_APP.tenantId },
      user: { id: `29:${userId}`, aadObjectId: userId },
      bot: { id: '28:bot', name: 'MFA Buddy' },
    },
    updatedAt,
  };
}

/**
 * A school of `count` pupils on the Graph stand-in, none registered (password only), all in the target group
 * (the exclusion group empty), for the campaigns run as processes and the benchmark. Returns their ids.
 */
export function addPupils(graph: GraphStandIn, count: number): string[] {
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) {
    const id = userIdOf(n);
    ids.push(id);
    graph.addUser({
      id,
      displayName: `Pupil ${n}`,
      givenName: `P${n}`,
      userPrincipalName: `p${n}@kscs.org.uk`,
      methods: [graphMethod.password()],
    });
  }
  graph.groups.set(TARGET_GROUP, [...ids]);
  graph.groups.set(EXCLUDED_GROUP, []);
  return ids;
}

/**
 * The six registration states a campaign meets, in turn: nothing; the app only; a mobile only (texts stop at
 * the cut-off); the app and a personal email (done); the app and the school email (not done, and the report
 * cannot tell); the app and a mobile (done). `owed` says whether the school's rules owe them a nudge.
 */
export const SIX_STATES: { name: string; methods: () => GraphMethodJson[]; owed: boolean }[] = [
  { name: 'nothing', methods: () => [], owed: true },
  { name: 'app only', methods: () => [graphMethod.authenticator()], owed: true },
  { name: 'mobile only', methods: () => [graphMethod.phone('mobile')], owed: true },
  {
    name: 'app and personal email',
    methods: () => [graphMethod.authenticator(), graphMethod.email('someone@example.com')],
    owed: false,
  },
  {
    name: 'app and school email',
    methods: () => [graphMethod.authenticator(), graphMethod.email('pupil@kscs.org.uk')],
    owed: true,
  },
  {
    name: 'app and mobile',
    methods: () => [graphMethod.authenticator(), graphMethod.phone('mobile')],
    owed: false,
  },
];

/**
 * Like addPupils, with pupil n in state (n - 1) mod 6 of SIX_STATES, every report row as of `reportAsOf`.
 * Returns the ids by whether they are owed a nudge, and which have an email method (school or not).
 */
export function addPupilsInSixStates(
  graph: GraphStandIn,
  count: number,
  reportAsOf: string,
): { ids: string[]; owed: string[]; done: string[]; emails: { id: string; school: boolean }[] } {
  const ids = addPupils(graph, count);
  const owed: string[] = [];
  const done: string[] = [];
  const emails: { id: string; school: boolean }[] = [];
  ids.forEach((id, i) => {
    const state = SIX_STATES[i % SIX_STATES.length]!;
    graph.setMethods(id, [graphMethod.password(), ...state.methods()], false);
    graph.syncReport(id, reportAsOf);
    (state.owed ? owed : done).push(id);
    if (state.name.endsWith('email')) emails.push({ id, school: state.name.includes('school') });
  });
  return { ids, owed, done, emails };
}

/** The environment of a `npm run nudge` child process against the stand-ins (add storage and rate settings). */
export function nudgeCliEnv(
  graph: GraphStandIn,
  dataDir: string,
  policyFile: string,
  logLevel = 'warn',
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
    ...graph.env,
    SUPPORT_CODE_KEY: 'a1'.repeat(32),
    DATA_DIR: dataDir,
    SCHOOL_CONFIG: policyFile,
    LOG_LEVEL: logLevel,
  };
}

export interface RigOptions {
  policy: SchoolPolicy;
  now: string;
  connector?: ConnectorOptions;
  env?: Record<string, string>;
  apps?: Omit<TeamsAppsOptions, 'manifestId' | 'onInstalled'>;
  /** False: a tenant without Entra ID P1 (the registration report answers 403). */
  premium?: boolean;
  /** Other storage than SQLite in the rig's DATA_DIR (Azure Storage on Azurite); its clock is real time. */
  stores?: () => Promise<Stores>;
}

export class CampaignRig {
  readonly dataDir = tempDataDir('mfa-buddy-campaign-');
  readonly clock: TestClock;
  graph!: GraphStandIn;
  connector!: ConnectorStandIn;
  apps!: TeamsAppsState;
  parts!: NudgeParts;
  references!: ConversationReferenceStore;
  /** The bot's own container (src/container.ts): its planner, worker and messenger; no job is started. */
  private container!: Container;
  private directoryParts!: GraphDirectoryParts;
  config!: AppConfig;

  private readonly startedAt: number;

  private constructor(private readonly options: RigOptions) {
    this.clock = new TestClock(new Date(options.now));
    this.startedAt = this.clock.now().getTime();
  }

  static async start(options: RigOptions): Promise<CampaignRig> {
    const rig = new CampaignRig(options);
    await rig.build();
    return rig;
  }

  private async build(): Promise<void> {
    this.graph = await GraphStandIn.start({
      reportsBudget: { limit: 50, windowMs: 1000 },
      premium: this.options.premium,
    });
    this.graph.groups.set(TARGET_GROUP, []);
    this.graph.groups.set(EXCLUDED_GROUP, []);
    this.connector = await ConnectorStandIn.start(this.options.connector);
    const log = createLogger(process.env.RIG_LOG ?? 'silent');
    this.config = loadConfig({
      ...this.graph.env,
      SUPPORT_CODE_KEY: 'a1'.repeat(32),
      DATA_DIR: this.dataDir,
      TEAMS_APP_ID: MANIFEST_ID,
      TEAMS_SERVICE_URL: this.connector.serviceUrl,
      NUDGE_VISIBILITY_TIMEOUT_SECONDS: '12',
      NUDGE_INSTALL_WAIT_SECONDS: '1',
      NUDGE_SEND_TIMEOUT_MS: '10000',
      ...this.options.env,
    });
    // Queue delays and leases are real time; moving the test clock by days moves them too.
    const stores =
      (await this.options.stores?.()) ??
      sqliteStores(
        SqliteDatabase.open(this.dataDir),
        () => Date.now() + (this.clock.now().getTime() - this.startedAt),
      );
    this.references = stores.references;
    // Teams tells the bot about an install; here the rig stores the reference the bot would.
    this.apps = addTeamsAppsRoutes(this.graph, {
      manifestId: MANIFEST_ID,
      ...this.options.apps,
      onInstalled: (userId) => this.remember(userId),
    });
    this.directoryParts = graphDirectoryOn(this.graph, {
      schoolDomains: this.options.policy.school.domains,
      log,
      now: () => this.clock.now(),
      budget: { limit: 50, windowMs: 1000, marginMs: 0, reservedForInteractive: 1 },
    });
    this.container = await createContainer(this.config, {
      log,
      clock: this.clock,
      policy: this.options.policy,
      stores,
      directory: { directory: this.directoryParts.directory, graph: this.directoryParts },
      statusOptions: { refreshEveryMs: 0 },
    });
    this.parts = this.container.nudges!;
  }

  /** The bot's adapter: inbound turns and proactive sends (middleware added here sees both). */
  get adapter(): CloudAdapter {
    return this.container.adapter;
  }

  /** Adds a user to the target group (unless `group: null`), registered or not, with or without a chat. */
  async addUser(
    n: number,
    options: {
      registered?: boolean;
      conversation?: boolean;
      group?: string | null;
      user?: Partial<StandInUser>;
    } = {},
  ): Promise<string> {
    const id = userIdOf(n);
    this.graph.addUser({
      id,
      displayName: `Pupil ${n}`,
      givenName: `Pupil${n}`,
      userPrincipalName: `pupil${n}@kscs.org.uk`,
      methods: options.registered
        ? [graphMethod.password(), graphMethod.authenticator(), graphMethod.email(`p${n}@example.com`)]
        : [graphMethod.password()],
      securityQuestions: false,
      ...options.user,
    });
    const group = options.group === undefined ? TARGET_GROUP : options.group;
    if (group) this.graph.groups.get(group)!.push(id);
    if (options.conversation !== false) await this.remember(id);
    return id;
  }

  /** Stores a conversation reference for the user, as the bot does on install. */
  async remember(userId: string): Promise<void> {
    await this.references.save(
      storedReferenceOf(userId, this.connector.serviceUrl, this.clock.now().toISOString()),
    );
  }

  /** Plans if due, then works the queue until it is quiet. */
  async run(force = false, quietMs = 300): Promise<void> {
    await this.parts.planner.planIfDue(force);
    await this.parts.worker.drain(quietMs, 20);
  }

  /**
   * The user writes to the bot in their 1:1 chat (on the connector stand-in), at the rig clock, from a Teams set
   * to `locale`: the production SchoolBot keeps their conversation reference; what it answers is not looked at here.
   */
  async says(userId: string, text: string, locale = 'en-GB'): Promise<void> {
    const activity = {
      ...personal(testUser('Pupil', userId), {
        tenantId: TEST_APP.tenantId,
        serviceUrl: this.connector.serviceUrl,
        conversationId: conversationOf(userId),
        locale,
      }),
      type: 'message',
      text,
    };
    await new TestAdapter().processActivity(activity, (context) => this.container.bot.run(context));
  }

  /**
   * The user opens a card in their chat that refreshes itself: Teams sends its refresh action to the production
   * SchoolBot as an `adaptiveCard/action` invoke (from a Teams client showing `name`). Returns the invoke's answer.
   */
  async opens(
    userId: string,
    card: Record<string, unknown>,
    name = 'Pupil',
  ): Promise<{ statusCode: number; type: string; value: Record<string, unknown> }> {
    const refresh = card.refresh as { action: { verb: string; data: Record<string, unknown> } };
    const activity = {
      ...personal(testUser(name, userId), {
        tenantId: TEST_APP.tenantId,
        serviceUrl: this.connector.serviceUrl,
        conversationId: conversationOf(userId),
      }),
      from: { id: `29:${userId}`, name, aadObjectId: userId },
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: {
        action: { type: 'Action.Execute', verb: refresh.action.verb, data: refresh.action.data },
        trigger: 'automatic',
      },
    };
    const adapter = new TestAdapter();
    await adapter.processActivity(activity, (context) => this.container.bot.run(context));
    const response = adapter.activeQueue.find((a) => a.type === 'invokeResponse');
    if (!response) throw new Error('the bot gave no invoke response');
    return (response.value as { body: { statusCode: number; type: string; value: Record<string, unknown> } })
      .body;
  }

  /** Headings of the cards a user's conversation received, in order. */
  headings(userId: string): string[] {
    return this.connector
      .activitiesIn(conversationOf(userId))
      .flatMap((a) => cardsOf(a))
      .map((c) => headingOf(c));
  }

  async ledger(userId: string): Promise<LedgerEntry[]> {
    return (await this.parts.deps.ledger.history(this.parts.deps.campaign.id, userId)).sort((a, b) =>
      a.nudge < b.nudge ? -1 : 1,
    );
  }

  /** Closes everything; fails when the campaign (every process on this tenant) overran Graph's reports budget. */
  async close(): Promise<void> {
    this.parts.worker.stop();
    await this.container.stop();
    await this.connector.close();
    await this.graph.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    expect(
      this.graph.budget.violations,
      "Graph reports-budget violations caused by the bot's processes",
    ).to.equal(0);
  }
}
