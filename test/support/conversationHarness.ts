/**
 * The bot in-process on botbuilder's TestAdapter, with its real SQLite stores in a temporary DATA_DIR and
 * a settable clock. `send` runs one turn and returns what the bot sent back; `restart` rebuilds everything
 * from the same DATA_DIR, as a process restart would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TestAdapter, type Activity } from 'botbuilder';
import { SqliteConversationReferenceStore } from '../../src/adapters/sqlite/sqliteConversationReferenceStore';
import { SqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { SqliteUserProgressStore } from '../../src/adapters/sqlite/sqliteUserProgressStore';
import { SqliteStatusFollowUpStore } from '../../src/adapters/sqlite/sqliteStatusFollowUpStore';
import { DemoDirectory } from '../../src/adapters/demo/demoDirectory';
import { StatusReplies } from '../../src/features/status/statusReplies';
import type { Directory } from '../../src/ports/directory';
import {
  RegistrationStatusService,
  type RegistrationStatusOptions,
} from '../../src/status/registrationStatusService';
import { RecordingMessenger } from './recordingMessenger';
import { RecordingMailer } from './recordingMailer';
import crypto from 'node:crypto';
import { SecretBox } from '../../src/adapters/crypto/secretBox';
import { SqliteEscalationStore } from '../../src/adapters/sqlite/sqliteEscalationStore';
import { SqliteSupportCodeStore } from '../../src/adapters/sqlite/sqliteSupportCodeStore';
import { STEP_TITLES } from '../../src/features/guide/guideWords';
import { channelEscalationCard, helpDeliveredCard, helpFailedCard } from '../../src/features/help/helpCards';
import { HelpReplies } from '../../src/features/help/helpReplies';
import { viewContextAt } from '../../src/features/shared/wording';
import { EscalationOutbox, type OutboxOptions } from '../../src/escalation/escalationOutbox';
import { EscalationService } from '../../src/escalation/escalationService';
import { SupportCodeService } from '../../src/supportCodes/supportCodeService';
import { DEMO_TENANT_ID } from '../../src/config/env';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { ConversationService } from '../../src/conversation/conversationService';
import type { SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import { createLogger, type Logger } from '../../src/logging/logger';
import type { Clock } from '../../src/ports/clock';
import { SchoolBot } from '../../src/teams/schoolBot';
import { tenantGuard } from '../../src/teams/tenantGuard';
import { ROOT, tempDataDir } from './botProcess';

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
  /** How long a turn waits for Graph before "checking…" (default 3 s, as in production). */
  inTurnWaitMs?: number;
  statusOptions?: RegistrationStatusOptions;
  /** How long a help send waits for the mail within the turn (default 1 s). */
  escalationWaitMs?: number;
  outboxOptions?: OutboxOptions;
  /** Where the bot logs (default: nowhere); a captured log lets a test assert what was never logged. */
  log?: Logger;
}

/** The support-code key of every harness (secrets survive `restart()`, as they would with a fixed key). */
const HARNESS_KEY = crypto.randomBytes(32);

export class ConversationHarness {
  readonly clock: TestClock;
  readonly dataDir = tempDataDir('mfa-buddy-conv-');
  readonly policy: SchoolPolicy;
  private database!: SqliteDatabase;
  private adapter!: TestAdapter;
  private bot!: SchoolBot;
  references!: SqliteConversationReferenceStore;
  progress!: SqliteUserProgressStore;
  followUps!: SqliteStatusFollowUpStore;
  status!: RegistrationStatusService;
  statusReplies!: StatusReplies;
  /** Proactive messages (status follow-ups, escalation notices) the bot sent. */
  readonly messenger = new RecordingMessenger();
  /** Escalation mails. */
  readonly mailer = new RecordingMailer();
  escalationStore!: SqliteEscalationStore;
  supportCodeStore!: SqliteSupportCodeStore;
  outbox!: EscalationOutbox;
  supportCodes!: SupportCodeService;
  readonly directory: Directory;
  /**
   * Every error that reached the adapter's onTurnError (a crashed turn), in order. The error is thrown on as
   * well, so `send` rejects as it did before the list existed.
   */
  readonly turnErrors: unknown[] = [];

  constructor(private readonly options: HarnessOptions = {}) {
    this.clock = new TestClock(new Date(options.now ?? '2026-11-30T10:00:00Z'));
    this.policy = options.policy ?? loadSchoolPolicy(SAMPLE_POLICY_PATH);
    this.directory = options.directory ?? new DemoDirectory(this.clock);
    this.build();
  }

  private build(): void {
    const log = this.options.log ?? createLogger('silent');
    this.database = SqliteDatabase.open(this.dataDir);
    this.progress = new SqliteUserProgressStore(this.database);
    this.references = new SqliteConversationReferenceStore(this.database);
    this.followUps = new SqliteStatusFollowUpStore(this.database);
    this.status = new RegistrationStatusService({
      directory: this.directory,
      clock: this.clock,
      log,
      options: this.options.statusOptions,
    });
    this.statusReplies = new StatusReplies({
      status: this.status,
      followUps: this.followUps,
      messenger: this.messenger,
      progress: this.progress,
      policy: this.policy,
      clock: this.clock,
      log,
      inTurnWaitMs: this.options.inTurnWaitMs,
    });
    this.escalationStore = new SqliteEscalationStore(this.database);
    this.supportCodeStore = new SqliteSupportCodeStore(this.database);
    let escalations: EscalationService | undefined = undefined;
    this.outbox = new EscalationOutbox({
      store: this.escalationStore,
      mailer: this.mailer,
      compose: (e, o) => escalations!.compose(e, o),
      messenger: this.messenger,
      cards: {
        delivered: helpDeliveredCard,
        failed: (e) => helpFailedCard(e, viewContextAt(this.policy, this.clock.now())),
        channelCopy: channelEscalationCard,
      },
      clock: this.clock,
      log,
      options: { baseBackoffMs: 20, ...this.options.outboxOptions },
    });
    escalations = new EscalationService({
      store: this.escalationStore,
      outbox: this.outbox,
      directory: this.directory,
      status: this.status,
      policy: this.policy,
      clock: this.clock,
      log,
      sender: this.policy.support.mailbox,
      recipient: this.policy.support.mailbox,
      stepTitle: (step) => STEP_TITLES[step],
      inTurnWaitMs: this.options.escalationWaitMs ?? 1000,
    });
    this.supportCodes = new SupportCodeService({
      store: this.supportCodeStore,
      escalations: this.escalationStore,
      directory: this.directory,
      box: new SecretBox(HARNESS_KEY),
      policy: this.policy,
      clock: this.clock,
      log,
    });
    const conversation = new ConversationService({
      policy: this.policy,
      clock: this.clock,
      progress: this.progress,
      log,
      status: this.statusReplies,
      help: new HelpReplies({ escalations, supportCodes: this.supportCodes, log }),
    });
    this.bot = new SchoolBot({ conversation, references: this.references, clock: this.clock, log });
    this.adapter = new TestAdapter();
    this.adapter.onTurnError = (_context, error) => {
      this.turnErrors.push(error);
      return Promise.reject(error);
    };
    this.adapter.use(tenantGuard(DEMO_TENANT_ID, log));
  }

  /** Runs one turn; returns every activity the bot sent (including an invokeResponse, for invokes). */
  async send(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    await this.adapter.processActivity(activity, (context) => this.bot.run(context));
    return this.adapter.activeQueue.splice(0);
  }

  /** Runs turns at the same time (a burst); returns what each conversation got back, by conversation id. */
  async sendAll(activities: Partial<Activity>[]): Promise<Map<string, Partial<Activity>[]>> {
    await Promise.all(
      activities.map((a) => this.adapter.processActivity(a, (context) => this.bot.run(context))),
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
    void this.outbox.stop(0);
    this.database.close();
    this.build();
  }

  /** Waits for owed follow-ups, then closes. */
  async closeAfterFollowUps(): Promise<void> {
    await this.statusReplies.idle();
    this.close();
  }

  close(): void {
    void this.outbox.stop(0);
    this.status.stop();
    this.database.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
