/**
 * The figures behind the IT view: every member of the policy's report and target groups, but those the
 * campaign leaves out, put in a category by the school's rules (src/domain/progress), from the registration
 * report the status service already holds and one membership listing per group — never one Graph call per user.
 * Built at most once per `cacheMs` however many IT staff look (the chat card, the tab and the daily count share
 * it).
 */
import { activeStages, planStages } from '../../domain/campaign/stagePlan';
import { availableMethods } from '../../domain/policy/availability';
import { localDateOf, type LocalDate } from '../../domain/policy/localDate';
import type { SchoolPolicy } from '../../domain/policy/schoolPolicy';
import {
  classifyRegistration,
  summariseProgress,
  type GroupMembers,
  type GroupProgress,
  type PersonProgress,
} from '../../domain/progress/schoolProgress';
import type { Logger } from '../../logging/logger';
import { withEmailCheck, type EmailCheck } from '../../domain/registration/emailCheck';
import type { Clock } from '../../ports/clock';
import type { Directory, DirectoryUser } from '../../ports/directory';
import type { DailyProgress, ProgressSnapshotStore } from '../../ports/progressSnapshotStore';
import { campaignExcludedIds } from '../../nudges/campaignExclusions';
import type { RegistrationStatusService } from '../../status/registrationStatusService';

/** One person behind a number. Names are for IT's screen and export only: never logged. */
export interface PersonLine extends PersonProgress {
  userId: string;
  name: string;
  /** The year group (pupils) or department (staff), as the directory has it. */
  yearGroup?: string;
  /** The groups of the overview this person counts in. */
  groupIds: string[];
}

export interface ProgressView {
  /** When the figures were counted (ISO). */
  countedAt: string;
  /** The school's date then. */
  today: LocalDate;
  /** When texts and calls stop counting, if still ahead: the phone-only people's deadline. */
  phoneEnds?: LocalDate;
  /** Whether the registration report could be read (false: only live looks, mostly "unknown"). */
  hasReport: boolean;
  /** The whole school first, then the report groups, then the campaign's target groups. */
  groups: GroupProgress[];
  people: PersonLine[];
}

/** The counts over the days, for the trend chart, with the campaign's reminder days to mark on it. */
export interface ProgressTrend {
  days: DailyProgress[];
  reminderDays: LocalDate[];
}

export interface SchoolProgressDeps {
  policy: SchoolPolicy;
  directory: Directory;
  status: RegistrationStatusService;
  days: ProgressSnapshotStore;
  clock: Clock;
  log: Logger;
  /**
   * What the campaign's live looks found about members' email addresses (user id → check), so that a pupil on
   * their school address counts as not done here too; absent without a campaign.
   */
  emailChecks?: () => Promise<Map<string, EmailCheck>>;
  options?: {
    /** How long one count answers every asker (default 5 minutes). */
    cacheMs?: number;
    /** The report is re-read first when older than this (default 60 minutes). */
    reportMaxAgeMs?: number;
  };
}

const MINUTE = 60_000;

export class SchoolProgressService {
  private cached?: { view: ProgressView; at: number };
  private building?: Promise<ProgressView>;
  private readonly cacheMs: number;
  private readonly reportMaxAgeMs: number;

  constructor(private readonly deps: SchoolProgressDeps) {
    this.cacheMs = deps.options?.cacheMs ?? 5 * MINUTE;
    this.reportMaxAgeMs = deps.options?.reportMaxAgeMs ?? 60 * MINUTE;
  }

  /** The groups the overview counts: the campaign's report groups (years), then its target groups. */
  groups(): Omit<GroupMembers, 'memberIds'>[] {
    const campaign = this.deps.policy.campaign;
    if (!campaign) return [];
    return [
      ...campaign.reportGroups.map((g) => ({ ...g, kind: 'report' as const })),
      ...campaign.targets.groups.map((g) => ({ ...g, kind: 'target' as const })),
    ];
  }

  /** Whether anyone can see the IT view: without an IT staff group nobody can, so there is no trend to keep. */
  hasViewers(): boolean {
    return this.deps.policy.groups.itStaff !== undefined;
  }

  /** The figures, counted at most `cacheMs` ago (`fresh`: counted now, for the daily record). */
  async view(options: { fresh?: boolean } = {}): Promise<ProgressView> {
    const now = this.deps.clock.now().getTime();
    if (!options.fresh && this.cached && now - this.cached.at < this.cacheMs) return this.cached.view;
    // Concurrent askers share one count.
    this.building ??= this.count().finally(() => (this.building = undefined));
    const view = await this.building;
    this.cached = { view, at: Date.parse(view.countedAt) };
    return view;
  }

  /** The daily counts kept so far and the reminder days. */
  async trend(): Promise<ProgressTrend> {
    const { policy, days } = this.deps;
    const reminderDays = policy.campaign
      ? activeStages(planStages(policy.campaign, policy.registration.enforcementDate)).map((s) => s.sendOn)
      : [];
    return { days: await days.list(), reminderDays };
  }

  /** Counts now and keeps the day's figures (a later count the same day replaces them). */
  async recordToday(): Promise<DailyProgress> {
    const view = await this.view({ fresh: true });
    const day: DailyProgress = {
      date: view.today,
      takenAt: view.countedAt,
      groups: view.groups.map(({ id, name, kind, counts }) => ({ id, name, kind, counts })),
    };
    await this.deps.days.record(day);
    return day;
  }

  /** The campaign's email checks; a storage fault costs them (the report's view), not the count. */
  private async emailChecks(): Promise<Map<string, EmailCheck>> {
    try {
      return (await this.deps.emailChecks?.()) ?? new Map();
    } catch (error) {
      this.deps.log.warn({ err: { name: (error as Error).name } }, 'it view: email checks unreadable');
      return new Map();
    }
  }

  private async count(): Promise<ProgressView> {
    const { policy, directory, status, clock, log } = this.deps;
    const started = clock.now();
    await status.refreshIfOlder(this.reportMaxAgeMs, started.getTime());
    const today = localDateOf(started, policy.school.timeZone);
    const methods = availableMethods(policy, today);
    // The campaign's left-out people are not among those it is for: counted nowhere, listed nowhere.
    const excluded = policy.campaign
      ? await campaignExcludedIds(directory, policy.campaign)
      : new Set<string>();
    const users = new Map<string, DirectoryUser>();
    const groups: GroupMembers[] = [];
    for (const group of this.groups()) {
      const memberIds: string[] = [];
      for await (const page of directory.transitiveMembers(group.id, { priority: 'background' })) {
        for (const user of page) {
          // A disabled account cannot sign in: nothing to register until it is enabled again.
          if (!user.accountEnabled || excluded.has(user.id)) continue;
          users.set(user.id, user);
          memberIds.push(user.id);
        }
      }
      groups.push({ ...group, memberIds });
    }
    const checks = await this.emailChecks();
    const states = new Map<string, PersonProgress>();
    for (const id of users.keys()) {
      const snapshot = status.snapshotFor(id);
      const seen = snapshot && withEmailCheck(snapshot, checks.get(id));
      states.set(id, classifyRegistration(seen?.methods, methods));
    }
    const groupIds = new Map<string, string[]>();
    for (const g of groups)
      for (const id of g.memberIds) groupIds.set(id, [...(groupIds.get(id) ?? []), g.id]);
    const people = [...users.values()]
      .map((u) => ({
        userId: u.id,
        name: u.displayName,
        yearGroup: u.department,
        groupIds: [...new Set(groupIds.get(u.id))],
        ...states.get(u.id)!,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const summary = summariseProgress(groups, (id) => states.get(id)!);
    const countedAt = clock.now();
    log.info(
      { people: people.length, groups: groups.length, ms: countedAt.getTime() - started.getTime() },
      'it view: progress counted',
    );
    return {
      countedAt: countedAt.toISOString(),
      today,
      phoneEnds: methods.phoneEnds,
      hasReport: status.hasReport,
      groups: summary,
      people,
    };
  }
}
