/**
 * The delivery engine: takes nudges off the queue and sends them at the Teams limits. Each message is checked
 * again just before it is sent (still the nudge owed? still not registered? snoozed? inside the window?), the
 * send is taken in the ledger with a conditional write so two workers never both send it, and every outcome is
 * recorded: sent, blocked (403: never retried), not installable, skipped (registered), expired, or failed after
 * retries. 429s pause every send for Retry-After; 412/5xx and timeouts are retried with backoff and jitter.
 *
 * Crashes: a send whose worker died between taking it and recording Teams' answer is found when its message
 * comes back. Teams offers no idempotency key and no way to ask whether it arrived. The row says how far the
 * send got: the take is written just before the send (after the rate slot and the card), and `onWireAt` from
 * inside the connector client, as its last step before the HTTP request that carries the card (after the
 * middleware, the token and the client's retry policy), and that request waits until the note is stored. A
 * take without `onWireAt` had not left: it is sent now. A take with `onWireAt` is recorded as sent
 * (`unconfirmed`) and not repeated, so a crash can no longer send one twice. What remains is the other way
 * round: a crash after the note is stored and before the request's bytes reach the socket records as sent a
 * nudge that never left. On SQLite the note is written in-process, so that is the hand-over to the socket
 * (well under a millisecond; a connect for a new socket). On Azure Storage it also holds the note's answer
 * coming back and waiting for this process's event loop: milliseconds, tens on a busy instance (a planning
 * pass on the same process). No order of note and request closes it without an idempotency key at Teams.
 */
import { RequestBudget } from '../adapters/graph/requestBudget';
import { holdsCard } from '../domain/campaign/doneCards';
import { nudgeDue, parseNudgeKey, snoozesUsed } from '../domain/campaign/nudgeDecision';
import { homeHint } from '../domain/campaign/windowHint';
import { localDateOf } from '../domain/policy/localDate';
import { checkHolds, completeOnlyIfEmailIsPersonal, withEmailCheck } from '../domain/registration/emailCheck';
import { evaluateRegistration } from '../domain/registration/evaluateRegistration';
import type { MethodAvailability } from '../domain/policy/availability';
import type { RegistrationSnapshot } from '../domain/registration/snapshot';
import { nudgeCard } from '../features/campaign/nudgeCards';
import { nudgeRefresh, refreshable, statusRefresh } from '../cards/cardRefresh';
import { viewContextAt, type ViewContext } from '../features/shared/wording';
import { statusCard } from '../features/status/statusCards';
import type { StoredConversationReference } from '../ports/conversationReferenceStore';
import type { StoredUserProgress } from '../ports/userProgressStore';
import { packageCatalogues } from '../i18n/catalogue';
import { languageTagOf } from '../i18n/localeFor';
import type { LedgerEntry, LedgerPatch } from '../ports/nudgeLedger';
import type { NudgeJob, ReceivedJob } from '../ports/nudgeQueue';
import type { SendOutcome } from '../ports/messenger';
import { ConcurrencyError } from '../ports/versioned';
import { MemorySendWindow } from '../sending/memorySendWindow';
import { SendBudget, type SendLane } from '../sending/sendBudget';
import { registeredMarker, type CampaignDeps } from './campaignContext';
import { EmailChecks } from './emailChecks';
import { windowGroupOf } from './windowGroups';
import { holderIsGone, newWorkerId } from './workerProcess';

/** What happened to one message, for logs, tests and the drain loop. */
export type JobResult =
  | 'sent'
  | 'unconfirmed'
  | 'blocked'
  | 'notInstallable'
  | 'skippedRegistered'
  | 'expired'
  | 'failed'
  | 'deferred'
  | 'installing'
  | 'dropped'
  /** A sent nudge's card in the chat now shows the user is done. */
  | 'cardUpdated'
  /** Its chat or message is no longer there: not tried again. */
  | 'cardGone';

export interface WorkerStats {
  results: Record<JobResult, number>;
  throttled: number;
  /** Sends found on the wire when their worker died: recorded as sent (`unconfirmed`), not repeated. */
  inDoubt: number;
  /** Sends found taken by a worker that died before the request left: sent again. */
  interrupted: number;
}

/** The fields of a send's take, dropped when the send ends or is given back. */
const NO_TAKE = { attemptBy: undefined, attemptAt: undefined, onWireAt: undefined } as const;

/** How often a worker looks for messages held by processes that have ended (one small query). */
const TAKE_BACK_EVERY_MS = 5_000;

/** How long a per-user read started with a send stays good enough to decide on (see `handle`). */
const MARK_FRESH_MS = 1_000;

/** Free slots a busy worker waits for before it receives again. */
const RECEIVE_BATCH = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (ms: number) => Math.round(ms * (0.8 + Math.random() * 0.4));
/** The wait before the next try after `failures` real failures: doubling from 1 s, at most a minute, jittered. */
const backoff = (failures: number) => jitter(Math.min(60_000, 1000 * 2 ** (failures - 1)));

export class NudgeWorker {
  /** Names this process, so that a restarted one on the same machine can tell this one has ended. */
  readonly id = newWorkerId();
  readonly stats: WorkerStats = {
    results: {
      sent: 0,
      unconfirmed: 0,
      blocked: 0,
      notInstallable: 0,
      skippedRegistered: 0,
      expired: 0,
      failed: 0,
      deferred: 0,
      installing: 0,
      dropped: 0,
      cardUpdated: 0,
      cardGone: 0,
    },
    throttled: 0,
    inDoubt: 0,
    interrupted: 0,
  };
  private readonly sends: SendLane;
  private readonly spacing: RequestBudget;
  private readonly installs: RequestBudget;
  private inFlight = 0;
  private lastTakeBackAt = -Infinity;
  private stopping = false;
  private refreshing?: Promise<void>;
  /** Rows this worker is working on now: a second copy of one waits (the queue can hold duplicates). */
  private readonly working = new Set<string>();
  /** When this worker's own deferrals come back (the drain waits for them). */
  private expectedBackAt = 0;

  private readonly emails: EmailChecks;

  constructor(private readonly deps: CampaignDeps) {
    this.emails = new EmailChecks(deps);
    const d = deps.delivery;
    // At most `sendsPerSecond` ARRIVALS at Teams in any second, whatever the network does, and the pupils' replies
    // first: the campaign's sends take their tickets from the app's send budget (shared by every process that
    // sends for the app; src/sending/) inside the connector client, so the client's own retries are paced too.
    // A worker built without one has a budget of its own: its sends and one ticket kept free.
    const budget =
      deps.sendBudget ??
      new SendBudget(new MemorySendWindow(d.sendsPerSecond + 1), { log: deps.log, holder: this.id });
    this.sends = budget.lane('campaign');
    // Evenly spaced starts, a little tighter than the rate so that a late timer can catch up: the pacer is the
    // cap; the spacing keeps the sends from leaving in bursts.
    this.spacing = new RequestBudget({ limit: 1, windowMs: Math.floor(1000 / (d.sendsPerSecond * 1.1)) });
    this.installs = new RequestBudget({ limit: d.installsPerSecond, windowMs: 1000, marginMs: 20 });
  }

  /** Works the queue until `stop()`; sleeps `pollMs` when there is nothing to do. */
  async run(pollMs = 1000): Promise<void> {
    while (!this.stopping) {
      const took = await this.tick();
      if (took === 0) await sleep(pollMs);
    }
    await this.idle();
  }

  /**
   * Works the queue until nothing has been visible for `quietMs` and this worker's own retries are done: the
   * command line's one pass. `quietMs` should exceed the visibility timeout, so that messages a crashed worker
   * held come back and are finished. While `busy()` (a planning pass still queuing) it is never quiet.
   */
  async drain(quietMs: number, pollMs = 250, busy?: () => boolean): Promise<WorkerStats> {
    let quietSince = Date.now();
    while (!this.stopping) {
      const lookedAt = Date.now();
      const took = await this.tick();
      if (took > 0 || this.inFlight > 0 || busy?.()) quietSince = Date.now();
      // Judged by when the look began: a slow receive that began before a deferred message was back may have
      // returned after it was due, without it.
      const waitingForOwn = this.expectedBackAt >= lookedAt;
      if (took === 0 && !waitingForOwn && Date.now() - quietSince >= quietMs) break;
      if (took === 0) await sleep(pollMs);
    }
    await this.idle();
    return this.stats;
  }

  stop(): void {
    this.stopping = true;
    this.spacing.close();
    this.sends.close();
    this.installs.close();
  }

  private async idle(): Promise<void> {
    while (this.inFlight > 0) await sleep(20);
  }

  /** Receives what fits in the free concurrency and starts it; returns how many were received. */
  private async tick(): Promise<number> {
    const free = this.deps.delivery.concurrency - this.inFlight;
    // While sends are in flight, wait for a batch of free slots rather than asking for one message at a time:
    // at the Teams pace slots free up one by one, and every receive is a request to the store.
    if (free <= 0 || (this.inFlight > 0 && free < Math.min(RECEIVE_BATCH, this.deps.delivery.concurrency))) {
      await sleep(5);
      return 1;
    }
    await this.refreshIfStale();
    await this.takeBackFromTheDead();
    const received = await this.deps.queue.receive(
      Math.min(32, free),
      this.deps.delivery.visibilityTimeoutMs,
      this.id,
    );
    // Each message runs on its own (the pool is `concurrency` wide); `idle()` waits for all of them.
    for (const message of received) {
      this.inFlight += 1;
      void this.process(message)
        .then((result) => {
          this.stats.results[result] += 1;
        })
        .catch((error: unknown) => {
          // A store or programming error: the message comes back after its timeout and is tried again.
          this.deps.log.error(
            { err: { message: (error as Error).message }, nudge: message.job.nudge },
            'nudge job failed',
          );
        })
        .finally(() => {
          this.inFlight -= 1;
        });
    }
    return received.length;
  }

  /**
   * Where the store can tell (one machine, SQLite), what a process that has ended held is taken back at once,
   * at the first receive and every few seconds after, instead of after the visibility timeout: a restarted
   * `npm run nudge` goes on at once.
   */
  private async takeBackFromTheDead(): Promise<void> {
    const { queue, log } = this.deps;
    const now = Date.now();
    if (!queue.takeBackFrom || now - this.lastTakeBackAt < TAKE_BACK_EVERY_MS) return;
    this.lastTakeBackAt = now;
    const taken = await queue.takeBackFrom(holderIsGone);
    if (taken > 0) log.info({ taken }, 'nudges held by a process that has ended: taken back');
  }

  /** True when the worker that took a send is known to have ended with its process (same machine only). */
  private takerIsGone(attemptBy: string | undefined): boolean {
    return !!this.deps.queue.takeBackFrom && holderIsGone(attemptBy);
  }

  /**
   * Keeps the report snapshot young enough that nobody registered is nagged: a stale snapshot is re-read in
   * the background while sends go on from the rows already known. A process that has never read it sends
   * what the planner saw while that is as young (`NudgeJob.seen`: a restart goes on at once) and waits for its
   * first read for the rest (one pass over the report beats a live look per user).
   */
  private async refreshIfStale(): Promise<void> {
    const { status, clock, delivery, queue } = this.deps;
    if (!status.hasReport) return;
    const stale = clock.now().getTime() - status.reportReadAt >= delivery.recheckMs;
    // Only while there is something to send: an idle scheduler costs Graph nothing.
    if (stale && !this.refreshing && (await queue.approximateCount()) > 0) {
      this.refreshing = status
        .refresh('background')
        .catch(() => undefined)
        .finally(() => (this.refreshing = undefined));
    }
  }

  /** Resolves once this process has a report snapshot of its own (at once when it has, or has none to read). */
  private async firstReportRead(): Promise<void> {
    const { status } = this.deps;
    if (status.hasReport && status.reportReadAt === 0 && this.refreshing) await this.refreshing;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /** A message with nothing (more) to do: removed from the queue. */
  private async drop(message: ReceivedJob): Promise<JobResult> {
    await this.deps.queue.delete(message.messageId, message.popReceipt);
    return 'dropped';
  }

  /**
   * Teams said slow down: every send waits, not only this one (the limit is per app), before `release` gives
   * the row back, and this message comes back after the wait.
   */
  private async throttled(
    message: ReceivedJob,
    retryAfterMs = 1000,
    release?: () => Promise<void>,
  ): Promise<JobResult> {
    this.stats.throttled += 1;
    this.sends.pause(retryAfterMs);
    await release?.();
    return this.defer(message, jitter(retryAfterMs) + 50);
  }

  private async defer(message: ReceivedJob, ms: number): Promise<JobResult> {
    const wait = Math.max(100, Math.round(ms));
    await this.deps.queue.defer(message.messageId, message.popReceipt, wait);
    if (wait <= 10 * 60_000) this.expectedBackAt = Math.max(this.expectedBackAt, Date.now() + wait);
    return 'deferred';
  }

  /**
   * Writes `patch` over the row as this worker last saw it (`entry`), and returns the new version, or
   * undefined when the row is no longer this worker's to write. A conflict (412) is not always a rival: the
   * planner marks rows enqueued after their messages are on the queue, so a worker can be sending a row
   * while that mark lands (it keeps every other field). So on a conflict the row is read again, and the
   * patch is applied to the fresh version as long as nothing that matters changed: still `queued`, the same
   * attempts, and the same send in progress (this worker's, or none). Otherwise someone else decided, and
   * theirs stands.
   */
  private async write(
    entry: LedgerEntry,
    patch: Omit<LedgerPatch, 'updatedAt'>,
  ): Promise<LedgerEntry | undefined> {
    const { ledger } = this.deps;
    let current = entry;
    for (let round = 0; round < 5; round++) {
      try {
        return await ledger.update(current, current.etag, { ...patch, updatedAt: this.now() });
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
      const fresh = await ledger.get(entry);
      const unchanged =
        fresh?.state === 'queued' &&
        fresh.attempts === entry.attempts &&
        fresh.attemptBy === entry.attemptBy &&
        fresh.attemptAt === entry.attemptAt;
      if (!unchanged) return undefined;
      current = fresh;
    }
    return undefined;
  }

  /** Records a final state for the row (from `entry`'s etag) and removes the message. */
  private async finish(
    message: ReceivedJob,
    entry: LedgerEntry,
    patch: Omit<LedgerPatch, 'updatedAt'>,
  ): Promise<void> {
    // Undefined: someone else finished it meanwhile, and theirs stands.
    await this.write(entry, { ...NO_TAKE, ...patch });
    await this.deps.queue.delete(message.messageId, message.popReceipt);
  }

  private async process(message: ReceivedJob): Promise<JobResult> {
    const { job } = message;
    const row = `${job.campaignId}|${job.userId}|${job.nudge}`;
    if (this.working.has(row)) return this.defer(message, 2000);
    this.working.add(row);
    try {
      return await this.handle(message);
    } finally {
      this.working.delete(row);
    }
  }

  /**
   * Starts the per-user reads a send needs. One left unused (a row dropped or put off) must not become an
   * unhandled rejection; one awaited still throws.
   */
  private userReads(userId: string) {
    const { campaign, ledger, references, progress } = this.deps;
    const started = <T>(read: Promise<T>): Promise<T> => {
      read.catch(() => undefined);
      return read;
    };
    return {
      reference: started(references.get(userId)),
      windowGroup: started(windowGroupOf(this.deps, userId)),
      registered: started(ledger.getMarker(campaign.id, registeredMarker(userId))),
      progress: started(progress.get(userId)),
    };
  }

  private async handle(message: ReceivedJob): Promise<JobResult> {
    const { ledger, campaign, clock, delivery, log } = this.deps;
    const { job } = message;
    // The user's reads go out together (each is a round trip on Azure Storage); the row decides what is used.
    const reads = this.userReads(job.userId);
    // One read for the row and the user's other rows (the decision below needs both).
    const history = await ledger.history(campaign.id, job.userId);
    let entry = history.find((h) => h.nudge === job.nudge);
    if (job.show === 'done') return this.showDone(message, entry, reads);
    if (!entry || entry.state !== 'queued') return this.drop(message);
    const nowMs = clock.now().getTime();
    const attemptAge = entry.attemptAt ? nowMs - Date.parse(entry.attemptAt) : undefined;
    if (
      attemptAge !== undefined &&
      attemptAge < delivery.visibilityTimeoutMs &&
      entry.attemptBy !== this.id &&
      !this.takerIsGone(entry.attemptBy)
    ) {
      // Another worker is sending it right now (this one's own takes are live only while in `working`): look
      // again once its send must have ended.
      return this.defer(message, delivery.visibilityTimeoutMs - attemptAge);
    }
    if (attemptAge !== undefined && entry.onWireAt) {
      // The worker that took this send died with its request on the wire, before recording Teams' answer. A
      // request on the wire almost always lands (Teams does not care that our socket closed), so it is recorded
      // as sent but unconfirmed, and not sent again: one reminder per stage matters more than the rare one lost.
      this.stats.inDoubt += 1;
      log.warn(
        { userId: job.userId, nudge: job.nudge },
        'nudge send in doubt after a crash: recorded as unconfirmed',
      );
      await this.finish(message, entry, { state: 'sent', detail: 'unconfirmed', inDoubt: true });
      return 'unconfirmed';
    }
    if (attemptAge !== undefined) {
      // Taken by a worker that died before the request left: nothing reached Teams, so it is sent now.
      const released = await this.write(entry, NO_TAKE);
      if (!released) return this.defer(message, 1000);
      this.stats.interrupted += 1;
      log.info(
        { userId: job.userId, nudge: job.nudge },
        'nudge send interrupted before it left (a crash): sending it',
      );
      entry = released;
    }

    const reference = await reads.reference;
    const due = nudgeDue({
      campaign,
      now: clock.now(),
      history: history.filter((h) => h.nudge !== job.nudge),
      reachableSince: reference?.updatedAt,
      // The windows of the group the planner met the user in (pupils after school, staff in the day).
      group: await reads.windowGroup,
    });
    if (due.kind === 'none' || due.nudge !== job.nudge) {
      await this.finish(message, entry, {
        state: 'expired',
        detail: due.kind === 'none' ? due.reason : 'superseded',
      });
      return 'expired';
    }
    if (due.kind === 'wait') return this.defer(message, due.until.getTime() - nowMs);

    const progress = (await reads.progress)?.value;
    const ctx = this.viewContext(progress, reference, job.firstName);
    const deciding = Date.now();
    const snapshot = await this.registration(job, ctx.methods);
    const evaluation = evaluateRegistration(snapshot?.methods ?? [], ctx.methods);
    // The "registered" mark read with the others is as old as the wait for the report or a live look (seconds,
    // minutes for a whole report): after a wait it is read again, so an "I've done it" meanwhile still counts.
    const registered =
      Date.now() - deciding > MARK_FRESH_MS
        ? ledger.getMarker(campaign.id, registeredMarker(job.userId))
        : reads.registered;
    if (evaluation.complete || (await registered)) {
      await this.finish(message, entry, { state: 'skippedRegistered' });
      return 'skippedRegistered';
    }

    let chatId: string | undefined;
    if (!reference) {
      if (!entry.installedAt) return this.install(message, entry);
      // Installed: Teams tells the bot (installationUpdate) and the bot keeps the reference; if that has not
      // happened after a while, send to the chat the install created.
      const waited = nowMs - Date.parse(entry.installedAt);
      if (waited < delivery.installWaitMs)
        return this.defer(message, Math.min(5_000, delivery.installWaitMs - waited));
      chatId = entry.chatId;
    }

    const stage = campaign.stages.find((s) => s.key === parseNudgeKey(job.nudge).stage)!;
    const hint = homeHint(campaign, due.window, localDateOf(clock.now(), campaign.timeZone));
    const card = refreshable(
      nudgeCard(
        {
          campaignId: campaign.id,
          nudge: job.nudge,
          tone: stage.tone,
          evaluation,
          progress,
          snoozesLeft: Math.max(0, campaign.policy.snooze.max - snoozesUsed(history)),
          snoozeHours: campaign.policy.snooze.hours,
          hint,
        },
        ctx,
      ),
      nudgeRefresh(campaign.id, job.nudge, hint),
    );
    // The slot first, then the take: a take is followed at once by the request, so a send is taken only when
    // it is about to leave.
    try {
      await this.spacing.acquire('background');
    } catch {
      return 'deferred'; // stopping: the message comes back after its timeout
    }
    // Take the send: a conditional write, so a second worker holding a copy of this message backs off.
    const taken = await this.write(entry, {
      attempts: entry.attempts + 1,
      attemptBy: this.id,
      attemptAt: this.now(),
      onWireAt: undefined,
    });
    // Another worker took it, or it changed state: the message comes back after its timeout and is looked at again.
    if (!taken) return 'deferred';

    // The row says the message is on the wire from inside the connector client: the note is stored, and
    // awaited, as the client's last step before the request that carries the card, so should this process die,
    // the next worker can tell a send that may have left from one that never did.
    let noted: LedgerEntry | undefined;
    let withdrawn = false;
    // A note that cannot be stored does not stop the send (the hand-off logs it and lets the request go).
    const noteOnWire = async (): Promise<boolean> => {
      noted = await ledger.noteOnWire(taken, this.now());
      // The take is gone (someone else decided about this row): nothing leaves.
      withdrawn = !noted;
      return !withdrawn;
    };
    const pace = () => this.sends.acquire();
    const outcome: SendOutcome = chatId
      ? await this.deps.messenger.sendToChat(job.userId, chatId, [card], {
          noteOnWire,
          pace,
          kind: 'campaign',
        })
      : await this.deps.messenger.sendToUser(job.userId, [card], {
          reference,
          noteOnWire,
          pace,
          kind: 'campaign',
        });
    // Withdrawn: the message comes back after its timeout and is looked at again.
    if (withdrawn) return 'deferred';
    return this.record(message, noted ?? taken, outcome);
  }

  /** Proactive, so no turn says the language: the one the user chose, else the one Teams last said they use. */
  private viewContext(
    progress: StoredUserProgress | undefined,
    reference: StoredConversationReference | undefined,
    firstName: string | undefined,
  ): ViewContext {
    const catalogues = this.deps.catalogues ?? packageCatalogues(this.deps.policy.school.timeZone);
    // A reference saved before the language was kept beside it still holds Teams' own copy of it.
    const teamsLocale = reference?.locale ?? languageTagOf(reference?.reference.locale);
    const t = catalogues.translatorFor(catalogues.localeOf(progress?.language, teamsLocale));
    return viewContextAt(this.deps.policy, this.deps.clock.now(), firstName, t);
  }

  /**
   * Brings a nudge already in the chat up to date once its user is registered: the message becomes their status
   * card ("You're all set"), so a pupil who registered yesterday does not scroll back to "you haven't set up".
   * Replacing a card is idempotent, so a second copy of the message, or one a dead worker held, does no harm;
   * it goes at the campaign's pace, in the app's send budget. Decided on the worker's own view of the user: a
   * report that has not caught up yet leaves the card for a later pass.
   */
  private async showDone(
    message: ReceivedJob,
    entry: LedgerEntry | undefined,
    reads: ReturnType<NudgeWorker['userReads']>,
  ): Promise<JobResult> {
    const { clock, messenger } = this.deps;
    if (!entry?.activityId || !holdsCard(entry) || (entry.doneCard && entry.doneCard !== 'queued'))
      return this.drop(message);
    const reference = await reads.reference;
    if (!reference) return this.cardSettled(message, entry, 'gone');
    const progress = (await reads.progress)?.value;
    const ctx = this.viewContext(progress, reference, message.job.firstName);
    let snapshot = await this.registration(message.job, ctx.methods);
    let evaluation = evaluateRegistration(snapshot?.methods ?? [], ctx.methods);
    if (!evaluation.complete && (await reads.registered)) {
      // The pupil's own "I've done it" found them registered, perhaps in another process whose live look this
      // one never saw (the report lags by hours): one live look of its own, at background pace (their other
      // reminders, taken at the same time, share it).
      const looked = await this.deps.status.backgroundLook(entry.userId).catch(() => undefined);
      if (looked?.kind === 'known') {
        snapshot = looked.snapshot;
        evaluation = evaluateRegistration(snapshot.methods, ctx.methods);
      }
    }
    if (!snapshot || !evaluation.complete) return this.drop(message);
    const card = refreshable(
      statusCard({ evaluation, snapshot, afterCheck: false, progress, now: clock.now() }, ctx),
      statusRefresh(true),
    );
    try {
      await this.spacing.acquire('background');
    } catch {
      return 'deferred';
    }
    const outcome = await messenger.updateCard(entry.userId, entry.activityId, card, {
      reference,
      pace: () => this.sends.acquire(),
      kind: 'campaign',
    });
    switch (outcome.kind) {
      case 'sent':
        return this.cardSettled(message, entry, 'shown');
      case 'gone':
      case 'noConversation':
        return this.cardSettled(message, entry, 'gone');
      case 'throttled':
        return this.throttled(message, outcome.retryAfterMs);
      case 'failed':
        // Refused as it stands (a 4xx), or failing every time: given up, so no pass asks again. The dequeue
        // count also grows with 429s and waits, so it is allowed twice the sends' real failures.
        if (
          (outcome.status !== undefined && outcome.status >= 400 && outcome.status < 500) ||
          message.dequeueCount >= 2 * this.deps.delivery.maxDeliveries
        )
          return this.cardSettled(message, entry, 'gone');
        return this.defer(message, backoff(message.dequeueCount));
    }
  }

  /** Records where a card update ended (a sent row is no take's: a conflict is the planner's `queued` mark). */
  private async cardSettled(
    message: ReceivedJob,
    entry: LedgerEntry,
    doneCard: 'shown' | 'gone',
  ): Promise<JobResult> {
    const { ledger } = this.deps;
    let current: LedgerEntry | undefined = entry;
    for (let round = 0; current && round < 3; round++) {
      try {
        await ledger.update(current, current.etag, {
          doneCard,
          doneCardAt: this.now(),
          updatedAt: current.updatedAt,
        });
        break;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        current = await ledger.get(entry);
      }
    }
    await this.deps.queue.delete(message.messageId, message.popReceipt);
    return doneCard === 'shown' ? 'cardUpdated' : 'cardGone';
  }

  private async record(message: ReceivedJob, entry: LedgerEntry, outcome: SendOutcome): Promise<JobResult> {
    const release = async (): Promise<void> => {
      await this.write(entry, NO_TAKE);
    };
    switch (outcome.kind) {
      case 'sent':
        // The last message is the card (kept so the card can say "done" once the user is).
        await this.finish(message, entry, { state: 'sent', activityId: outcome.activityIds.at(-1) });
        return 'sent';
      case 'gone':
        await this.finish(message, entry, { state: 'blocked', detail: outcome.reason });
        return 'blocked';
      case 'throttled':
        return this.throttled(message, outcome.retryAfterMs, release);
      case 'noConversation':
        await release();
        return this.defer(message, 1000);
      case 'failed':
        // No answer at all (a timeout, a connection dropped mid-request) after the note was stored: the request
        // left and may well have landed. Sending it again could give the pupil two, so it is recorded like a send
        // on the wire at a crash. An answer (a 5xx), no connection at all, or no note is a failure, tried again.
        if (outcome.unanswered && entry.onWireAt) {
          this.stats.inDoubt += 1;
          this.deps.log.warn(
            { userId: entry.userId, nudge: entry.nudge },
            'nudge send left but got no answer: recorded as unconfirmed, not sent again',
          );
          await this.finish(message, entry, { state: 'sent', detail: 'unconfirmed', inDoubt: true });
          return 'unconfirmed';
        }
        // Stopping: the pacer refused the start, nothing left; the message comes back, no failure counted.
        if (this.stopping && !entry.onWireAt) {
          await release();
          return 'deferred';
        }
        return this.failedOnce(message, entry, outcome.status ? `http${outcome.status}` : 'error', NO_TAKE);
    }
  }

  /**
   * One real failure (a 5xx, a timeout), counted on the row: the queue's dequeue count also grows with every
   * wait (429s, the window, an install), which would fail a nudge after one real failure. After
   * `maxDeliveries` of them the nudge is `failed` with `detail`; before, it comes back with backoff. `release`
   * is what else the row drops for the retry (a send's take).
   */
  private async failedOnce(
    message: ReceivedJob,
    entry: LedgerEntry,
    detail: string,
    release: Omit<LedgerPatch, 'updatedAt'> = {},
  ): Promise<JobResult> {
    const failures = (entry.failures ?? 0) + 1;
    if (failures >= this.deps.delivery.maxDeliveries) {
      await this.finish(message, entry, { state: 'failed', detail, failures });
      return 'failed';
    }
    await this.write(entry, { ...release, failures });
    return this.defer(message, backoff(failures));
  }

  private async registration(
    job: NudgeJob,
    methods: MethodAvailability,
  ): Promise<RegistrationSnapshot | undefined> {
    const { userId, seen } = job;
    const { status, clock, delivery } = this.deps;
    if (status.hasReport && status.reportReadAt === 0) {
      // No report read here yet: the planner's row is as good as one while its read is as young as ours must be.
      if (seen && clock.now().getTime() - seen.readAt < delivery.recheckMs) {
        return this.withEmailSeen(
          { userId, methods: seen.methods, source: 'report', asOf: seen.asOf },
          methods,
        );
      }
      await this.firstReportRead();
    }
    // A live look is trusted for the recheck age only: without a report row nothing else refreshes it, and a
    // pupil who registered since must not get the next stage.
    const known = this.deps.status.snapshotFor(userId, { liveMaxAgeMs: this.deps.delivery.recheckMs });
    if (known) return this.withEmailSeen(known, methods);
    // Not in the report (a new account, or a tenant without the report), or its live look is too old: one
    // live look, at background pace.
    // If the look fails (Graph busy or down), the older look is still better than knowing nothing.
    try {
      const looked = await this.deps.status.backgroundLook(userId);
      if (looked.kind === 'known') return looked.snapshot;
    } catch {
      // fall through to the older look
    }
    return this.deps.status.snapshotFor(userId);
  }

  /**
   * A report row that is complete only if its email is personal, with what the planner's look found (kept in
   * the ledger, so any instance knows). Without a look that still holds (the row changed since), one look now:
   * rare, and a pupil on their school address must not be passed over as registered.
   */
  private async withEmailSeen(
    snapshot: RegistrationSnapshot,
    methods: MethodAvailability,
  ): Promise<RegistrationSnapshot> {
    if (!completeOnlyIfEmailIsPersonal(snapshot.methods, methods)) return snapshot;
    const check = await this.emails.get(snapshot.userId);
    if (checkHolds(snapshot, check)) return withEmailCheck(snapshot, check);
    try {
      return (await this.emails.look(snapshot.userId, this.deps.clock.now()))?.snapshot ?? snapshot;
    } catch {
      return snapshot; // Graph busy or down: the report's view, as before the look
    }
  }

  private async install(message: ReceivedJob, entry: LedgerEntry): Promise<JobResult> {
    const { installer, directory, log } = this.deps;
    const user = await directory.getUser(entry.userId).catch(() => undefined);
    const notInstallable = async (reason: string): Promise<JobResult> => {
      await this.finish(message, entry, { state: 'notInstallable', detail: reason });
      return 'notInstallable';
    };
    if (user && !user.accountEnabled) return notInstallable('disabled');
    if (user?.userType === 'guest') return notInstallable('guest');
    if (!installer) return notInstallable('notConfigured');
    try {
      await this.installs.acquire('background');
    } catch {
      return 'deferred';
    }
    const outcome = await installer.installForUser(entry.userId);
    switch (outcome.kind) {
      case 'installed':
        await this.write(entry, { installedAt: this.now(), chatId: outcome.chatId });
        log.info(
          { userId: entry.userId, alreadyInstalled: outcome.alreadyInstalled },
          'app installed for nudge',
        );
        await this.defer(message, Math.min(5_000, this.deps.delivery.installWaitMs));
        return 'installing';
      case 'notInstallable':
        return notInstallable(outcome.reason);
      case 'throttled':
        this.installs.pause(outcome.retryAfterMs ?? 1000);
        return this.defer(message, jitter(outcome.retryAfterMs ?? 1000));
      case 'failed':
        return this.failedOnce(message, entry, 'installFailed');
    }
  }
}
