/**
 * What people do with the campaign besides receiving it: a pupil snoozes a nudge ("Remind me tomorrow"), a
 * live "I've done it" check stops their nudges at once, IT reads the delivery report and resends to the
 * failures only.
 */
import { campaignMoment, nextOpening } from '../domain/campaign/campaignTime';
import { nudgeKey, parseNudgeKey, snoozesUsed } from '../domain/campaign/nudgeDecision';
import type { ActiveStage } from '../domain/campaign/stagePlan';
import type { SnoozeResult, Snoozer } from '../features/campaign/nudgeReplies';
import type { NudgeStanding, NudgeViews } from '../features/cardRefresh/cardRefreshReplies';
import type { LedgerCounts, LedgerEntry } from '../ports/nudgeLedger';
import { ConcurrencyError } from '../ports/versioned';
import { registeredMarker, type CampaignDeps } from './campaignContext';
import { cardsToChange, queueDoneCards } from './doneCardQueue';
import type { PassSummary } from './campaignPlanner';
import { LAST_PASS, LAST_PASSES, lastPassesOf } from './lastPasses';
import { forecastNextReminder, type NextReminderForecast } from './nextReminderForecast';
import { windowGroupOf } from './windowGroups';

/** A planning pass as the report shows it: its groups named as the policy names them. */
export interface ReportedPass extends Omit<PassSummary, 'groups'> {
  /** Empty for a pass recorded before passes named their groups. */
  groups: { id: string; name: string }[];
}

export interface DeliveryReport {
  campaignId: string;
  counts: LedgerCounts;
  /** The latest pass (`lastPasses[0]`). */
  lastPass?: ReportedPass;
  /** The last pass of each set of target groups planned together (pupils, staff), newest first. */
  lastPasses: ReportedPass[];
  queueLength: number;
}

/** How long one forecast of the next reminder answers IT's tab (as long as the tab's figures are kept). */
export const FORECAST_CACHE_MS = 5 * 60_000;

export class NudgeService implements Snoozer, NudgeViews {
  private forecast?: { at: number; value: Promise<NextReminderForecast | undefined> };

  constructor(private readonly deps: CampaignDeps) {}

  async snooze(userId: string, target: { campaign: string; nudge: string }): Promise<SnoozeResult> {
    const { campaign, ledger, queue, clock } = this.deps;
    if (target.campaign !== campaign.id) return { kind: 'over' };
    const { max, hours } = campaign.policy.snooze;
    for (let attempt = 0; attempt < 3; attempt++) {
      const history = await ledger.history(campaign.id, userId);
      const entry = history.find((h) => h.nudge === target.nudge);
      if (!entry) return { kind: 'over' };
      const used = snoozesUsed(history);
      if (entry.state === 'snoozed') {
        // Pressed twice: the first press stands.
        return {
          kind: 'snoozed',
          until: await this.remindAt(userId, new Date(entry.snoozedUntil!)),
          snoozesLeft: Math.max(0, max - used),
        };
      }
      if (used >= max) return { kind: 'noneLeft' };
      const now = clock.now();
      const until = new Date(now.getTime() + hours * 3_600_000);
      try {
        await ledger.update(entry, entry.etag, {
          state: 'snoozed',
          snoozedUntil: until.toISOString(),
          updatedAt: now.toISOString(),
        });
      } catch (error) {
        if (error instanceof ConcurrencyError) continue;
        throw error;
      }
      const { stage, snooze } = parseNudgeKey(target.nudge);
      const next = { campaignId: campaign.id, userId, nudge: nudgeKey(stage, snooze + 1) };
      const remindAt = await this.remindAt(userId, until);
      const [created] = await ledger.claim([{ ...next, group: entry.group, at: now.toISOString() }]);
      if (created) {
        await queue.enqueue([next], { delayMs: Math.max(0, remindAt.getTime() - now.getTime()) });
        await ledger.markEnqueued([next], now.toISOString());
      }
      return { kind: 'snoozed', until: remindAt, snoozesLeft: max - used - 1 };
    }
    return { kind: 'over' };
  }

  /**
   * What a nudge in a pupil's chat says now, but for their registration (a refresh of the card builds it again):
   * `registered` when their own check found them done (their reminders are being changed to say so), undefined
   * when it is no nudge of theirs in a campaign still running.
   */
  async standingOf(
    userId: string,
    target: { campaign: string; nudge: string },
  ): Promise<NudgeStanding | 'registered' | undefined> {
    const { campaign, ledger, clock } = this.deps;
    if (target.campaign !== campaign.id) return undefined;
    const stage = campaign.stages.find((s) => s.key === parseNudgeKey(target.nudge).stage);
    if (!stage) return undefined;
    const [history, registered] = await Promise.all([
      ledger.history(campaign.id, userId),
      ledger.getMarker(campaign.id, registeredMarker(userId)),
    ]);
    const entry = history.find((h) => h.nudge === target.nudge);
    if (!entry || campaignMoment(campaign, clock.now()).kind === 'over') return undefined;
    if (registered) return 'registered';
    return {
      campaignId: campaign.id,
      nudge: target.nudge,
      tone: stage.tone,
      // This one was put off already: opened again, it offers no second press of the same button.
      snoozesLeft:
        entry.state === 'snoozed' ? 0 : Math.max(0, campaign.policy.snooze.max - snoozesUsed(history)),
      snoozeHours: campaign.policy.snooze.hours,
    };
  }

  /**
   * A live check found the user complete: no more nudges for them in this campaign, from any worker, and the
   * reminders already in their chat are queued to say so.
   */
  async noteRegistered(userId: string): Promise<void> {
    const { campaign, ledger, clock, delivery, log } = this.deps;
    const now = clock.now();
    await ledger.setMarker(campaign.id, registeredMarker(userId), now.toISOString());
    // Their reminders already in the chat say "You're all set" as soon as a worker gets to them, not at the
    // next pass (the worker changes a card only when it, too, sees them registered). Their nudges have stopped
    // whatever happens here: a failure leaves the change to the next pass.
    try {
      const history = await ledger.history(campaign.id, userId);
      await queueDoneCards(this.deps, cardsToChange(history, now, delivery), now);
    } catch (error) {
      log.warn(
        { userId, err: { name: (error as Error).name } },
        "could not queue the change of a registered user's reminders: left to the next pass",
      );
    }
  }

  async report(): Promise<DeliveryReport> {
    const { campaign, ledger, queue } = this.deps;
    const [passes, last] = await Promise.all([
      ledger.getMarker(campaign.id, LAST_PASSES),
      ledger.getMarker(campaign.id, LAST_PASS),
    ]);
    // A group no longer in the policy keeps its id.
    const nameOf = (id: string) => campaign.policy.targets.groups.find((g) => g.id === id)?.name ?? id;
    const lastPasses = lastPassesOf(passes, last).map((p) => ({
      ...p,
      groups: p.groups.map((id) => ({ id, name: nameOf(id) })),
    }));
    return {
      campaignId: campaign.id,
      counts: await ledger.counts(campaign.id),
      lastPass: lastPasses[0],
      lastPasses,
      queueLength: await queue.approximateCount(),
    };
  }

  /** The stages that go out, in sending order (for reading the report's counts by stage). */
  stages(): readonly ActiveStage[] {
    return this.deps.campaign.stages;
  }

  /**
   * The next reminder, when each target group gets it and how many it would reach; undefined: none planned. One
   * forecast answers every asker for FORECAST_CACHE_MS (it reads the ledger once per member not registered);
   * askers at once share one.
   */
  nextReminder(): Promise<NextReminderForecast | undefined> {
    const now = this.deps.clock.now().getTime();
    const kept = this.forecast;
    if (kept && now >= kept.at && now - kept.at < FORECAST_CACHE_MS) return kept.value;
    const value = forecastNextReminder(this.deps);
    const fresh = { at: now, value };
    this.forecast = fresh;
    // A forecast that failed is not kept: the next asker tries again.
    value.catch(() => {
      if (this.forecast === fresh) this.forecast = undefined;
    });
    return value;
  }

  /** Every row, a page at a time (the CSV export). */
  entries(): AsyncIterable<LedgerEntry[]> {
    return this.deps.ledger.scan(this.deps.campaign.id, {});
  }

  /**
   * Queues again the nudges recorded as failed (not the blocked, not the uninstallable, not anyone
   * registered): each goes back to `queued` and is checked again like any other before it is sent.
   */
  async resendFailures(): Promise<number> {
    const { campaign, ledger, queue, clock } = this.deps;
    let count = 0;
    for await (const page of ledger.scan(campaign.id, { states: ['failed'] })) {
      for (const entry of page) {
        try {
          await ledger.update(entry, entry.etag, {
            state: 'queued',
            detail: 'resend',
            failures: undefined,
            attemptBy: undefined,
            attemptAt: undefined,
            updatedAt: clock.now().toISOString(),
          });
        } catch (error) {
          if (error instanceof ConcurrencyError) continue;
          throw error;
        }
        await queue.enqueue([{ campaignId: entry.campaignId, userId: entry.userId, nudge: entry.nudge }]);
        count += 1;
      }
    }
    return count;
  }

  /** The first opening of the user's sending windows (their group's) at or after `until`. */
  private async remindAt(userId: string, until: Date): Promise<Date> {
    return nextOpening(this.deps.campaign, until, await windowGroupOf(this.deps, userId)) ?? until;
  }
}
