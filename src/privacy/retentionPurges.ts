/**
 * The retention purges, one per kind of record, each with its period from the school policy (`retention`,
 * and `escalation.retentionDays`). The retention job runs them all once a day.
 */
import type { Stores } from '../adapters/storage';
import type { Purge } from '../conversation/retentionJob';
import { isCampaignPastRetention } from '../domain/campaign/campaignTime';
import { localDateOf } from '../domain/policy/localDate';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import { timeStepAt } from '../domain/supportCodes/totp';

const DAY_MS = 86_400_000;
/** IT's daily counts (no personal data): a school year and a little more, enough for any campaign's trend. */
export const PROGRESS_DAYS_KEPT = 400;

/** Files kept for a while and then deleted (the demo mailer's mails). */
export interface AgedFiles {
  purgeOlderThan(cutoff: Date): number;
}

export function retentionPurges(deps: {
  policy: SchoolPolicy;
  stores: Stores;
  demoMail?: AgedFiles;
}): Purge[] {
  const { policy, stores, demoMail } = deps;
  const r = policy.retention;
  const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);
  const purges: Purge[] = [
    { name: 'guide progress', purge: (now) => stores.progress.purgeInactiveSince(before(now, r.days)) },
    {
      name: 'conversation references',
      purge: (now) => stores.references.purgeUpdatedBefore(before(now, r.conversationReferenceDays)),
    },
    {
      name: 'status follow-ups',
      purge: (now) => stores.followUps.purgeRequestedBefore(before(now, r.statusFollowUpDays)),
    },
    {
      name: 'escalations',
      purge: (now) => stores.escalations.purgeCreatedBefore(before(now, policy.escalation.retentionDays)),
    },
    {
      name: 'support code secrets',
      purge: (now) => {
        const cutoff = before(now, r.supportCodeSecretDays);
        return stores.supportCodes.purgeSecretsUnusedSince(cutoff, timeStepAt(cutoff.getTime()));
      },
    },
    {
      name: 'support code checks',
      purge: (now) => stores.supportCodes.purgeChecksBefore(before(now, r.supportCodeCheckDays)),
    },
    {
      name: 'temporary access pass grants',
      purge: (now) => stores.temporaryAccessPasses.purgeCreatedBefore(before(now, r.temporaryAccessPassDays)),
    },
    {
      name: "IT's daily progress counts",
      purge: (now) =>
        stores.progressDays.purgeBefore(localDateOf(before(now, PROGRESS_DAYS_KEPT), policy.school.timeZone)),
    },
    {
      name: 'nudge campaigns',
      purge: async (now) => {
        const today = localDateOf(now, policy.school.timeZone);
        let deleted = 0;
        for (const campaignId of await stores.nudgeLedger.campaigns()) {
          if (!isCampaignPastRetention(campaignId, today, r.nudgeDaysAfterEnforcement)) continue;
          deleted += await stores.nudgeLedger.deleteCampaign(campaignId);
          // Anything of it still queued would only be dropped unsent by a worker now.
          await stores.nudgeQueue.eraseWhere((job) => job.campaignId === campaignId);
        }
        return deleted;
      },
    },
  ];
  if (demoMail) {
    purges.push({
      name: 'demo mail files',
      purge: (now) => Promise.resolve(demoMail.purgeOlderThan(before(now, r.demoMailDays))),
    });
  }
  return purges;
}
