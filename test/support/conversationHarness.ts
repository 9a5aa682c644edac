/**
 * The bot in-process on botbuilder's TestAdapter, built by the bot's own container (src/container.ts) with
 * its real SQLite stores in a temporary DATA_DIR, a settable clock, and recording messenger and mailer. `send` runs one turn and returns what the bot sent back; `restart` rebuilds everything
 * from the same DATA_DIR, as a process restart would.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { TestAdapter, type Activity } from 'botbuilder';
import { DemoDirectory } from '../../src/adapters/demo/demoDirectory';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { sqliteStores } from '../../src/adapters/storage';
import { loadConfig, type AppConfig } from '../../src/config/env';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { buildContainer, type Container } from '../../src/container';
import type { SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import type { OutboxOptions } from '../../src/escalation/escalationOutbox';
import { createLogger, type Logger } from '../../src/logging/logger';
import type { Clock } from '../../src/ports/clock';
import type { Directory } from '../../src/ports/directory';
import type { TemporaryAccessPassIssuer } from '../../src/ports/temporaryAccessPasses';
import type { RegistrationStatusOptions } from '../../src/status/registrationStatusService';
import { tenantGuard } from '../../src/teams/tenantGuard';
import { ROOT, tempDataDir } from './botProcess';
import { RecordingMailer } from './recordingMailer';
import { RecordingMessenger } from './recordingMessenger';

export const SAMPLE_POLICY_PATH = path.join(ROOT, 'config', 'kscs.school.yaml');

/** A clock tests can move. */
export class TestClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface HarnessOptions {
  now?: string;
  policy?: SchoolPolicy;
  /** The directory behind status answers (default: the demo school on the harness clock). */
  directory?: Directory;
  /** The directory, built on the harness clock (a directory whose report lags or ages with the test). */
  directoryOn?: (clock: Clock) => Directory;
  /** How long a turn waits for Graph before "checking…" (default 3 s, as in production). */
  inTurnWaitMs?: number;
  statusOptions?: RegistrationStatusOptions;
  /** How long a help send waits for the mail within the turn (default 1 s). */
  escalationWaitMs?: number;
  outboxOptions?: OutboxOptions;
  /** Where the bot logs (default: nowhere); a captured log lets a test assert what was never logged. */
  log?: Logger;
  /** Who issues the desk's Temporary Access Passes (default: the demo issuer, as with no Graph). */
  passIssuer?: TemporaryAccessPassIssuer;
  /** The bot's Teams app id (TEAMS_APP_ID). */
  teamsAppId?: string;
  /** The IT app's id (TEAMS_IT_APP_ID): cards that link to its IT progress tab show the link. */
  teamsItAppId?: string;
  /** CARD_REFRESH=on: status cards go out refreshable (card version 1.5, refreshed for the pupil). */
  cardRefresh?: boolean;
}

/** The support-code key of every harness (secrets survive `restart()`, as they would with a fixed key). */
const HARNESS_KEY = crypto.randomBytes(32);

export class ConversationHarness {
  readonly clock: TestClock;
  readonly dataDir = tempDataDir('mfa-buddy-conv-');
  readonly policy: SchoolPolicy;
  /** The bot's own container (src/container.ts), on SQLite in `dataDir`; no background job is started. */
  private container!: Container;
  private adapter!: TestAdapter;
  private readonly config: AppConfig;
  /** Proactive messages (status follow-ups, escalation notices) the bot sent. */
  readonly messenger = new RecordingMessenger();
  /** Escalation mails. */
  readonly mailer = new RecordingMailer();
  readonly directory: Directory;
  /**
   * Every error that reached the adapter's onTurnError (a crashed turn), in order. The error is thrown on as
   * well, so `send` rejects as it did before the list existed.
   */
  readonly turnErrors: unknown[] = [];

  constructor(private readonly options: HarnessOptions = {}) {
    this.clock = new TestClock(new Date(options.now ?? '2026-11-30T10:00:00Z'));
    this.policy = options.policy ?? loadSchoolPolicy(SAMPLE_POLICY_PATH);
    this.directory = options.directory ?? options.directoryOn?.(this.clock) ?? new DemoDirectory(this.clock);
    const config = loadConfig({
      DATA_DIR: this.dataDir,
      SCHOOL_CONFIG: SAMPLE_POLICY_PATH,
      SUPPORT_CODE_KEY: HARNESS_KEY.toString('hex'),
      LOG_LEVEL: 'silent',
      TEAMS_APP_ID: options.teamsAppId,
      TEAMS_IT_APP_ID: options.teamsItAppId,
      CARD_REFRESH: options.cardRefresh ? 'on' : undefined,
    });
    this.config = {
      ...config,
      status: { ...config.status, inTurnWaitMs: options.inTurnWaitMs ?? config.status.inTurnWaitMs },
      mail: { ...config.mail, inTurnWaitMs: options.escalationWaitMs ?? 1000 },
    };
    this.build();
  }

  get references() {
    return this.container.stores.references;
  }
  get progress() {
    return this.container.stores.progress;
  }
  get followUps() {
    return this.container.stores.followUps;
  }
  get escalationStore() {
    return this.container.stores.escalations;
  }
  get supportCodeStore() {
    return this.container.stores.supportCodes;
  }
  get status() {
    return this.container.status;
  }
  get statusReplies() {
    return this.container.statusReplies;
  }
  get outbox() {
    return this.container.outbox;
  }
  get supportCodes() {
    return this.container.supportCodes;
  }
  /** The desk's Temporary Access Pass grants (the record of who gave whom a pass). */
  get passGrants() {
    return this.container.stores.temporaryAccessPasses;
  }

  get itView() {
    return this.container.itView;
  }

  private build(): void {
    const log = this.options.log ?? createLogger('silent');
    this.container = buildContainer(this.config, {
      log,
      clock: this.clock,
      policy: this.policy,
      stores: sqliteStores(SqliteDatabase.open(this.dataDir)),
      directory: { directory: this.directory },
      messenger: this.messenger,
      mailer: this.mailer,
      passIssuer: this.options.passIssuer,
      statusOptions: this.options.statusOptions ?? {},
      outboxOptions: { baseBackoffMs: 20, ...this.options.outboxOptions },
      // No campaign runs here: a snooze is answered as when the policy has none.
      nudges: false,
    });
    this.adapter = new TestAdapter();
    this.adapter.onTurnError = (_context, error) => {
      this.turnErrors.push(error);
      return Promise.reject(error);
    };
    this.adapter.use(tenantGuard(this.config.tenantId, log));
  }

  /** Runs one turn; returns every activity the bot sent (including an invokeResponse, for invokes). */
  async send(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    await this.adapter.processActivity(activity, (context) => this.container.bot.run(context));
    return this.adapter.activeQueue.splice(0);
  }

  /** Runs turns at the same time (a burst); returns what each conversation got back, by conversation id. */
  async sendAll(activities: Partial<Activity>[]): Promise<Map<string, Partial<Activity>[]>> {
    await Promise.all(
      activities.map((a) => this.adapter.processActivity(a, (context) => this.container.bot.run(context))),
    );
    const byConversation = new Map<string, Partial<Activity>[]>();
    for (const reply of this.adapter.activeQueue.splice(0)) {
      const id = reply.conversation?.id ?? '';
      byConversation.set(id, [...(byConversation.get(id) ?? []), reply]);
    }
    return byConversation;
  }

  /** Closes the database and builds a new bot on the same DATA_DIR. */
  restart(): void {
    this.kill();
    this.build();
  }

  /** Waits for owed follow-ups, then closes. */
  async closeAfterFollowUps(): Promise<void> {
    await this.statusReplies.idle();
    this.close();
  }

  close(): void {
    this.kill();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Stops at once, as a killed process would: sends in flight are not waited for. */
  private kill(): void {
    this.container.kill();
  }
}
