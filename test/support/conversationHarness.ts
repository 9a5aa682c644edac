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

  constructor(options: HarnessOptions = {}) {
    this.clock = new TestClock(new Date(options.now ?? '2026-11-30T10:00:00Z'));
    this.policy = options.policy ?? loadSchoolPolicy(SAMPLE_POLICY_PATH);
    this.build();
  }

  private build(): void {
    const log = createLogger('silent');
    this.database = SqliteDatabase.open(this.dataDir);
    this.progress = new SqliteUserProgressStore(this.database);
    this.references = new SqliteConversationReferenceStore(this.database);
    const conversation = new ConversationService({
      policy: this.policy,
      clock: this.clock,
      progress: this.progress,
      log,
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

  /** Closes the database and builds a new bot on the same DATA_DIR. */
  restart(): void {
    this.database.close();
    this.build();
  }

  close(): void {
    this.database.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
