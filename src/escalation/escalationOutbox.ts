/**
 * The outbox that turns stored escalations into exactly one mail each. Every escalation is in the store
 * before anything is sent; this worker composes its mail once (identity and registration from the
 * directory), then sends the same mail until the Mailer says accepted (202), honouring Retry-After and
 * backing off otherwise, at most `concurrency` sends at a time (Exchange allows 4 per mailbox).
 *
 * Exactly once: an attempt is claimed in the store (counted, marked in flight) before its request and marked
 * sent only on 202, so a restart never resends a sent mail and always resends an unsent one. The one window
 * left is a request that reached Exchange whose answer was lost (a crash or a timeout mid-request): that
 * escalation is sent again, with the same Message-ID and reference, and the log says a duplicate is possible.
 * With Mail.Send alone nothing can ask Exchange whether the first one went (see docs/escalation.md).
 *
 * Several instances on one store (Azure): each runs this outbox and may find the same escalation due; the
 * store's compare-and-set claim lets one of them send, the mail composed first is the one sent, a channel
 * copy is claimed before it is posted, and an attempt counts as interrupted only once it is older than any
 * live send (`abandonedAfterMs`), so a starting instance never resends what another is sending.
 */
import type { AdaptiveCardJson } from '../cards/cardTemplates';
import type { OutgoingMail } from '../domain/escalation/escalationMail';
import type { Logger } from '../logging/logger';
import type { ChannelPoster, ChannelTarget } from '../ports/channelPoster';
import type { Clock } from '../ports/clock';
import type { Escalation, EscalationStore } from '../ports/escalationStore';
import type { Mailer } from '../ports/mailer';
import type { Messenger, SendOutcome } from '../ports/messenger';

/** The cards the outbox sends on its own: to the user after a delay, and to the IT channel. */
export interface OutboxCards {
  /** To the user: the mail they were told was delayed has now reached the desk. */
  delivered(escalation: Escalation): AdaptiveCardJson;
  /** To the user: the desk could not be reached; walk in instead (with the reference). */
  failed(escalation: Escalation): AdaptiveCardJson;
  /** To the IT channel: reference, category, preferred help, delivery state (no names, no words). */
  channelCopy(escalation: Escalation): AdaptiveCardJson;
}

export interface EscalationOutboxDeps {
  store: EscalationStore;
  mailer: Mailer;
  /** Builds the mail of a queued escalation; throws when the directory cannot be asked (retried later). */
  compose(escalation: Escalation, options: { degraded: boolean }): Promise<OutgoingMail>;
  messenger: Messenger;
  cards: OutboxCards;
  clock: Clock;
  log: Logger;
  /** The IT channel copy, when the policy names a channel. */
  channel?: {
    poster: ChannelPoster;
    target: (escalation: Escalation) => Promise<ChannelTarget>;
  };
  options?: OutboxOptions;
}

export interface OutboxOptions {
  /** Sends at once (Exchange: 4 concurrent requests per mailbox; default 2 leaves room for people). */
  concurrency?: number;
  /** First backoff when the service gave no Retry-After (default 2 s, doubling, with jitter). */
  baseBackoffMs?: number;
  /** Longest backoff (default 15 minutes). */
  maxBackoffMs?: number;
  /** After this long unsent, give up and tell the user to walk in (default 72 hours). */
  giveUpAfterMs?: number;
  /** After this long without the directory, compose without identity and registration (default 10 minutes). */
  composeDegradedAfterMs?: number;
  /** Channel copy attempts before giving up (default 3, per instance). */
  channelAttempts?: number;
  /** Tries of the user's notice before giving up (default 5, per instance; backoff as for mail). */
  noticeAttempts?: number;
  /**
   * Who else works on this store. 'one' (SQLite in DATA_DIR): at start, every attempt still in flight was cut
   * off by the stop. 'several' (a shared Azure store): another instance may be sending right now, so an attempt
   * counts as abandoned only once it is older than `abandonedAfterMs`, and running instances keep looking for
   * abandoned ones (the instance that died may not come back soon).
   */
  instances?: 'one' | 'several';
  /** Longer than any live attempt holds its claim: the sendMail timeout and the storage writes (default 90 s). */
  abandonedAfterMs?: number;
  /** How long a claim on a channel post holds before another try may take it over (default 2 minutes). */
  channelClaimMs?: number;
}

const MINUTE = 60_000;
/** With several instances: how often a running instance looks for attempts abandoned by a dead one. */
const ABANDONED_SCAN_MS = 30_000;

/** Where one escalation stands after the outbox's first try (for the answer within the turn). */
export type DeliveryNow = 'sent' | 'delayed' | 'failed';

export class EscalationOutbox {
  private readonly o: Required<OutboxOptions>;
  /** Escalations being worked on in this process. */
  private readonly working = new Map<string, Promise<void>>();
  /** Waiters for an escalation's next settled attempt. */
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly channelTries = new Map<string, number>();
  /** Notices that Teams did not take: tries so far and when the next may be made. */
  private readonly noticeRetries = new Map<string, { tries: number; nextAt: number }>();
  private timer?: NodeJS.Timeout;
  private pumping?: Promise<void>;
  private again = false;
  private stopped = false;
  private lastAbandonedScan = 0;

  constructor(private readonly deps: EscalationOutboxDeps) {
    this.o = {
      concurrency: Math.min(4, Math.max(1, deps.options?.concurrency ?? 2)),
      baseBackoffMs: deps.options?.baseBackoffMs ?? 2000,
      maxBackoffMs: deps.options?.maxBackoffMs ?? 15 * MINUTE,
      giveUpAfterMs: deps.options?.giveUpAfterMs ?? 72 * 60 * MINUTE,
      composeDegradedAfterMs: deps.options?.composeDegradedAfterMs ?? 10 * MINUTE,
      channelAttempts: deps.options?.channelAttempts ?? 3,
      noticeAttempts: deps.options?.noticeAttempts ?? 5,
      instances: deps.options?.instances ?? 'one',
      abandonedAfterMs: deps.options?.abandonedAfterMs ?? 90_000,
      channelClaimMs: deps.options?.channelClaimMs ?? 2 * MINUTE,
    };
  }

  /**
   * Resumes after a start: attempts that were in flight when the last process stopped are due again (their
   * request may have reached Exchange: logged as a possible duplicate), then everything due is sent. With
   * several instances, only attempts older than `abandonedAfterMs` (the others may be live sends).
   */
  async start(): Promise<void> {
    this.stopped = false;
    await this.releaseInterrupted(this.o.instances === 'one' ? 0 : this.o.abandonedAfterMs);
    this.kick();
  }

  /** Makes attempts in flight for at least `olderThanMs` due again; each released by one instance only. */
  private async releaseInterrupted(olderThanMs: number): Promise<void> {
    const now = this.deps.clock.now();
    this.lastAbandonedScan = now.getTime();
    for (const escalation of await this.deps.store.interrupted(new Date(now.getTime() - olderThanMs))) {
      if (this.working.has(escalation.id) || !escalation.inFlightSince) continue;
      if (!(await this.deps.store.releaseInterrupted(escalation.id, escalation.inFlightSince, now))) continue;
      this.deps.log.warn(
        { escalationId: escalation.id, reference: escalation.reference, attempts: escalation.attempts },
        'escalation mail attempt was interrupted by a stop; sending again (a duplicate is possible)',
      );
    }
  }

  /** Stops the timer and waits (at most `waitMs`) for sends in flight. */
  async stop(waitMs = 5000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  /** Resolves when nothing is being worked on (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pumping || this.working.size > 0) {
      await Promise.all([this.pumping, ...this.working.values()]);
    }
  }

  /** Looks for due work now. */
  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: unknown) => {
        this.deps.log.error(
          { err: { name: (error as Error).name, message: (error as Error).message } },
          'outbox failed',
        );
      })
      .finally(() => {
        this.pumping = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        } else void this.schedule();
      });
  }

  /**
   * Starts delivery of `id` now and waits up to `waitMs` for its first attempt to settle: `sent`, `failed`, or
   * `delayed` (still trying: the outbox carries on after the turn).
   */
  async deliverNow(id: string, waitMs: number): Promise<DeliveryNow> {
    const settled = new Promise<void>((resolve) => {
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]);
    });
    this.kick();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    const escalation = await this.deps.store.get(id);
    return escalation?.state === 'sent' ? 'sent' : escalation?.state === 'failed' ? 'failed' : 'delayed';
  }

  private async pump(): Promise<void> {
    const sinceScan = this.deps.clock.now().getTime() - this.lastAbandonedScan;
    if (this.o.instances === 'several' && sinceScan >= ABANDONED_SCAN_MS) {
      await this.releaseInterrupted(this.o.abandonedAfterMs);
    }
    for (;;) {
      const free = this.o.concurrency - this.working.size;
      if (free <= 0 || this.stopped) return;
      // The store gives urgent ones first (someone else may be signing in), then the oldest.
      const due = (await this.deps.store.due(this.deps.clock.now(), this.o.concurrency * 2)).filter(
        (e) => !this.working.has(e.id),
      );
      if (due.length === 0) break;
      for (const escalation of due.slice(0, free)) {
        const work = this.process(escalation)
          .catch((error: unknown) => {
            this.deps.log.error(
              {
                escalationId: escalation.id,
                err: { name: (error as Error).name, message: (error as Error).message },
              },
              'escalation delivery failed unexpectedly',
            );
          })
          .finally(() => {
            this.working.delete(escalation.id);
            this.wake(escalation.id);
            this.kick();
          });
        this.working.set(escalation.id, work);
      }
      if (due.length <= free) break;
      // Wait for a slot; the `finally` above kicks the pump again.
      return;
    }
    await this.copyToChannel();
    await this.sendNoticesOwed();
  }

  /** Sets a timer for the next due attempt (at most a minute away, so channel copies are retried too). */
  private async schedule(): Promise<void> {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = await this.deps.store.nextDueAt();
    const now = this.deps.clock.now().getTime();
    // Nothing in hand and nothing due: what an operator (and a test) waits on before counting mails.
    if (this.working.size === 0) this.deps.log.debug({ nextDueAt: next ?? null }, 'outbox pass done');
    const wait = next ? Math.min(Math.max(Date.parse(next) - now, 250), MINUTE) : MINUTE;
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private wake(id: string): void {
    for (const resolve of this.waiters.get(id) ?? []) resolve();
    this.waiters.delete(id);
  }

  private async process(queued: Escalation): Promise<void> {
    const { store, clock, log } = this.deps;
    const ids = { escalationId: queued.id, reference: queued.reference };
    let escalation = queued;
    const age = clock.now().getTime() - Date.parse(escalation.createdAt);
    if (!escalation.mail) {
      let mail: OutgoingMail;
      try {
        mail = await this.deps.compose(escalation, { degraded: age > this.o.composeDegradedAfterMs });
      } catch (error) {
        const wait = this.composeBackoff(age);
        log.warn(
          { ...ids, err: { name: (error as Error).name }, retryInMs: wait },
          'escalation mail could not be composed yet',
        );
        await store.markRetry(escalation.id, new Date(clock.now().getTime() + wait), 'compose');
        return;
      }
      await store.saveComposed(escalation.id, mail);
      // Another instance may have composed it first: send the stored mail, which every attempt sends.
      const stored = await store.get(escalation.id);
      if (!stored?.mail) return;
      escalation = stored;
    }
    if (!(await store.claimAttempt(escalation.id, clock.now()))) return;
    const outcome = await this.deps.mailer.send(escalation.mail!);
    const attempt = escalation.attempts + 1;
    if (outcome.kind === 'accepted') {
      await store.markSent(escalation.id, clock.now());
      log.info({ ...ids, attempt, mailer: this.deps.mailer.kind }, 'escalation mail accepted');
      return;
    }
    const error = `${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`;
    if (outcome.kind === 'rejected' || age > this.o.giveUpAfterMs) {
      await store.markFailed(escalation.id, error);
      log.error({ ...ids, attempt, status: outcome.status, code: outcome.code }, 'escalation mail given up');
      return;
    }
    const wait = outcome.retryAfterMs ?? this.backoff(attempt);
    await store.markRetry(escalation.id, new Date(clock.now().getTime() + wait), error);
    log.warn(
      { ...ids, attempt, status: outcome.status, code: outcome.code, retryInMs: Math.round(wait) },
      'escalation mail not accepted; will retry',
    );
  }

  /**
   * The user's notice of each escalation that reached its final state while they were told "on its way"
   * (the pass that follows an attempt finds it at once), or whose notice a failed send left owed, here or
   * before a restart, each when its backoff allows. The channel copy works the same way.
   */
  private async sendNoticesOwed(): Promise<void> {
    for (const escalation of await this.deps.store.noticesOwed()) {
      if (this.working.has(escalation.id)) continue;
      await this.notify(escalation);
    }
  }

  /**
   * Tells the user their escalation reached the desk or could not. The notice is taken in the store first
   * (of several instances one sends it) and put back when Teams did not take it (throttled, 5xx, timeout),
   * for a later pass, after a backoff and up to `noticeAttempts` tries in this process.
   */
  private async notify(escalation: Escalation): Promise<void> {
    const { store, clock, log } = this.deps;
    const id = escalation.id;
    const retry = this.noticeRetries.get(id);
    if (retry && retry.nextAt > clock.now().getTime()) return;
    if (!(await store.takeUserNotice(id))) return;
    let outcome: SendOutcome;
    try {
      const card =
        escalation.state === 'sent'
          ? this.deps.cards.delivered(escalation)
          : this.deps.cards.failed(escalation);
      outcome = await this.deps.messenger.sendToUser(escalation.userId, [card]);
    } catch (error) {
      // The notice is already taken: a throw (storage unreachable while reading the chat) must put it back.
      outcome = { kind: 'failed', error: (error as Error).message };
    }
    // Gone (blocked, removed) or no chat to send to: no later try would reach them either.
    if (outcome.kind === 'sent' || outcome.kind === 'gone' || outcome.kind === 'noConversation') {
      this.noticeRetries.delete(id);
      if (outcome.kind !== 'sent')
        log.info({ escalationId: id, outcome: outcome.kind }, 'escalation notice not delivered');
      return;
    }
    const tries = (retry?.tries ?? 0) + 1;
    if (tries >= this.o.noticeAttempts) {
      this.noticeRetries.delete(id);
      log.warn({ escalationId: id, outcome: outcome.kind, tries }, 'escalation notice to the user given up');
      return;
    }
    const wait = (outcome.kind === 'throttled' && outcome.retryAfterMs) || this.backoff(tries);
    this.noticeRetries.set(id, { tries, nextAt: clock.now().getTime() + wait });
    await store.setUserOwedNotice(id, true);
  }

  private async copyToChannel(): Promise<void> {
    const channel = this.deps.channel;
    if (!channel) return;
    for (const escalation of await this.deps.store.channelCopiesOwed()) {
      const now = this.deps.clock.now();
      const expired = new Date(now.getTime() - this.o.channelClaimMs);
      // Several instances may find the same copy owed: only the one that claims it posts.
      if (!(await this.deps.store.claimChannelCopy(escalation.id, now, expired))) continue;
      const tries = (this.channelTries.get(escalation.id) ?? 0) + 1;
      this.channelTries.set(escalation.id, tries);
      const outcome = await channel.poster.post(
        await channel.target(escalation),
        this.deps.cards.channelCopy(escalation),
      );
      if (outcome.kind === 'sent') {
        await this.deps.store.setChannelCopy(escalation.id, 'posted');
        this.channelTries.delete(escalation.id);
      } else if (outcome.kind === 'gone' || tries >= this.o.channelAttempts) {
        await this.deps.store.setChannelCopy(escalation.id, 'failed');
        this.channelTries.delete(escalation.id);
        this.deps.log.warn(
          { escalationId: escalation.id, outcome: outcome.kind },
          'escalation copy to the IT channel given up',
        );
      } else {
        // Still owed: drop the claim so the next pass (here or on another instance) tries again.
        await this.deps.store.setChannelCopy(escalation.id, 'owed');
      }
    }
  }

  /**
   * The wait after a failed compose. Composing counts no attempts, so the wait grows with the escalation's
   * age instead: about as long again as it has waited so far (a few tries in its first minute, then rarer),
   * but not past the moment it may go without the directory.
   */
  private composeBackoff(age: number): number {
    const grown = Math.min(this.o.maxBackoffMs, Math.max(this.o.baseBackoffMs, age));
    const wait = grown * (0.5 + Math.random() / 2);
    const untilDegraded = this.o.composeDegradedAfterMs - age;
    return untilDegraded > 0 ? Math.min(wait, untilDegraded + 1) : wait;
  }

  /** Exponential backoff with jitter (0.5–1 ×), capped. */
  private backoff(attempt: number): number {
    const base = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
    return base * (0.5 + Math.random() / 2);
  }
}
