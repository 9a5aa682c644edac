/**
 * The planner: one pass over the campaign's audience. Target groups are read a page at a time (members are
 * not an identity report, so they cost no report budget); each member is checked against the exclusions,
 * their registration (from the report snapshot, re-read in bulk when it is older than the recheck age), and
 * their nudges so far; whoever is owed a nudge gets a ledger row claimed (insert-if-absent) and a queue
 * message. Held under a lease so two instances never plan at once. The dry run walks the same path and
 * records instead of claiming.
 */
import crypto from 'node:crypto';
import pLimit from 'p-limit';
import { campaignMoment, momentsByGroup } from '../domain/campaign/campaignTime';
import { memberStanding, type MemberStanding } from '../domain/campaign/memberStanding';
import { nudgeDue, type NudgeDue } from '../domain/campaign/nudgeDecision';
import type { TargetGroup } from '../domain/policy/campaignPolicy';
import { localDateOf } from '../domain/policy/localDate';
import {
  completeOnlyIfEmailIsPersonal,
  withEmailCheck,
  type EmailCheck,
} from '../domain/registration/emailCheck';
import type { RegistrationSnapshot } from '../domain/registration/snapshot';
import { viewContextAt, type ViewContext } from '../features/shared/wording';
import type { StoredConversationReference } from '../ports/conversationReferenceStore';
import type { DirectoryUser } from '../ports/directory';
import type { LedgerEntry } from '../ports/nudgeLedger';
import type { NudgeJob } from '../ports/nudgeQueue';
import { registeredMarker, type CampaignDeps } from './campaignContext';
import { campaignExcludedIds } from './campaignExclusions';
import { cardsToChange, queueDoneCards } from './doneCardQueue';
import { EmailChecks } from './emailChecks';
import { LAST_PASS, LAST_PASSES, withLastPass } from './lastPasses';
import { windowGroupMarker, windowGroups } from './windowGroups';

/** What the dry run says about one member. */
export interface PlanLine {
  userId: string;
  userPrincipalName: string;
  group: string;
  /**
   * `nudge`: owed now; `later`: owed at `when`; `check`: complete by the report only if their email is not the
   * school address (a real pass takes a live look before deciding); the rest say why not.
   */
  action: 'nudge' | 'later' | 'check' | 'registered' | 'excluded' | 'disabled' | 'none';
  nudge?: string;
  when?: string;
  /** How it would reach them: a stored conversation, or an install first. */
  reach?: 'conversation' | 'install' | 'guest';
  why?: string;
  /** What is wrong with their registration when the report alone would miss it (`schoolEmail`). */
  problem?: 'schoolEmail';
}

export interface PassSummary {
  at: string;
  stage?: string;
  /** The target groups planned (ids, in the policy's order). */
  groups: string[];
  members: number;
  queued: number;
  registered: number;
  excluded: number;
  disabled: number;
  /** Owed later (snoozed, or outside the window). */
  waiting: number;
  /** Already nudged at this stage, blocked, or nothing owed. */
  nothingOwed: number;
  repaired: number;
  /** Live looks taken at members whose email address the report does not show. */
  emailLooks: number;
  /** Members whose second method is their school email (a look this pass, or remembered from one before). */
  schoolEmail: number;
  /** Members still unchecked at the end of the pass (a dry run takes no look; a look that failed is retried next pass). */
  emailUnchecked: number;
  /** Nudges in the chats of members registered since, queued to show they are done (a dry run: to be queued). */
  cardsToUpdate: number;
}

/** A pass that has counted nothing yet: the planner fills it in as it goes (and a report's tests start from it). */
export function emptyPassSummary(at: string, groups: string[], stage?: string): PassSummary {
  return {
    at,
    stage,
    groups,
    members: 0,
    queued: 0,
    registered: 0,
    excluded: 0,
    disabled: 0,
    waiting: 0,
    nothingOwed: 0,
    repaired: 0,
    emailLooks: 0,
    schoolEmail: 0,
    emailUnchecked: 0,
    cardsToUpdate: 0,
  };
}

/** What a planning attempt came to. */
export type PlanAttempt =
  | { kind: 'planned'; summary: PassSummary }
  | { kind: 'skipped'; reason: 'windowShut' | 'doneToday' | 'leaseHeld' };

export interface PassOptions {
  /** Dry run: call `line` for every member and change nothing. */
  dryRun?: { line: (line: PlanLine) => void };
  /** True once the planner lease was lost (another instance took it): the pass stops before the next 100 members. */
  leaseLost?: () => boolean;
  /**
   * The target groups (ids) to plan, those whose window is open; members of the others are not planned, but a
   * member met first in one of them keeps to its windows and is not planned under a later group either.
   * Absent: every group (the dry run).
   */
  groups?: ReadonlySet<string>;
}

/** What the planner learnt about one member before deciding. */
interface MemberLook {
  standing: MemberStanding;
  /** Their stored conversation, for those not registered. */
  reference?: StoredConversationReference;
  /** The row decided on, for the worker (see `NudgeJob.seen`). */
  snapshot?: RegistrationSnapshot;
}

/** Members planned, claimed and queued together. */
const CHUNK = 100;
/** What planning a chunk needs from its pass. */
interface ChunkPlan {
  now: Date;
  dry: PassOptions['dryRun'];
  summary: PassSummary;
  excluded: Set<string>;
  /** Member id → the report group they count in. */
  reportGroup: Map<string, string>;
  /** Users a live "I've done it" found complete. */
  registered: Map<string, string>;
  /** What earlier live looks found about members' email addresses (user id → check). */
  emailChecks: Map<string, EmailCheck>;
  /** Members to look at before deciding (their email's address decides), with the group they were met in. */
  toCheck: { user: DirectoryUser; target: TargetGroup }[];
  methods: ViewContext['methods'];
  /** Member id → the target group whose windows they keep to, as last remembered in the ledger. */
  windowGroups: Map<string, string>;
  /**
   * The target group the members were met in: their sending windows, and the report group of a member in none
   * of the report groups (its name).
   */
  target: TargetGroup;
}

/**
 * What a worker that has not read the report may decide on (`NudgeJob.seen`), dated by when it was learnt: a
 * report row by the read it came from, a live look by when it was taken (it may be hours old, and a user outside
 * the report has nothing newer). The worker trusts it for as long as its own snapshot, no longer.
 */
export function seenFor(snapshot: RegistrationSnapshot | undefined, reportReadAt: number): NudgeJob['seen'] {
  if (!snapshot) return undefined;
  const readAt = snapshot.source === 'live' ? Date.parse(snapshot.asOf) : reportReadAt;
  if (!(readAt > 0)) return undefined;
  return { methods: snapshot.methods, asOf: snapshot.asOf, readAt };
}

/** Per-member reads in flight at once while planning. */
const LOOKUPS_AT_ONCE = 16;
/** Live looks waiting on Graph's reports budget at once (it lets four through every 10 s at background priority). */
const LOOKS_AT_ONCE = 4;

export class CampaignPlanner {
  private readonly holder = `planner-${crypto.randomUUID().slice(0, 8)}`;

  private readonly emails: EmailChecks;

  constructor(private readonly deps: CampaignDeps) {
    this.emails = new EmailChecks(deps);
  }

  /** Lease name: one planner per campaign across every instance. */
  get leaseName(): string {
    return `planner:${this.deps.campaign.id}`;
  }

  /**
   * Plans once the target groups whose window is open and whose pass today for the current stage has not run
   * (or all open ones, with `force`), under the planner lease. Groups on the campaign's window share one pass
   * a day (`pass:<stage>`); a group with windows of its own has its own (`pass:<stage>:<group id>`), so
   * pupils are planned when their after-school window opens and again on Saturday morning (which catches up
   * whoever the week's evening missed, in the same stage), staff when theirs does.
   */
  async planIfDue(force = false): Promise<PlanAttempt> {
    const { campaign, clock, ledger, log } = this.deps;
    const open = momentsByGroup(campaign, clock.now()).flatMap(({ group, moment }) =>
      moment.kind === 'open' ? [{ group, stage: moment.stage.key }] : [],
    );
    if (open.length === 0) return { kind: 'skipped', reason: 'windowShut' };
    const markerOf = (o: (typeof open)[number]) =>
      o.group.windows ? `pass:${o.stage}:${o.group.id}` : `pass:${o.stage}`;
    const today = localDateOf(clock.now(), campaign.timeZone);
    const dueGroups = async () => {
      if (force) return open;
      const done = await Promise.all(
        open.map(async (o) => (await ledger.getMarker(campaign.id, markerOf(o))) === today),
      );
      return open.filter((_, i) => !done[i]);
    };
    if ((await dueGroups()).length === 0) return { kind: 'skipped', reason: 'doneToday' };
    const held = await this.underLease(this.leaseName, async (lost): Promise<PlanAttempt> => {
      // Looked at again under the lease: another instance may have finished today's pass between the first
      // look and the lease, and would otherwise be followed by a second pass.
      const due = await dueGroups();
      if (due.length === 0) return { kind: 'skipped', reason: 'doneToday' };
      log.info(
        { holder: this.holder, stage: due[0]!.stage, groups: due.map((d) => d.group.id) },
        'campaign planning: lease taken',
      );
      const summary = await this.pass({ leaseLost: lost, groups: new Set(due.map((d) => d.group.id)) });
      if (lost()) throw new Error('campaign planning: the planner lease was lost; the pass stopped');
      for (const marker of new Set(due.map(markerOf))) await ledger.setMarker(campaign.id, marker, today);
      const passes = await ledger.getMarker(campaign.id, LAST_PASSES);
      await ledger.setMarker(campaign.id, LAST_PASSES, withLastPass(passes, summary));
      await ledger.setMarker(campaign.id, LAST_PASS, JSON.stringify(summary));
      return { kind: 'planned', summary };
    });
    return held ?? { kind: 'skipped', reason: 'leaseHeld' };
  }

  /**
   * Runs `work` holding the lease `name` (renewed every third of it), or returns undefined when another
   * instance holds it. `lost()` turns true once a renewal finds the lease taken; a renewal that fails is
   * logged and tried again at the next third.
   */
  private async underLease<T>(
    name: string,
    work: (lost: () => boolean) => Promise<T>,
  ): Promise<T | undefined> {
    const { leases, log } = this.deps;
    const leaseMs = this.deps.delivery.plannerLeaseMs;
    const leaseId = await leases.acquire(name, this.holder, leaseMs);
    if (!leaseId) return undefined;
    let lost = false;
    const renewal = setInterval(() => {
      leases.renew(name, leaseId, leaseMs).then(
        (held) => {
          if (!held) lost = true;
        },
        (error: unknown) => {
          log.warn(
            { err: { message: (error as Error).message }, lease: name },
            'campaign: lease renewal failed',
          );
        },
      );
    }, leaseMs / 3);
    try {
      return await work(() => lost);
    } finally {
      clearInterval(renewal);
      await leases.release(name, leaseId);
    }
  }

  /** Everyone the campaign leaves out: the listed users and the members of the exclusion groups. */
  private excludedIds(): Promise<Set<string>> {
    return campaignExcludedIds(this.deps.directory, this.deps.campaign.policy);
  }

  /**
   * Outside the send window, once a day: the live looks the next pass would otherwise wait for (members complete
   * by the report only if their email is personal, and not looked at since their row last changed), taken now
   * at background priority so that the stage's pass finds them done. Under its own lease, so two instances never
   * look twice; a run cut short (a restart) leaves the rest for the pass.
   */
  async checkAhead(): Promise<{ kind: 'checked'; looks: number } | { kind: 'skipped'; reason: string }> {
    const { campaign, clock, ledger, log, status, directory } = this.deps;
    const now = clock.now();
    // Only while every group's window is shut: an open one has its pass, which looks itself.
    const moments = momentsByGroup(campaign, now).map((m) => m.moment.kind);
    if (moments.includes('open')) return { kind: 'skipped', reason: 'open' };
    if (moments.every((kind) => kind === 'over')) return { kind: 'skipped', reason: 'over' };
    const marker = 'emailsCheckedOn';
    const today = localDateOf(now, campaign.timeZone);
    if ((await ledger.getMarker(campaign.id, marker)) === today)
      return { kind: 'skipped', reason: 'doneToday' };
    const checked = await this.underLease(`emailChecks:${campaign.id}`, async () => {
      await status.refreshIfOlder(this.deps.delivery.recheckMs, now.getTime());
      const ctx = viewContextAt(this.deps.policy, now);
      const checks = await this.emails.all();
      const excluded = await this.excludedIds();
      const due = new Set<string>();
      for (const target of campaign.policy.targets.groups)
        for await (const page of directory.transitiveMembers(target.id, { priority: 'background' }))
          for (const u of page) {
            if (excluded.has(u.id) || !u.accountEnabled) continue;
            const row = status.snapshotFor(u.id);
            const seen = row && withEmailCheck(row, checks.get(u.id));
            if (seen && completeOnlyIfEmailIsPersonal(seen.methods, ctx.methods)) due.add(u.id);
          }
      const limit = pLimit(LOOKS_AT_ONCE);
      let looks = 0;
      await Promise.all(
        [...due].map((id) =>
          limit(async () => {
            if (await this.emails.look(id, now).catch(() => undefined)) looks += 1;
          }),
        ),
      );
      await ledger.setMarker(campaign.id, marker, today);
      log.info({ due: due.size, looks }, 'campaign: email addresses checked ahead of the next pass');
      return { kind: 'checked', looks } as const;
    });
    return checked ?? { kind: 'skipped', reason: 'leaseHeld' };
  }

  /** One pass over the audience (callers hold the lease, or pass `dryRun`). */
  async pass(options: PassOptions = {}): Promise<PassSummary> {
    const { campaign, clock, ledger, log, status, delivery, directory } = this.deps;
    const now = clock.now();
    const dry = options.dryRun;
    const moment = campaignMoment(campaign, now);
    const targets = campaign.policy.targets.groups;
    const planned = (t: TargetGroup) => !options.groups || options.groups.has(t.id);
    const summary = emptyPassSummary(
      now.toISOString(),
      targets.filter(planned).map((t) => t.id),
      moment.kind === 'open' || moment.kind === 'paused' ? moment.stage.key : undefined,
    );
    if (!dry) summary.repaired = await this.repair();
    await status.refreshIfOlder(delivery.recheckMs, now.getTime());
    const excluded = await this.excludedIds();
    const reportGroup = new Map<string, string>();
    for (const group of campaign.policy.reportGroups) {
      for await (const page of directory.transitiveMembers(group.id, { priority: 'background' }))
        for (const u of page) if (!reportGroup.has(u.id)) reportGroup.set(u.id, group.name);
    }

    const ctx = viewContextAt(this.deps.policy, now);
    // Users a live "I've done it" found complete: one read for the pass (they are few), not one per member.
    const registered = await ledger.markersStartingWith(campaign.id, registeredMarker(''));
    const emailChecks = await this.emails.all();
    const toCheck: ChunkPlan['toCheck'] = [];
    const pass = {
      now,
      dry,
      summary,
      excluded,
      reportGroup,
      registered,
      emailChecks,
      toCheck,
      methods: ctx.methods,
      windowGroups: await windowGroups(this.deps),
    };
    const seen = new Set<string>();
    // The groups before the last one planned are read even when not planned: their members keep to their windows.
    const last = targets.reduce((at, t, i) => (planned(t) ? i : at), -1);
    for (const target of targets.slice(0, last + 1)) {
      for await (const page of directory.transitiveMembers(target.id, { priority: 'background' })) {
        const fresh = page.filter((u) => !seen.has(u.id));
        for (const u of fresh) seen.add(u.id);
        if (!planned(target)) continue;
        summary.members += fresh.length;
        // A page (999 members) is planned a chunk at a time, so that the first sends start within a second or
        // two rather than after the whole page (on Azure Storage a page is thousands of round trips).
        for (let at = 0; at < fresh.length; at += CHUNK) {
          // Another instance holds the lease now and plans: two planners at once is what the lease prevents.
          if (options.leaseLost?.()) throw new Error('campaign planning: the planner lease was lost');
          await this.planChunk(fresh.slice(at, at + CHUNK), { ...pass, target });
        }
      }
    }
    // Last, so that everyone else's nudges are on their way while the looks wait for Graph's reports budget.
    if (dry) summary.emailUnchecked = toCheck.length;
    else await this.lookAtEmails(pass, options);
    log.info({ campaignId: campaign.id, ...summary, dryRun: !!dry }, 'campaign pass');
    return summary;
  }

  /**
   * One live look at each member whose report row is complete only if their email is personal, remembered
   * against that row; those on their school address are then planned like anyone owed a nudge. The looks run at
   * background priority, so they never take the reports budget's slot kept for people; a look that fails leaves
   * the member for the next pass.
   */
  private async lookAtEmails(pass: Omit<ChunkPlan, 'target'>, options: PassOptions): Promise<void> {
    const { summary, toCheck } = pass;
    const byTarget = new Map<TargetGroup, DirectoryUser[]>();
    const limit = pLimit(LOOKS_AT_ONCE);
    let failed = 0;
    await Promise.all(
      toCheck.map(({ user, target }) =>
        limit(async () => {
          if (options.leaseLost?.()) return;
          const looked = await this.emails.look(user.id, pass.now).catch((error: unknown) => {
            failed += 1;
            this.deps.log.warn(
              { userId: user.id, err: { name: (error as Error).name } },
              'campaign: email look failed; the next pass tries again',
            );
            return undefined;
          });
          if (!looked) return;
          summary.emailLooks += 1;
          if (looked.check) pass.emailChecks.set(user.id, looked.check);
          // Planned again with what the look found (kept in the status service's memory for this process).
          byTarget.set(target, [...(byTarget.get(target) ?? []), user]);
        }),
      ),
    );
    summary.emailUnchecked = toCheck.length - summary.emailLooks;
    if (failed > 0) this.deps.log.warn({ failed }, 'campaign: members left unchecked this pass');
    for (const [target, users] of byTarget) {
      for (let at = 0; at < users.length; at += CHUNK) {
        if (options.leaseLost?.()) throw new Error('campaign planning: the planner lease was lost');
        await this.planChunk(users.slice(at, at + CHUNK), { ...pass, toCheck: [], target });
      }
    }
  }

  /** Plans up to CHUNK members of a target group: decides each, then claims and queues what is owed. */
  private async planChunk(chunk: DirectoryUser[], p: ChunkPlan): Promise<void> {
    const { campaign, ledger, queue } = this.deps;
    const { now, dry, summary, reportGroup, target } = p;
    const histories = await ledger.histories(
      campaign.id,
      chunk.map((u) => u.id),
    );
    const looks = await this.lookUp(chunk, p);
    const claims: {
      user: DirectoryUser;
      due: Extract<NudgeDue, { nudge: string }>;
      group: string;
      snapshot?: RegistrationSnapshot;
    }[] = [];
    /** Members not registered: nudged now, later, or already this stage (and may still snooze its card). */
    const unregistered: string[] = [];
    /** Nudges already in the chats of members now registered, whose cards still say they are not. */
    const staleCards: LedgerEntry[] = [];
    for (const user of chunk) {
      const group = reportGroup.get(user.id) ?? target.name;
      const line = (l: Omit<PlanLine, 'userId' | 'userPrincipalName' | 'group'>) =>
        dry?.line({ userId: user.id, userPrincipalName: user.userPrincipalName, group, ...l });
      const look = looks.get(user.id)!;
      const standing = look.standing;
      if (standing.kind === 'excluded') {
        summary.excluded += 1;
        line({ action: 'excluded' });
        continue;
      }
      if (standing.kind === 'disabled') {
        summary.disabled += 1;
        line({ action: 'disabled' });
        continue;
      }
      if (standing.kind === 'emailUnseen') {
        line({ action: 'check', why: 'emailUnchecked' });
        p.toCheck.push({ user, target });
        continue;
      }
      if (standing.kind === 'registered') {
        summary.registered += 1;
        line({ action: 'registered' });
        staleCards.push(...cardsToChange(histories.get(user.id) ?? [], now, this.deps.delivery));
        continue;
      }
      if (standing.problem === 'schoolEmail') summary.schoolEmail += 1;
      const reference = look.reference;
      unregistered.push(user.id);
      const due = nudgeDue({
        campaign,
        now,
        history: histories.get(user.id) ?? [],
        reachableSince: reference?.updatedAt,
        group: target.id,
      });
      const reach = reference ? 'conversation' : user.userType === 'guest' ? 'guest' : 'install';
      if (due.kind === 'none') {
        summary.nothingOwed += 1;
        line({ action: 'none', why: due.reason });
        continue;
      }
      if (due.kind === 'wait') summary.waiting += 1;
      line({
        action: due.kind === 'send' ? 'nudge' : 'later',
        nudge: due.nudge,
        when: due.kind === 'send' ? now.toISOString() : due.until.toISOString(),
        why: due.kind === 'wait' ? due.reason : undefined,
        reach,
        problem: standing.problem,
      });
      // Only nudges owed now, or held back by a snooze, are queued; the window is the scheduler's business.
      if (!dry && (due.kind === 'send' || due.reason === 'snoozed'))
        claims.push({ user, due, group, snapshot: look.snapshot });
    }
    // Before anything is queued: the worker and the snooze read it.
    if (!dry) await this.rememberWindowGroup(unregistered, p);
    summary.cardsToUpdate += dry ? staleCards.length : await queueDoneCards(this.deps, staleCards, now);
    if (claims.length === 0) return;
    const created = await ledger.claim(
      claims.map((c) => ({
        campaignId: campaign.id,
        userId: c.user.id,
        nudge: c.due.nudge,
        group: c.group,
        at: now.toISOString(),
      })),
    );
    const toSend: NudgeJob[] = [];
    const later: { job: NudgeJob; delayMs: number }[] = [];
    const readAt = this.deps.status.reportReadAt;
    claims.forEach((c, i) => {
      if (!created[i]) return;
      const job: NudgeJob = {
        campaignId: campaign.id,
        userId: c.user.id,
        nudge: c.due.nudge,
        firstName: c.user.givenName,
        seen: seenFor(c.snapshot, readAt),
      };
      if (c.due.kind === 'wait') later.push({ job, delayMs: c.due.until.getTime() - now.getTime() });
      else toSend.push(job);
    });
    if (toSend.length > 0) await queue.enqueue(toSend);
    for (const l of later) await queue.enqueue([l.job], { delayMs: l.delayMs });
    await ledger.markEnqueued([...toSend, ...later.map((l) => l.job)], now.toISOString());
    summary.queued += toSend.length + later.length;
  }

  /**
   * Remembers, before their nudges are queued, the target group whose windows these members keep to, for the
   * worker and the snooze (one marker per member not registered, written when it changes: in practice once per
   * campaign; none for a group on the campaign's window unless the member kept to another group's before).
   */
  private async rememberWindowGroup(userIds: string[], p: ChunkPlan): Promise<void> {
    const { campaign, ledger } = this.deps;
    const changed = userIds.filter((id) => {
      const known = p.windowGroups.get(id);
      return known !== p.target.id && (known !== undefined || !!p.target.windows);
    });
    const limit = pLimit(LOOKUPS_AT_ONCE);
    await Promise.all(
      changed.map((userId) =>
        limit(async () => {
          await ledger.setMarker(campaign.id, windowGroupMarker(userId), p.target.id);
          p.windowGroups.set(userId, p.target.id);
        }),
      ),
    );
  }

  /**
   * Where each user stands (by the report snapshot with what earlier looks found about email addresses, or a
   * live "I've done it" remembered for the campaign) and, for those not registered, their conversation reference,
   * several users at once (one after the other, a page of 999 members would cost 999 round trips end to end on
   * Azure Storage).
   */
  private async lookUp(users: DirectoryUser[], p: ChunkPlan): Promise<Map<string, MemberLook>> {
    const { references, status } = this.deps;
    const limit = pLimit(LOOKUPS_AT_ONCE);
    const looks = new Map<string, MemberLook>();
    await Promise.all(
      users.map((user) =>
        limit(async () => {
          const row = status.snapshotFor(user.id);
          const snapshot = row && withEmailCheck(row, p.emailChecks.get(user.id));
          const standing = memberStanding({
            excluded: p.excluded.has(user.id),
            accountEnabled: user.accountEnabled,
            registeredLive: p.registered.has(registeredMarker(user.id)),
            methods: snapshot?.methods,
            availability: p.methods,
          });
          const unregistered = standing.kind === 'unregistered';
          looks.set(user.id, {
            standing,
            reference: unregistered ? await references.get(user.id) : undefined,
            snapshot: unregistered ? snapshot : undefined,
          });
        }),
      ),
    );
    return looks;
  }

  /**
   * Rows claimed by a planner that died before queuing them: queue them now. Every row not marked enqueued
   * and claimed before this pass began: under the lease, no other planner is between a claim and its enqueue
   * (the one that held the lease before is dead or done), and a row queued twice is harmless (a message for a
   * row that is no longer `queued` is dropped, and the send is taken with a conditional write). A margin here
   * would leave a dead planner's last claims unqueued for the rest of the stage, as this pass cannot claim
   * them again.
   */
  private async repair(): Promise<number> {
    const { campaign, clock, ledger, queue } = this.deps;
    const before = clock.now().toISOString();
    let repaired = 0;
    for await (const page of ledger.scan(campaign.id, { states: ['queued'], notEnqueuedBefore: before })) {
      const jobs = page.map((e) => ({ campaignId: e.campaignId, userId: e.userId, nudge: e.nudge }));
      await queue.enqueue(jobs);
      await ledger.markEnqueued(jobs, clock.now().toISOString());
      repaired += jobs.length;
    }
    if (repaired > 0)
      this.deps.log.warn({ repaired }, 'campaign: queued rows a previous planner left unqueued');
    return repaired;
  }
}
