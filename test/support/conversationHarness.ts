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
import { StatusReplies } from '../../src/conversation/statusReplies';
import type { Directory } from '../../src/ports/directory';
import {
  RegistrationStatusService,
  type RegistrationStatusOptions,
} from '../../src/status/registrationStatusService';
import { RecordingMessenger } from './recordingMessenger';
import { DEMO_TENANT_ID } from '../../src/config/env';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { ConversationService } from '../../src/conversation/conversationService';
import type { SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import { createLogger } from '../../src/logging/logger';
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
}

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
  /** Proactive messages (status follow-ups) the bot sent. */
  readonly messenger = new RecordingMessenger();
  readonly directory: Directory;

  constructor(private readonly options: HarnessOptions = {}) {
    this.clock = new TestClock(new Date(options.now ?? '2026-11-30T10:00:00Z'));
    this.policy = options.policy ?? loadSchoolPolicy(SAMPLE_POLICY_PATH);
    this.directory = options.directory ?? new DemoDirectory(this.clock);
    this.build();
  }

  private build(): void {
    const log = createLogger('silent');
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
    const conversation = new ConversationService({
      policy: this.policy,
      clock: this.clock,
      progress: this.progress,
      log,
      status: this.statusReplies,
    });
    this.bot = new SchoolBot({ conversation, references: this.references, clock: this.clock, log });
    this.adapter = new TestAdapter();
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
    this.database.close();
    this.build();
  }

  /** Waits for owed follow-ups, then closes. */
  async closeAfterFollowUps(): Promise<void> {
    await this.statusReplies.idle();
    this.close();
  }

  close(): void {
    this.status.stop();
    this.database.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
