/**
 * What each user has registered, kept fresh enough without burning Graph's identity-reports budget
 * (5 requests per 10 s for the whole app): a snapshot of the registration report, read in pages in the
 * background and kept in memory, answers most questions with no request at all; a user the snapshot does
 * not know costs one report row; many such users at once cost one pass over the report instead; "I've done
 * it" costs one live look, which then outranks the (lagging) report for that user.
 *
 * Everything here is a cache: losing it on a restart costs a few report pages, nothing else.
 */
import { LRUCache } from 'lru-cache';
import { combineSnapshots, type RegistrationSnapshot } from '../domain/registration/snapshot';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import {
  ReportUnavailableError,
  type Directory,
  type LiveMethods,
  type RegistrationDetails,
} from '../ports/directory';

export type StatusLookup =
  | {
      kind: 'known';
      snapshot: RegistrationSnapshot;
      /** What a live look taken for this answer showed by itself (addresses included, questions not). */
      live?: RegistrationSnapshot;
    }
  /** Neither source knows this user (not in the tenant, or deleted). */
  | { kind: 'unknownUser' };

export interface RegistrationStatusOptions {
  /** How old a report row may be and still answer without asking Graph (default: the refresh interval + 10 minutes). */
  reportMaxAgeMs?: number;
  /** How often the background refresh reads the whole report (default 60 minutes; 0 = never). */
  refreshEveryMs?: number;
  /** How long a live look is remembered (default 6 hours: longer than the report's lag). */
  liveMaxAgeMs?: number;
  /** With this many people already waiting on single report rows, one pass over the report is cheaper (default 2). */
  batchThreshold?: number;
  /** Most live looks remembered at once (oldest forgotten first). */
  maxLiveEntries?: number;
  /**
   * Live looks one user may cause per `liveCheckWindowMs` (default 3 per 2 minutes); past that, "I've done it"
   * gets their last look again. A few users pressing it over and over must not spend the tenant's whole
   * reports budget (5 requests per 10 s), while someone who registers between two presses is never held up.
   */
  liveChecksPerWindow?: number;
  liveCheckWindowMs?: number;
}

export interface RegistrationStatusDeps {
  directory: Directory;
  clock: Clock;
  log: Logger;
  options?: RegistrationStatusOptions;
}

interface Timed {
  snapshot: RegistrationSnapshot;
  /** When the bot learnt it (not when Microsoft last changed it). */
  storedAt: number;
}

const MINUTE = 60_000;

function fromDetails(d: RegistrationDetails): RegistrationSnapshot {
  return { userId: d.userId, methods: d.methods, source: d.source, asOf: d.lastUpdated };
}

function fromLive(l: LiveMethods): RegistrationSnapshot {
  return { userId: l.userId, methods: l.methods, source: 'live', asOf: l.checkedAt };
}

export class RegistrationStatusService {
  private readonly reportRows = new Map<string, Timed>();
  /** Live looks, the most recently used kept (`maxLiveEntries`). */
  private readonly liveLooks: LRUCache<string, Timed>;
  private readonly inflightRows = new Map<string, Promise<StatusLookup>>();
  private readonly inflightLive = new Map<string, Promise<StatusLookup>>();
  private readonly inflightBackground = new Map<string, Promise<StatusLookup>>();
  /** When each user's recent "I've done it" looks were taken, for the per-user allowance. */
  private readonly liveCheckTimes: LRUCache<string, number[]>;
  private bulk?: Promise<void>;
  private bulkLoadedAt = 0;
  /** False once the tenant turned out to have no report: no more background passes. */
  private reportAvailable = true;
  private timer?: NodeJS.Timeout;
  private readonly o: Required<RegistrationStatusOptions>;

  constructor(private readonly deps: RegistrationStatusDeps) {
    const refreshEveryMs = deps.options?.refreshEveryMs ?? 60 * MINUTE;
    this.o = {
      // Rows stay trusted until a little after the next background read is due, so they never go stale
      // while that read is still paging through the report.
      reportMaxAgeMs: refreshEveryMs > 0 ? refreshEveryMs + 10 * MINUTE : 60 * MINUTE,
      refreshEveryMs,
      liveMaxAgeMs: 360 * MINUTE,
      batchThreshold: 2,
      maxLiveEntries: 100_000,
      liveChecksPerWindow: 3,
      liveCheckWindowMs: 2 * MINUTE,
      ...deps.options,
    };
    this.liveLooks = new LRUCache({ max: this.o.maxLiveEntries });
    this.liveCheckTimes = new LRUCache({ max: this.o.maxLiveEntries });
  }

  /** Reads the report once now (background priority) and then every `refreshEveryMs`. */
  start(): void {
    if (this.o.refreshEveryMs <= 0) return;
    // A failed pass is logged in readReport; the next one tries again.
    const pass = () => void this.refresh('background').catch(() => undefined);
    pass();
    this.timer = setInterval(pass, this.o.refreshEveryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Users the report snapshot currently holds (for logs and tests). */
  get snapshotSize(): number {
    return this.reportRows.size;
  }

  /** What is known without asking Graph, if it is fresh enough to answer with. */
  cached(userId: string): RegistrationSnapshot | undefined {
    const id = userId.toLowerCase();
    const now = this.deps.clock.now().getTime();
    const row = this.reportRows.get(id);
    const live = this.liveLooks.get(id);
    const freshRow = row && now - row.storedAt <= this.o.reportMaxAgeMs ? row : undefined;
    const freshLive = live && now - live.storedAt <= this.o.liveMaxAgeMs ? live : undefined;
    if (!freshRow && !freshLive) return undefined;
    // A stale report row still carries what only the report can see (security questions).
    return combineSnapshots((freshRow ?? row)?.snapshot, freshLive?.snapshot);
  }

  /** When the last full read of the report started (0: never); campaigns re-read it when it is too old. */
  get reportReadAt(): number {
    return this.bulkLoadedAt;
  }

  /** Whether the tenant has a report at all (false without Entra ID P1/P2). */
  get hasReport(): boolean {
    return this.reportAvailable;
  }

  /**
   * Whatever is known about the user (campaigns keep the report fresh themselves). A live look older than
   * `liveMaxAgeMs` is left out when the report has no row for the user (no Entra ID P1, or a new account):
   * nothing else would ever refresh it, so the caller should take a fresh look instead.
   */
  snapshotFor(userId: string, options: { liveMaxAgeMs?: number } = {}): RegistrationSnapshot | undefined {
    const id = userId.toLowerCase();
    const row = this.reportRows.get(id);
    const live = this.liveLooks.get(id);
    const maxAge = options.liveMaxAgeMs;
    if (!row && live && maxAge !== undefined && this.deps.clock.now().getTime() - live.storedAt > maxAge)
      return undefined;
    return combineSnapshots(row?.snapshot, live?.snapshot);
  }

  /**
   * A live look at background priority (campaigns, in a tenant without the report); remembered like any. Callers
   * asking about one user at once (a worker with several of their reminders) share one look.
   */
  backgroundLook(userId: string): Promise<StatusLookup> {
    const id = userId.toLowerCase();
    const running = this.inflightBackground.get(id);
    if (running) return running;
    const look = this.lookInBackground(id).finally(() => this.inflightBackground.delete(id));
    this.inflightBackground.set(id, look);
    return look;
  }

  private async lookInBackground(id: string): Promise<StatusLookup> {
    const live = await this.deps.directory.liveMethods(id, { priority: 'background' });
    if (!live) return { kind: 'unknownUser' };
    const snapshot = fromLive(live);
    this.liveLooks.set(id, { snapshot, storedAt: this.deps.clock.now().getTime() });
    return { kind: 'known', snapshot: this.snapshotFor(id)!, live: snapshot };
  }

  /** The user's status, from the cache when fresh enough, else from the report (one row, or one pass). */
  status(userId: string): Promise<StatusLookup> {
    const id = userId.toLowerCase();
    const hit = this.cached(id);
    if (hit) return Promise.resolve({ kind: 'known', snapshot: hit });
    const running = this.inflightRows.get(id);
    if (running) return running;
    const lookup = this.lookUp(id).finally(() => this.inflightRows.delete(id));
    this.inflightRows.set(id, lookup);
    return lookup;
  }

  /** A live look at the user's methods ("I've done it"); it replaces whatever was cached for them. */
  liveCheck(userId: string): Promise<StatusLookup> {
    const id = userId.toLowerCase();
    const running = this.inflightLive.get(id);
    if (running) return running;
    const now = this.deps.clock.now().getTime();
    const times = (this.liveCheckTimes.get(id) ?? []).filter((t) => now - t < this.o.liveCheckWindowMs);
    if (times.length >= this.o.liveChecksPerWindow && this.liveLooks.has(id)) {
      this.deps.log.info({ userId: id }, 'live check allowance used: answered from the last look');
      return Promise.resolve({ kind: 'known', snapshot: this.snapshotFor(id)! });
    }
    this.liveCheckTimes.set(id, [...times, now]);
    const check = this.look(id).finally(() => this.inflightLive.delete(id));
    this.inflightLive.set(id, check);
    return check;
  }

  /** Reads the whole report into the snapshot. Concurrent callers share one pass. */
  refresh(priority: 'interactive' | 'background'): Promise<void> {
    if (!this.reportAvailable) return Promise.resolve();
    this.bulk ??= this.readReport(priority).finally(() => (this.bulk = undefined));
    return this.bulk;
  }

  /**
   * Re-reads the report in the background when the copy in memory is older than `maxAgeMs` (campaigns, IT's
   * counts); a failed read is logged and the older rows answer. `now` is the caller's clock.
   */
  async refreshIfOlder(maxAgeMs: number, now: number): Promise<void> {
    if (!this.reportAvailable || now - this.bulkLoadedAt <= maxAgeMs) return;
    // readReport logs the failure with what it had read; the caller goes on with the older rows.
    await this.refresh('background').catch(() => undefined);
  }

  private async lookUp(id: string): Promise<StatusLookup> {
    const now = this.deps.clock.now().getTime();
    const snapshotFresh = now - this.bulkLoadedAt <= this.o.reportMaxAgeMs;
    // Many people waiting at once (after an assembly): one pass over the report serves them all.
    if (this.bulk || (!snapshotFresh && this.inflightRows.size >= this.o.batchThreshold)) {
      await this.refresh('interactive').catch(() => undefined);
      const hit = this.cached(id);
      if (hit) return { kind: 'known', snapshot: hit };
    }
    const details = await this.deps.directory.registrationDetails(id, { priority: 'interactive' });
    if (details) {
      this.remember(details);
      return { kind: 'known', snapshot: this.cached(id) ?? fromDetails(details) };
    }
    // Not in the report: a brand-new account the report has not reached yet, or no account at all.
    return this.look(id);
  }

  private async look(id: string): Promise<StatusLookup> {
    const live = await this.deps.directory.liveMethods(id, { priority: 'interactive' });
    if (!live) return { kind: 'unknownUser' };
    this.liveLooks.set(id, { snapshot: fromLive(live), storedAt: this.deps.clock.now().getTime() });
    const row = this.reportRows.get(id)?.snapshot;
    return { kind: 'known', snapshot: combineSnapshots(row, fromLive(live))! };
  }

  private remember(details: RegistrationDetails): void {
    const snapshot = fromDetails(details);
    const at = this.deps.clock.now().getTime();
    if (details.source === 'live') this.liveLooks.set(details.userId, { snapshot, storedAt: at });
    else this.reportRows.set(details.userId, { snapshot, storedAt: at });
  }

  private async readReport(priority: 'interactive' | 'background'): Promise<void> {
    const started = this.deps.clock.now().getTime();
    let rows = 0;
    let pages = 0;
    try {
      for await (const page of this.deps.directory.registrationReport(
        {},
        { priority, fallbackToLive: false },
      )) {
        pages += 1;
        for (const details of page) {
          this.remember(details);
          rows += 1;
        }
      }
      this.bulkLoadedAt = started;
      this.deps.log.info(
        { rows, pages, ms: this.deps.clock.now().getTime() - started, priority },
        'registration report snapshot refreshed',
      );
    } catch (error) {
      if (error instanceof ReportUnavailableError) {
        this.reportAvailable = false;
        this.deps.log.warn(
          'no registration report in this tenant: status comes from live looks, one user at a time',
        );
        return;
      }
      this.deps.log.warn(
        { rows, pages, err: { name: (error as Error).name } },
        'registration report refresh failed; the snapshot keeps its older rows',
      );
      throw error;
    }
  }
}
