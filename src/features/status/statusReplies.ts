/**
 * Answers "status" and "I've done it". A turn waits a short while for Graph; if the budget queue is long
 * (300 pupils after an assembly) the user is told "checking…" within the turn and gets the result as a
 * proactive message when it is ready. Follow-ups owed are stored, so a restart resumes them.
 */
import { refreshable, statusRefresh } from '../../cards/cardRefresh';
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { GuideProgress } from '../../domain/guide/progress';
import type { SchoolPolicy } from '../../domain/policy/schoolPolicy';
import { evaluateRegistration } from '../../domain/registration/evaluateRegistration';
import type { Logger } from '../../logging/logger';
import type { Clock } from '../../ports/clock';
import type { Messenger, SendOutcome } from '../../ports/messenger';
import type { StatusFollowUpStore } from '../../ports/statusFollowUpStore';
import type { UserProgressStore } from '../../ports/userProgressStore';
import { packageCatalogues, type Catalogues } from '../../i18n/catalogue';
import type { Translator } from '../../i18n/translator';
import type { RegistrationStatusService, StatusLookup } from '../../status/registrationStatusService';
import { checkingCard, statusCard, statusUnavailableCard, unknownAccountCard } from './statusCards';
import { viewContextAt, type ViewContext } from '../shared/wording';
import { TIMED_OUT, within } from '../shared/within';

export type StatusRequest = 'status' | 'done';

type Result = StatusLookup | { kind: 'failed' };

export interface StatusRepliesDeps {
  status: RegistrationStatusService;
  followUps: StatusFollowUpStore;
  messenger: Messenger;
  progress: UserProgressStore;
  policy: SchoolPolicy;
  clock: Clock;
  log: Logger;
  /** The languages (default: the package's catalogues): a follow-up is written in the user's. */
  catalogues?: Catalogues;
  /** How long a turn waits for Graph before saying "checking…" (default 3 s; Teams gives up at 10–15 s). */
  inTurnWaitMs?: number;
  /** Follow-ups older than this are dropped rather than sent late (default 30 minutes). */
  followUpMaxAgeMs?: number;
  /** Attempts to deliver one follow-up when the channel throttles or fails (default 3). */
  deliveryAttempts?: number;
  /** Told when a live check finds the user complete (the campaign stops nudging them). */
  onComplete?: (userId: string) => Promise<void>;
}

export class StatusReplies {
  /** Follow-ups being worked on, by `${userId}:${kind}`, so one result is sent once. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly deps: StatusRepliesDeps) {}

  /** The cards for a status request, within the turn: the status, or "checking…" with a follow-up owed. */
  async answer(
    userId: string,
    request: StatusRequest,
    ctx: ViewContext,
    progress: GuideProgress | undefined,
  ): Promise<AdaptiveCardJson[]> {
    const work = this.lookUp(userId, request);
    const result = await within(work, this.deps.inTurnWaitMs ?? 3000);
    if (result !== TIMED_OUT) return [this.cardFor(userId, request, result, ctx, progress)];
    await this.deps.followUps.add({
      userId,
      kind: request,
      requestedAt: this.deps.clock.now().toISOString(),
    });
    this.followUp(userId, request, work, ctx.t);
    this.deps.log.info({ userId, request, outcome: 'checking' }, 'status answer deferred');
    return [checkingCard(request, progress, ctx)];
  }

  /** Restarts the follow-ups a previous process owed (called once at start). */
  async resumePending(): Promise<number> {
    const owed = await this.deps.followUps.list();
    const now = this.deps.clock.now().getTime();
    let resumed = 0;
    for (const f of owed) {
      if (now - Date.parse(f.requestedAt) > (this.deps.followUpMaxAgeMs ?? 30 * 60_000)) {
        await this.deps.followUps.remove(f.userId);
        this.deps.log.info({ userId: f.userId, request: f.kind }, 'stale status follow-up dropped');
        continue;
      }
      this.followUp(f.userId, f.kind, this.lookUp(f.userId, f.kind));
      resumed += 1;
    }
    if (resumed > 0) this.deps.log.info({ resumed }, 'status follow-ups resumed');
    return resumed;
  }

  /** Resolves when every follow-up in flight has been delivered or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending.values()]);
  }

  private lookUp(userId: string, request: StatusRequest): Promise<Result> {
    const call = request === 'done' ? this.deps.status.liveCheck(userId) : this.deps.status.status(userId);
    return call.catch((error: unknown) => {
      this.deps.log.warn({ userId, request, err: { name: (error as Error).name } }, 'status lookup failed');
      return { kind: 'failed' as const };
    });
  }

  /** `t`: the language of the turn that asked; a follow-up resumed after a restart uses the remembered one. */
  private followUp(userId: string, request: StatusRequest, work: Promise<Result>, t?: Translator): void {
    const key = `${userId}:${request}`;
    if (this.pending.has(key)) return;
    const delivery = work
      .then((result) => this.deliver(userId, request, result, t))
      .catch((error: unknown) => {
        this.deps.log.error({ userId, err: { name: (error as Error).name } }, 'status follow-up failed');
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, delivery);
  }

  private async deliver(
    userId: string,
    request: StatusRequest,
    result: Result,
    t?: Translator,
  ): Promise<void> {
    const stored = await this.deps.progress.get(userId);
    const catalogues = this.deps.catalogues ?? packageCatalogues(this.deps.policy.school.timeZone);
    const language = t ?? catalogues.translatorFor(catalogues.localeOf(stored?.value.language, undefined));
    const ctx = viewContextAt(this.deps.policy, this.deps.clock.now(), undefined, language);
    const card = this.cardFor(userId, request, result, ctx, stored?.value);
    const attempts = this.deps.deliveryAttempts ?? 3;
    let outcome: SendOutcome = { kind: 'failed', error: 'not sent' };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      outcome = await this.deps.messenger.sendToUser(userId, [card]);
      if (outcome.kind !== 'throttled' && outcome.kind !== 'failed') break;
      if (attempt < attempts) {
        const wait = outcome.kind === 'throttled' ? (outcome.retryAfterMs ?? 2000) : 1000 * attempt;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    // Sent, or the user cannot be reached, or we gave up: either way nothing more is owed.
    await this.deps.followUps.remove(userId);
    this.deps.log.info({ userId, request, delivery: outcome.kind }, 'status follow-up delivered');
  }

  private cardFor(
    userId: string,
    request: StatusRequest,
    result: Result,
    ctx: ViewContext,
    progress: GuideProgress | undefined,
  ): AdaptiveCardJson {
    if (result.kind === 'failed') {
      this.deps.log.info({ userId, request, outcome: 'unavailable' }, 'status answered');
      return statusUnavailableCard(progress, ctx);
    }
    if (result.kind === 'unknownUser') {
      this.deps.log.info({ userId, request, outcome: 'unknownUser' }, 'status answered');
      return unknownAccountCard(progress, ctx);
    }
    const evaluation = evaluateRegistration(result.snapshot.methods, ctx.methods);
    if (evaluation.complete && request === 'done' && this.deps.onComplete) {
      this.deps.onComplete(userId).catch((error: unknown) => {
        this.deps.log.warn(
          { userId, err: { name: (error as Error).name } },
          'could not note a completed user',
        );
      });
    }
    this.deps.log.info(
      {
        userId,
        request,
        outcome: 'answered',
        source: result.snapshot.source,
        complete: evaluation.complete,
        reasons: evaluation.reasons.map((r) => r.code),
      },
      'status answered',
    );
    // Opened again later, it shows the status then (where the school has card refresh on).
    return refreshable(
      statusCard(
        {
          evaluation,
          snapshot: result.snapshot,
          afterCheck: request === 'done',
          progress,
          now: this.deps.clock.now(),
        },
        ctx,
      ),
      statusRefresh(evaluation.complete),
    );
  }
}
