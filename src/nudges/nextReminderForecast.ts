/**
 * IT's forecast of the next reminder: which stage goes out next, when each target group's first window for it
 * opens, and how many of each group it would reach were it sent with today's registrations. Decided member by
 * member exactly as the planner's pass decides (`memberStanding`, then `nudgeDue` at the group's opening), from
 * the report the status service holds, the campaign's ledger (histories, live "done" checks, email looks) and
 * one membership listing per group: never a call per person. Members are counted in the first target group
 * they are met in, as the planner plans them.
 */
import pLimit from 'p-limit';
import { windowsOf, type SendingWindow } from '../domain/campaign/campaignTime';
import { memberStanding } from '../domain/campaign/memberStanding';
import { nextReminder } from '../domain/campaign/nextReminder';
import { nudgeDue } from '../domain/campaign/nudgeDecision';
import type { ActiveStage } from '../domain/campaign/stagePlan';
import { wallClockAt } from '../domain/campaign/zonedTime';
import type { TargetGroup } from '../domain/policy/campaignPolicy';
import type { LocalDate } from '../domain/policy/localDate';
import { withEmailCheck } from '../domain/registration/emailCheck';
import { viewContextAt } from '../features/shared/wording';
import type { DirectoryUser } from '../ports/directory';
import { registeredMarker, type CampaignDeps } from './campaignContext';
import { campaignExcludedIds } from './campaignExclusions';
import { EmailChecks } from './emailChecks';

export interface GroupForecast {
  group: TargetGroup;
  /** The windows its nudges arrive in (its own, or the campaign's). */
  windows: readonly SendingWindow[];
  /** When the group's first window for the stage opens; undefined: none opens for it before the next stage. */
  opensAt?: Date;
  /** `opensAt` on the school's clock. */
  opensLocal?: { date: LocalDate; time: string };
  /** Owed the reminder at that opening (not registered, not left out, not already sent it, not blocked). */
  owed: number;
  /** Of `owed`, those whose only gap is their email being the school address (found by the campaign's looks). */
  schoolEmail: number;
  /** Complete by the report only if their email is personal: the pass takes a live look before deciding. */
  toCheck: number;
}

export interface NextReminderForecast {
  stage: ActiveStage;
  /** The stages that fell on the same school day and go out as this one. */
  merged: string[];
  groups: GroupForecast[];
}

/** The report is re-read first when older than this: as old as IT's figures may be (the progress view's). */
const REPORT_MAX_AGE_MS = 60 * 60_000;
/** Ledger histories read per round trip. */
const CHUNK = 100;
const READS_AT_ONCE = 4;

type ForecastDeps = Pick<
  CampaignDeps,
  'campaign' | 'policy' | 'directory' | 'status' | 'ledger' | 'references' | 'clock'
>;

/** The next reminder and whom it would reach; undefined when no more reminders are planned. */
export async function forecastNextReminder(deps: ForecastDeps): Promise<NextReminderForecast | undefined> {
  const { campaign, directory, ledger, status } = deps;
  const now = deps.clock.now();
  const next = nextReminder(campaign, now);
  if (!next) return undefined;
  await status.refreshIfOlder(REPORT_MAX_AGE_MS, now.getTime());
  const excluded = await campaignExcludedIds(directory, campaign.policy);
  const registered = await ledger.markersStartingWith(campaign.id, registeredMarker(''));
  const emailChecks = await new EmailChecks(deps).all();

  // Each member in the first target group they are met in: whose windows they keep to.
  const seen = new Set<string>();
  const membersOf = new Map<string, DirectoryUser[]>();
  for (const { group } of next.openings) {
    const members: DirectoryUser[] = [];
    for await (const page of directory.transitiveMembers(group.id, { priority: 'background' }))
      for (const u of page) if (!seen.has(u.id) && seen.add(u.id)) members.push(u);
    membersOf.set(group.id, members);
  }

  const groups: GroupForecast[] = [];
  for (const { group, opensAt } of next.openings) {
    const forecast: GroupForecast = {
      group,
      windows: windowsOf(campaign, group.id),
      opensAt,
      opensLocal: opensAt && wallClockAt(opensAt, campaign.timeZone),
      owed: 0,
      schoolEmail: 0,
      toCheck: 0,
    };
    groups.push(forecast);
    if (!opensAt) continue;
    // The methods the school accepts when the window opens (texts and calls may stop counting before then).
    const availability = viewContextAt(deps.policy, opensAt).methods;
    const unregistered: { user: DirectoryUser; problem?: 'schoolEmail' }[] = [];
    for (const user of membersOf.get(group.id)!) {
      const row = status.snapshotFor(user.id);
      const standing = memberStanding({
        excluded: excluded.has(user.id),
        accountEnabled: user.accountEnabled,
        registeredLive: registered.has(registeredMarker(user.id)),
        methods: row && withEmailCheck(row, emailChecks.get(user.id)).methods,
        availability,
      });
      if (standing.kind === 'emailUnseen') forecast.toCheck += 1;
      if (standing.kind === 'unregistered') unregistered.push({ user, problem: standing.problem });
    }
    const limit = pLimit(READS_AT_ONCE);
    const chunks: (typeof unregistered)[] = [];
    for (let at = 0; at < unregistered.length; at += CHUNK) chunks.push(unregistered.slice(at, at + CHUNK));
    await Promise.all(
      chunks.map((chunk) =>
        limit(async () => {
          const histories = await ledger.histories(
            campaign.id,
            chunk.map((c) => c.user.id),
          );
          for (const { user, problem } of chunk) {
            const history = histories.get(user.id) ?? [];
            // Only a member who blocked the bot needs their conversation: it says whether they spoke again since.
            const reachableSince = history.some((h) => h.state === 'blocked')
              ? (await deps.references.get(user.id))?.updatedAt
              : undefined;
            const due = nudgeDue({ campaign, now: opensAt, history, reachableSince, group: group.id });
            if (due.kind !== 'send' || due.stage.key !== next.stage.key) continue;
            forecast.owed += 1;
            if (problem === 'schoolEmail') forecast.schoolEmail += 1;
          }
        }),
      ),
    );
  }
  const merged = campaign.plan.filter((s) => s.mergedInto === next.stage.key).map((s) => s.key);
  return { stage: next.stage, merged, groups };
}
