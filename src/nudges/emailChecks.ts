/**
 * What campaigns have learnt about members' email addresses, kept in the ledger's per-user markers so that every
 * instance and the command line share it: one live look per member whose report row cannot show whether their
 * email is the school address, taken again only when that row changes.
 */
import {
  decodeEmailCheck,
  emailCheckFrom,
  encodeEmailCheck,
  type EmailCheck,
} from '../domain/registration/emailCheck';
import type { RegistrationSnapshot } from '../domain/registration/snapshot';
import { emailCheckedMarker, type CampaignDeps } from './campaignContext';

export class EmailChecks {
  constructor(private readonly deps: Pick<CampaignDeps, 'campaign' | 'ledger' | 'status'>) {}

  /** Every check kept for the campaign (user id → check): one read for a planning pass. */
  async all(): Promise<Map<string, EmailCheck>> {
    const prefix = emailCheckedMarker('');
    const checks = new Map<string, EmailCheck>();
    const { campaign, ledger } = this.deps;
    for (const [name, value] of await ledger.markersStartingWith(campaign.id, prefix)) {
      const check = decodeEmailCheck(value);
      if (check) checks.set(name.slice(prefix.length), check);
    }
    return checks;
  }

  /** The check kept for one user, if any. */
  async get(userId: string): Promise<EmailCheck | undefined> {
    const { campaign, ledger } = this.deps;
    return decodeEmailCheck(await ledger.getMarker(campaign.id, emailCheckedMarker(userId)));
  }

  /**
   * One live look at the user (background priority: it waits for the reports budget and never takes the slot
   * kept for people), remembered against the report row it was taken for. Returns the user's snapshot after
   * the look, and the check when the look showed an email; undefined when the directory no longer has them.
   */
  async look(
    userId: string,
    now: Date,
  ): Promise<{ snapshot: RegistrationSnapshot; check?: EmailCheck } | undefined> {
    const { campaign, ledger, status } = this.deps;
    const row = status.snapshotFor(userId);
    const looked = await status.backgroundLook(userId);
    if (looked.kind !== 'known') return undefined;
    const check =
      row?.source === 'report'
        ? emailCheckFrom((looked.live ?? looked.snapshot).methods, row.asOf, now.toISOString())
        : undefined;
    if (check) await ledger.setMarker(campaign.id, emailCheckedMarker(userId), encodeEmailCheck(check));
    return { snapshot: looked.snapshot, check };
  }
}
