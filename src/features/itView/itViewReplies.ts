/**
 * `progress` in chat: IT staff get the overview card; anyone else gets nothing from here (the router then gives
 * the ordinary answer), so no figure ever reaches a pupil. The count may take longer than a turn may wait on a
 * big school's first look: it goes on, and the next `progress` is answered from it.
 */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import type { SchoolPolicy } from '../../domain/policy/schoolPolicy';
import type { Logger } from '../../logging/logger';
import { progressOverviewCard, progressUnavailableCard } from './itViewCards';
import type { ItStaffMembership } from './itStaffMembership';
import type { SchoolProgressService } from './schoolProgressService';
import { TIMED_OUT, within } from '../shared/within';

export interface ItViewRepliesDeps {
  staff: ItStaffMembership;
  progress: SchoolProgressService;
  policy: SchoolPolicy;
  log: Logger;
  /** The deep link to the personal tab; absent: no button. */
  tabUrl?: string;
  /** How long a turn waits for the count (default 3 s; Teams gives up on a reply after 10–15 s). */
  inTurnWaitMs?: number;
  /**
   * How long anyone's `progress` waits to learn whether they are IT staff (default 1 s) before getting the
   * ordinary answer: a pupil's status must not wait on a slow Graph. The check goes on and is remembered.
   */
  membershipWaitMs?: number;
}

export class ItViewReplies {
  constructor(private readonly deps: ItViewRepliesDeps) {}

  /** The overview for a member of IT staff; undefined for anyone else (or when membership cannot be told). */
  async overviewFor(userId: string): Promise<AdaptiveCardJson[] | undefined> {
    const { staff, progress, policy, log, tabUrl } = this.deps;
    const checking = staff.isItStaff(userId).catch((error: unknown) => {
      log.warn({ userId, err: { name: (error as Error).name } }, 'it view: membership check failed');
      return false;
    });
    const member = await within(checking, this.deps.membershipWaitMs ?? 1000);
    if (member !== true) return undefined;
    const counting = progress.view();
    try {
      const view = await within(counting, this.deps.inTurnWaitMs ?? 3000);
      if (view === TIMED_OUT) {
        // The count goes on and is kept for the next ask; its failure is logged there.
        counting.catch(() => undefined);
        return [progressUnavailableCard('counting')];
      }
      log.info({ userId, groups: view.groups.length }, 'it view: overview shown in chat');
      return [progressOverviewCard(view, policy, tabUrl)];
    } catch (error) {
      log.warn({ userId, err: { name: (error as Error).name } }, 'it view: progress could not be counted');
      return [progressUnavailableCard('failed')];
    }
  }
}
